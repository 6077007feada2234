"""``python -m dpscan`` runs the dpscan command line."""

from dpscan.scanner.cli import main

if __name__ == "__main__":
    main()
