"""dpscan detectors: personal data, protection and policy checks over one file's data."""

if __name__ != "dpscan.detectors":  # the folder is on sys.path by mistake: never load twice
    raise ImportError(f"import dpscan.detectors, not {__name__}")
