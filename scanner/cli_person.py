"""``dpscan find-person``: every catalogued file about one person (subject access and
erasure requests).  Registered on the main group in :mod:`dpscan.scanner.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from dpscan.model.errors import ConfigError
from dpscan.model.wording import counted
from dpscan.scanner.cli_command import Command


@click.command("find-person", cls=Command)
@click.option("--name", required=True, metavar="NAME",
              help='The person\'s name: "Amelia Jones", "JONES Amelia" or "Jones, Amelia".')
@click.option("--dob", metavar="DATE", help="Date of birth (2014-03-02 or 02/03/2014).")
@click.option("--upn", metavar="UPN", help="Unique Pupil Number (check letter verified).")
@click.option("--uln", metavar="ULN", help="Unique Learner Number (check digit verified).")
@click.option("--nhs", metavar="NUMBER", help="NHS number (check digit verified).")
@click.option("--email", metavar="ADDRESS", help="An email address of the person.")
@click.option("--postcode", metavar="POSTCODE", help="The person's home postcode.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              envvar="DPSCAN_DB",
              help="Catalogue database. [default: catalogue.sqlite in the user's data "
                   "folder; env DPSCAN_DB]")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Retention schedule for the retention status of each file. [default: "
                   "the shipped retention_rules.yaml]")
@click.option("--rescan", is_flag=True,
              help="Read every candidate file again to confirm, and to find misspelt "
                   "mentions the index cannot.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for person.json, person.html and person.xlsx (created "
                   "owner-only).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def find_person(name: str, dob: str | None, upn: str | None, uln: str | None,
                nhs: str | None, email: str | None, postcode: str | None,
                db_path: Path | None, rules_file: Path | None, rescan: bool, out: Path,
                quiet: bool) -> None:
    """Find every catalogued file about one person, ranked by the evidence.

    Searches the catalogue's index of keyed hashes (names, dates of birth, identifiers)
    built by `dpscan scan`, without reading the share; --rescan reads the candidates again.
    Files that share only the surname (siblings) are left out; files where the name
    stands next to another DOB or UPN are set aside as probably someone else.
    """
    from dpscan.detectors.governance import Governor
    from dpscan.detectors.governance.retention import default_rules_path, load_schedule
    from dpscan.detectors.person_index import PersonQuery, QueryError
    from dpscan.reports.person_report import write_person_reports
    from dpscan.scanner.catalogue import Catalogue, CatalogueError, default_db_path
    from dpscan.scanner.person_search import find_person as search
    from dpscan.scanner.secret import KeyFileError, load_key

    try:
        query = PersonQuery.build(name, dob=dob, upn=upn, uln=uln, nhs=nhs, email=email,
                                  postcode=postcode)
    except QueryError as exc:
        raise ConfigError(str(exc)) from exc
    schedule = load_schedule(rules_file or default_rules_path())
    db = Path(db_path) if db_path is not None else default_db_path()
    if not db.exists():
        raise ConfigError(f"no catalogue at {db}: run dpscan scan first")
    try:
        key = load_key(db.parent)
        catalogue = Catalogue.open(db)
    except (KeyFileError, CatalogueError) as exc:
        raise ConfigError(str(exc)) from exc
    try:
        result = search(query, catalogue.files_with_terms, key, rescan=rescan,
                        govern=Governor(schedule).govern)
    finally:
        catalogue.close()
    written = write_person_reports(result, out)  # a full disk: one line, status 2 (cli_command)
    if not quiet:
        click.echo(f"{counted(len(result.matches), 'file')} about the person, "
                   f"{len(result.set_aside)} set aside (same name, other DOB or identifier), "
                   f"{result.weak} sharing only the surname, a date or the postcode; "
                   f"{result.seconds} s.", err=True)
        for path in written:
            click.echo(f"  {path}", err=True)


__all__ = ["find_person"]
