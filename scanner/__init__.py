"""dpscan's scanner: crawl shares, sniff types, read bytes and text, run each file's journey,
and the command line.  Installed as ``dpscan.scanner``."""

if __name__ != "dpscan.scanner":  # the folder is on sys.path by mistake: never load twice
    raise ImportError(f"import dpscan.scanner, not {__name__}")
