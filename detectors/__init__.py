"""dpscan detectors: personal data, protection and policy checks over one file's data."""
