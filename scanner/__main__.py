"""``python -m dpscan.scanner`` runs the dpscan command line, as ``python -m dpscan`` does."""

from dpscan.scanner.cli import main

if __name__ == "__main__":
    main()
