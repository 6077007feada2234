"""Build ``plain_words.txt``: English words that are not names, for the NER gate.

Source: SCOWL's British English list as Debian ships it (package ``wbritish``,
``/usr/share/dict/british-english``).  A word is kept when it is all lower case, has no
apostrophe, and the list has no capitalised entry for it: SCOWL lists proper names
("Grace", "Brown", "May") with capitals, so words that are also names stay out.

Run it again only to refresh the list::

    apt-get install wbritish && python detectors/data/make_plain_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCE = Path("/usr/share/dict/british-english")
TARGET = Path(__file__).with_name("plain_words.txt")
HEADER = """\
# English words that are not names: lower case in SCOWL, with no capitalised entry.
# Made by make_plain_words.py from SCOWL (see SCOWL-LICENSE.txt); one word a line.
"""


def main() -> int:
    words = [w.strip() for w in SOURCE.read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if w and "'" not in w]
    proper = {w for w in words if w[0].isupper()}
    plain = sorted({w for w in words if w.islower() and w.capitalize() not in proper})
    TARGET.write_text(HEADER + "\n".join(plain) + "\n", encoding="utf-8")
    print(f"{len(plain)} words -> {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
