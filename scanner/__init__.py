"""dpscan scanner: crawl file shares, sniff types, extract text and run the per-file pipeline."""

__version__ = "0.1.0"
