"""dpscan: data discovery and retention scanner for UK school file shares.

One import root.  The stages live in subpackages and import one way (see ARCHITECTURE.md):
``dpscan.model`` (the leaf: ids, records, extraction types, configuration, errors) <-
``dpscan.detectors`` <- ``dpscan.scanner`` (walk, sniff, extract, the run and the CLI);
``dpscan.reports`` reads records only.
"""

__version__ = "0.1.0"
