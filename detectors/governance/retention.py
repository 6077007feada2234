"""Retention schedule: load the rules, pick the rule for a file, and work out when it is due.

The schedule is a YAML file (``retention_rules.yaml`` at the repository root is the default
for schools in England; its header comment documents the format for a DPO).  This module is
pure: apart from reading that one file it does no I/O, and it never prints.  A bad rules file
stops the run with :class:`RulesError`, which names the file, the line and the field of every
problem at once, so a DPO can fix them all in one go (STYLE habit 4: never fall back silently
to defaults).

Public API:

* :func:`load_schedule` - parse and strictly validate a rules file.
* :func:`check_schedule` - prove every rule's ``examples`` and ``negative_examples``.
* :func:`match_rule` - the rule that governs a file (path and/or detected content).
* :func:`path_date` - the latest academic year, year or date named in a path.
* :func:`decide` - trigger date, due date, overdue and due-soon for one file under one rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from dpscan.detectors.special_categories import load_vocabulary
from dpscan.model.configfile import ConfigFile, Fields, line_of
from dpscan.model.errors import ConfigError
from dpscan.model.ids import RULE_ACTIONS
from dpscan.model.records import ENTITY_TYPES

SCHEMA_VERSION = 1

# Vocabularies (public contract: rules files name these, so never rename one).
TRIGGERS: tuple[str, ...] = ("modified", "path_date", "date_of_birth", "closure")
CONFIDENCE_LEVELS: tuple[str, ...] = ("confirmed", "partially_confirmed", "typical")
# Special-category ids as the special-category detector reports them (one list: its
# shipped vocabulary).
SPECIAL_CATEGORIES: tuple[str, ...] = load_vocabulary().ids
# "Current year + N" in the IRMS toolkit counts from the end of the year the record belongs
# to, so `retention.from_end_of` moves the trigger date to the end of that year first.
# Maintained schools' financial year ends 31 March; academies' ends 31 August (use
# academic_year); the tax year ends 5 April.
YEAR_ENDS: dict[str, tuple[int, int]] = {
    "academic_year": (8, 31),
    "financial_year": (3, 31),
    "tax_year": (4, 5),
    "calendar_year": (12, 31),
}

# Years outside this window are not dates (a 1066 folder, a 2087 reference number).
EARLIEST_PLAUSIBLE_YEAR = 1990

_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class RulesError(ConfigError):
    """A retention rules file is invalid: ``problems`` names the file, line and field of each."""


@dataclass(frozen=True, slots=True)
class _Pattern:
    """One compiled path condition: a glob or a regex from a rule's ``match``."""

    text: str
    regex: re.Pattern[str]
    is_glob: bool
    # The longest run of a glob that any matching path must contain (lower case), so
    # most patterns are ruled out by a substring test before the regex runs.
    literal: str = ""

    def specificity(self, relpath: str, lowered: str | None = None) -> int | None:
        """How specific this pattern is about ``relpath``, or None when it does not match.

        A glob scores its literal characters (``**`` and ``*`` pin nothing down, so they
        must not make a pattern look specific); a regex scores the length of what it
        matched, as its source text is mostly syntax.
        """
        if self.is_glob:
            if self.literal and self.literal not in (lowered or relpath.lower()):
                return None
            return _glob_literal_length(self.text) if self.regex.fullmatch(relpath) else None
        found = self.regex.search(relpath)
        return len(found.group(0)) if found else None


@dataclass(frozen=True, slots=True)
class RetentionRule:
    """One record series of the schedule, as validated from the rules file."""

    id: str
    title: str
    action: str
    source: str
    confidence: str
    examples: tuple[str, ...]
    negative_examples: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    path_regex: str | None = None
    entities: tuple[str, ...] = ()
    special_categories: tuple[str, ...] = ()
    trigger: str | None = None  # None only for permanent rules
    fallback: str | None = None
    years: int = 0
    months: int = 0
    days: int = 0
    from_end_of: str | None = None
    closure_date: date | None = None
    priority: int = 0
    notes: str | None = None
    line: int = 0  # line of the rule in the rules file, for messages
    _patterns: tuple[_Pattern, ...] = field(default=(), repr=False, compare=False)

    @property
    def has_path_condition(self) -> bool:
        """True when the rule only applies to files whose path matches."""
        return bool(self._patterns)

    @property
    def has_content_condition(self) -> bool:
        """True when the rule only applies to files with the listed content."""
        return bool(self.entities or self.special_categories)

    @property
    def period(self) -> relativedelta:
        """The retention period, added to the trigger date to get the due date."""
        return relativedelta(years=self.years, months=self.months, days=self.days)


@dataclass(frozen=True, slots=True)
class RetentionSchedule:
    """The rules of one rules file, in file order, with the file's path and sha256 digest."""

    rules: tuple[RetentionRule, ...]
    source: Path
    sha256: str
    # Rule ids are unique (the reader refuses a repeat): each record a rescan applies a
    # kept judgement to looks its rule up here.
    _by_id: dict[str, RetentionRule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, RetentionRule] = {}
        for rule in self.rules:
            by_id.setdefault(rule.id, rule)  # the first, as a search in file order finds
        object.__setattr__(self, "_by_id", by_id)

    def get(self, rule_id: str) -> RetentionRule | None:
        """The rule with id ``rule_id``, or None."""
        return self._by_id.get(rule_id)

    def rules_for_path(
        self, lowered: str
    ) -> list[_Candidate]:
        """(position, rule, patterns worth trying) for the lower-cased path: rules without
        a path condition (patterns None), and path rules with the patterns whose required
        text occurs in the path or that require none.  One Aho-Corasick pass instead of a
        regex per pattern: every rescan judges every file again."""
        index = _PATH_INDEX.get(id(self))
        if index is None or index[0] is not self:
            index = _PATH_INDEX[id(self)] = (self, _build_path_index(self.rules))
        _, (automaton, unconditional, static) = index
        if automaton is None:
            return list(static.values())
        tried: dict[int, set[int]] = {}
        for _end, pairs in automaton.iter(lowered):
            for position, pattern in pairs:
                tried.setdefault(position, set()).add(pattern)
        if not tried:
            return list(static.values())
        found = dict(static)
        for position, numbers in tried.items():
            rule = self.rules[position]
            chosen = numbers | unconditional.get(position, _NONE)
            found[position] = (position, rule, tuple(rule._patterns[i] for i in sorted(chosen)))
        return list(found.values())


_NONE: frozenset[int] = frozenset()
_Candidate = tuple[int, "RetentionRule", "tuple[_Pattern, ...] | None"]
_PathIndex = tuple[Any, dict[int, frozenset[int]], dict[int, _Candidate]]
# id(schedule) -> (schedule, (automaton: required text -> (rule position, pattern index),
# rule position -> patterns that require no text, the candidates every path has: rules
# without a path condition and those patterns)); the schedule beside its id makes a reused
# id harmless.
_PATH_INDEX: dict[int, tuple[RetentionSchedule, _PathIndex]] = {}


def _build_path_index(rules: Sequence[RetentionRule]) -> _PathIndex:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    unconditional: dict[int, set[int]] = {}
    for position, rule in enumerate(rules):
        for number, pattern in enumerate(rule._patterns):
            if pattern.is_glob and pattern.literal:
                pairs = automaton.get(pattern.literal, frozenset())
                automaton.add_word(pattern.literal, pairs | {(position, number)})
            else:
                unconditional.setdefault(position, set()).add(number)
    frozen = {position: frozenset(numbers) for position, numbers in unconditional.items()}
    static: dict[int, _Candidate] = {}
    for position, rule in enumerate(rules):
        if not rule.has_path_condition:
            static[position] = (position, rule, None)
        elif position in frozen:
            static[position] = (position, rule,
                                tuple(rule._patterns[i] for i in sorted(frozen[position])))
    if len(automaton) == 0:
        return None, frozen, static
    automaton.make_automaton()
    return automaton, frozen, static


@dataclass(frozen=True, slots=True)
class RetentionDecision:
    """What the schedule says about one file: when its clock started and when it is due."""

    rule_id: str
    title: str
    trigger: str  # what the clock starts from, in words, e.g. "modified (no date in path)"
    trigger_date: date | None  # the date the period is counted from
    due: date | None  # None for permanent rules and when no trigger date could be found
    action: str
    overdue: bool
    due_soon: bool


# --------------------------------------------------------------------------- globs


def glob_to_regex(glob: str) -> str:
    """Translate a path glob to a regex for :func:`re.fullmatch` on a "/"-separated path.

    ``**`` as a whole folder name matches any number of folders (including none), ``*``
    any run of characters within one name, ``?`` one character, ``[abc]`` / ``[!abc]``
    one character from / not from a set.  Raises ValueError for a glob that cannot mean
    anything, so a typo in the rules file is reported rather than silently never matching.
    """
    if not glob:
        raise ValueError("is empty")
    if glob.startswith("/"):
        raise ValueError("must be relative to the scanned folder (no leading '/')")
    if "\\" in glob:
        raise ValueError("must use '/' between folders, not '\\'")
    parts = glob.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            # "a/**" covers everything below a; "**/b" lets b sit at any depth.
            out.append(".+" if last else "(?:[^/]+/)*")
            continue
        if not part:
            raise ValueError("has an empty folder name ('//' or a trailing '/')")
        if "**" in part:
            raise ValueError("uses '**' inside a name; '**' must be a whole folder name")
        out.append(_translate_segment(part) + ("" if last else "/"))
    return "".join(out)


def _translate_segment(part: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(part):
        char = part[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = part.find("]", i + 2 if part[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end == -1:
                raise ValueError("has a '[' with no closing ']'")
            body = part[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            if not body:
                raise ValueError("has an empty character set '[]'")
            escaped = "".join("\\" + c if c in "\\^[]" else c for c in body)
            out.append(f"[{'^' if negate else ''}{escaped}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _glob_required_text(glob: str) -> str:
    """The longest literal run of ``glob`` (lower case; "" when none is safe to require):
    a path the glob matches contains it.  Slashes at its ends are dropped, as ``**/`` may
    match no folder at all; non-ASCII runs are skipped, as regex case folding differs."""
    runs = (run.strip("/").lower() for run in re.split(r"\*+|\?|\[[^\]]*\]", glob))
    return max((run for run in runs if run.isascii()), key=len, default="")


def _glob_literal_length(glob: str) -> int:
    """Characters of ``glob`` that must appear literally (a character set counts as one)."""
    return len(re.sub(r"\[[^\]]*\]", "x", glob).replace("*", "").replace("?", ""))


# --------------------------------------------------------------------------- loading


_RULE_FIELDS = (
    "id",
    "title",
    "match",
    "retention",
    "trigger",
    "fallback",
    "closure_date",
    "action",
    "source",
    "confidence",
    "priority",
    "examples",
    "negative_examples",
    "notes",
)
_MATCH_FIELDS = ("paths", "path_regex", "content")
_CONTENT_FIELDS = ("entities", "special_categories")
_RETENTION_FIELDS = ("years", "months", "days", "from_end_of")


def default_rules_path() -> Path:
    """The shipped schedule (``retention_rules.yaml`` at the repository root, packaged as
    ``detectors/data/retention_rules.yaml``)."""
    return Path(__file__).parent.parent / "data" / "retention_rules.yaml"


def load_schedule(path: Path) -> RetentionSchedule:
    """Read and strictly validate the retention rules file at ``path``.

    Every problem in the file (unknown or missing fields, duplicate ids, unknown trigger,
    action, confidence, entity type or special category, negative or non-integer periods,
    globs or regexes that do not compile...) is collected, and :class:`RulesError` is raised
    once with all of them, each as ``<file> line <n>: rule '<id>': <field> <problem>``.
    Unreadable files and YAML syntax errors raise :class:`RulesError` too.  The schedule
    records ``path`` and the sha256 of the file's bytes for provenance.
    """
    config = ConfigFile.read(path, what="rules file", error=RulesError)
    if config.root is None:
        raise RulesError([f"{config.name} line 1: the rules file is empty"])
    rules = _read_document(config, config.root)
    config.check()
    return RetentionSchedule(
        rules=tuple(rules), source=path, sha256=hashlib.sha256(config.raw).hexdigest()
    )


def _read_document(config: ConfigFile, root: yaml.Node) -> list[RetentionRule]:
    if isinstance(root, yaml.SequenceNode):  # the rules written without their wrapper
        config.problem(root, "", f"the rules file is a bare list of rules: add the lines "
                       f"`version: {SCHEMA_VERSION}` and `rules:` above it (as at the top "
                       "of the shipped retention_rules.yaml)")
        return []
    top = config.mapping(root, "", "the rules file", allowed=("version", "rules"))
    if top is None:
        return []
    if "version" not in top:
        config.problem(root, "", f"missing field version (this format is version {SCHEMA_VERSION})")
    else:
        version = top.integer("version")
        if version is not None and version != SCHEMA_VERSION:
            config.problem(
                top.get("version"), "", f"version must be {SCHEMA_VERSION} (got {version!r})"
            )
    rules_node = top.required("rules")
    if rules_node is None:
        return []
    rules: list[RetentionRule] = []
    first_line: dict[str, int] = {}
    items = config.sequence(rules_node, "", "rules", what="list of rules")
    for index, node in enumerate(items, start=1):
        rule = _read_rule(config, node, index)
        if rule is None:
            continue
        if rule.id in first_line:
            config.problem(
                node,
                f"rule '{rule.id}'",
                f"id is used by another rule too (first on line {first_line[rule.id]})",
            )
            continue
        first_line[rule.id] = rule.line
        rules.append(rule)
    return rules


def _read_rule(config: ConfigFile, node: yaml.Node, index: int) -> RetentionRule | None:
    """One rule, or None when it has problems (they are recorded on ``config``)."""
    before = config.count
    fields = config.mapping(node, f"rule #{index}", "a rule")
    if fields is None:
        return None
    rule_id = fields.text("id")
    if rule_id is not None and not _RULE_ID.fullmatch(rule_id):
        config.problem(
            fields.get("id"),
            fields.where,
            f"id must be kebab-case like 'attendance-registers' (got {rule_id!r})",
        )
        rule_id = None
    if rule_id is not None:
        fields = fields.at(f"rule '{rule_id}'")
    fields.reject_unknown(_RULE_FIELDS)
    where = fields.where

    title = fields.text("title")
    action = fields.choice("action", RULE_ACTIONS)
    source = fields.text("source")
    confidence = fields.choice("confidence", CONFIDENCE_LEVELS)
    examples = fields.text_list("examples")
    negative = fields.text_list("negative_examples", required=False)
    notes = fields.text("notes", required=False)
    priority = fields.integer("priority", required=False) or 0

    match_node = fields.required("match")
    matched = None if match_node is None else _read_match(config, match_node, where)
    patterns, paths, path_regex, entities, categories = matched or ((), (), None, (), ())

    trigger = fallback = from_end_of = closure_date = None
    years = months = days = 0
    if action == "permanent":
        # A permanent record has no clock, so a period or trigger would only mislead.
        for key in ("retention", "trigger", "fallback", "closure_date"):
            if key in fields:
                config.problem(
                    fields.key_node(key),
                    where,
                    f"{key} is not allowed when action is "
                    "permanent (permanent records are never due)",
                )
    else:
        trigger = fields.choice("trigger", TRIGGERS)
        fallback = fields.choice("fallback", TRIGGERS, required=False)
        if fallback is not None and fallback == trigger:
            config.problem(fields.get("fallback"), where, "fallback must differ from trigger")
        if "closure_date" in fields:
            closure_date = fields.date("closure_date")
            if "closure" not in (trigger, fallback):
                config.problem(
                    fields.get("closure_date"),
                    where,
                    "closure_date is only used when trigger or fallback is closure",
                )
        period = _read_retention(fields)
        if period is not None:
            years, months, days, from_end_of = period

    for name, items in (("examples", examples), ("negative_examples", negative)):
        for item_node, example in items:
            if example.startswith("/") or "\\" in example:
                config.problem(
                    item_node,
                    where,
                    f"{name}: {example!r} must be a path relative to "
                    "the scanned folder, with '/' between folders",
                )

    if config.count > before or rule_id is None:
        return None
    assert title and action and source and confidence  # guaranteed when no problem was found
    return RetentionRule(
        id=rule_id,
        title=title,
        action=action,
        source=source,
        confidence=confidence,
        examples=tuple(text for _, text in examples),
        negative_examples=tuple(text for _, text in negative),
        paths=paths,
        path_regex=path_regex,
        entities=entities,
        special_categories=categories,
        trigger=trigger,
        fallback=fallback,
        years=years,
        months=months,
        days=days,
        from_end_of=from_end_of,
        closure_date=closure_date,
        priority=priority,
        notes=notes,
        line=line_of(node),
        _patterns=patterns,
    )


def _read_match(
    config: ConfigFile, node: yaml.Node, where: str
) -> tuple[tuple[_Pattern, ...], tuple[str, ...], str | None, tuple[str, ...], tuple[str, ...]]:
    fields = config.mapping(node, where, "match", prefix="match.", allowed=_MATCH_FIELDS)
    if fields is None:
        return (), (), None, (), ()
    patterns: list[_Pattern] = []
    paths: list[str] = []
    for item, glob in fields.text_list("paths", required=False):
        try:
            regex = re.compile(glob_to_regex(glob), re.IGNORECASE)
        except (ValueError, re.error) as exc:
            config.problem(item, where, f"match.paths glob {glob!r} {exc}")
            continue
        patterns.append(_Pattern(glob, regex, is_glob=True, literal=_glob_required_text(glob)))
        paths.append(glob)
    path_regex = fields.text("path_regex", required=False)
    if path_regex is not None:
        try:
            patterns.append(_Pattern(path_regex, re.compile(path_regex, re.IGNORECASE), False))
        except re.error as exc:
            config.problem(
                fields.get("path_regex"), where, f"match.path_regex does not compile: {exc}"
            )
    entities: list[str] = []
    categories: list[str] = []
    content = fields.mapping("content", required=False, allowed=_CONTENT_FIELDS)
    if content is not None:
        if not content:
            config.problem(
                content.node, where, "match.content must list entities and/or special_categories"
            )
        for item, name in content.text_list("entities", required=False):
            if name not in ENTITY_TYPES:
                config.problem(
                    item,
                    where,
                    f"match.content.entities: unknown entity type "
                    f"{name!r} (known: {', '.join(ENTITY_TYPES)})",
                )
            entities.append(name)
        for item, name in content.text_list("special_categories", required=False):
            if name not in SPECIAL_CATEGORIES:
                config.problem(
                    item,
                    where,
                    "match.content.special_categories: unknown "
                    f"category {name!r} "
                    f"(known: {', '.join(SPECIAL_CATEGORIES)})",
                )
            categories.append(name)
    if not fields:
        config.problem(node, where, "match must have paths, path_regex and/or content")
    return tuple(patterns), tuple(paths), path_regex, tuple(entities), tuple(categories)


def _read_retention(rule: Fields) -> tuple[int, int, int, str | None] | None:
    fields = rule.mapping("retention", allowed=_RETENTION_FIELDS)
    if fields is None:
        return None
    if not any(key in fields for key in ("years", "months", "days")):
        rule.config.problem(
            fields.node, rule.where, "retention must give years, months and/or days"
        )
    years, months, days = (
        fields.integer(key, required=False, minimum=0) or 0 for key in ("years", "months", "days")
    )
    from_end_of = fields.choice("from_end_of", tuple(YEAR_ENDS), required=False)
    return years, months, days, from_end_of


# --------------------------------------------------------------------------- matching


def _rank(
    rule: RetentionRule,
    index: int,
    relpath: str,
    entities: Mapping[str, int],
    categories: frozenset[str],
    lowered: str | None = None,
    patterns: Sequence[_Pattern] | None = None,
) -> tuple[int, int, int, int] | None:
    """The sort key of ``rule`` for this file (higher wins), or None if it does not apply.
    ``patterns``: the rule's path patterns worth trying (default: all)."""
    specificity = 0
    if rule.has_path_condition:
        lowered = lowered or relpath.lower()
        scores = [s for p in (rule._patterns if patterns is None else patterns)
                  if (s := p.specificity(relpath, lowered)) is not None]
        if not scores:
            return None
        specificity = max(scores)
    if any(entities.get(name, 0) <= 0 for name in rule.entities):
        return None
    if any(name not in categories for name in rule.special_categories):
        return None
    # Content+path is the narrowest statement a DPO can make; content alone is a broad net
    # for files filed somewhere no path rule knows, so it ranks below any path rule.
    if rule.has_path_condition:
        tier = 2 if rule.has_content_condition else 1
    else:
        tier = 0
    return rule.priority, tier, specificity, -index


def match_rule(
    schedule: RetentionSchedule,
    relpath: str,
    entities: Mapping[str, int],
    special_categories: Sequence[str],
) -> RetentionRule | None:
    """The rule that governs the file at ``relpath`` ("/"-separated, relative), or None.

    A rule applies when every condition it sets holds: one of its ``paths`` globs (matched
    against the whole path, ignoring case) or its ``path_regex`` (searched, ignoring case)
    matches, every entity type in ``content.entities`` has a count above zero in
    ``entities``, and every category in ``content.special_categories`` is in
    ``special_categories``.  Among the rules that apply, the winner is the one with

    1. the highest ``priority`` (default 0), then
    2. the most specific kind of condition: path and content, then path only, then
       content only, then
    3. the most specific matching path pattern (a glob's literal characters, or the length
       of the text a regex matched), then
    4. the earliest position in the file.
    """
    path = relpath.lstrip("/")
    categories = frozenset(special_categories)
    lowered = path.lower()
    best: tuple[tuple[int, int, int, int], RetentionRule] | None = None
    for index, rule, patterns in schedule.rules_for_path(lowered):
        key = _rank(rule, index, path, entities, categories, lowered, patterns)
        if key is not None and (best is None or key > best[0]):
            best = (key, rule)
    return best[1] if best else None


def check_schedule(schedule: RetentionSchedule) -> list[str]:
    """Problems with the rules' examples; an empty list means every example holds.

    Each path in a rule's ``examples`` must select that rule as the winner of
    :func:`match_rule`, and no path in its ``negative_examples`` may match it.  Examples
    are paths only, so each is judged as a file holding exactly the content the rule's own
    ``content`` condition asks for (nothing, for a path-only rule).
    """
    problems: list[str] = []
    for index, rule in enumerate(schedule.rules):
        entities = dict.fromkeys(rule.entities, 1)
        categories = frozenset(rule.special_categories)
        where = f"{schedule.source} line {rule.line}: rule '{rule.id}'"
        for example in rule.examples:
            winner = match_rule(schedule, example, entities, rule.special_categories)
            if winner is None:
                problems.append(f"{where}: example {example!r} matches no rule")
            elif winner.id != rule.id:
                problems.append(f"{where}: example {example!r} selects rule '{winner.id}' instead")
        for example in rule.negative_examples:
            if _rank(rule, index, example.lstrip("/"), entities, categories) is not None:
                problems.append(f"{where}: negative example {example!r} matches this rule")
    return problems


# --------------------------------------------------------------------------- dates in paths

# Each pattern is wrapped in a lookahead by _spans so matches may overlap: in
# "2018 2019-20" both "2018 2019" and "2019-20" are academic years, and the later one counts.
_YEAR = r"(?:19|20)\d\d"
# Named back-references: _spans wraps these patterns in another group, which would shift
# numbered ones.  The separator must repeat, so "2019-20.1" is not a date.
_DATE_YMD = re.compile(rf"({_YEAR})(?P<sep>[-_.])(\d{{1,2}})(?P=sep)(\d{{1,2}})")
_DATE_DMY = re.compile(rf"(\d{{1,2}})(?P<sep>[-_.])(\d{{1,2}})(?P=sep)({_YEAR})")
_DATE_COMPACT = re.compile(rf"({_YEAR})(\d\d)(\d\d)")  # IMG_20190612_...
_ACADEMIC = re.compile(rf"({_YEAR}) ?[-_\u2013 ] ?((?:19|20)?\d\d)")
_BARE_YEAR = re.compile(_YEAR)


def path_date(relpath: str, *, today: date | None = None) -> tuple[date, str] | None:
    """The latest date named in the folder and file names of ``relpath``, or None.

    Recognised, in any folder or file name:

    * full dates ``2021-03-04`` / ``2021_03_04`` / ``04-03-2021`` / ``04.03.2021`` (day
      first, as in the UK) and ``20210304``: that date;
    * academic years ``2014-15``, ``2014-2015``, ``2014 15``, ``2014_15``: 31 August of the
      later year (the end of the school year);
    * a bare year ``2016``: 31 December of that year.

    Years before 1990 or after next year are ignored, as are digits that are part of a
    longer number (a 6-digit reference such as ``201612`` is not a year), and the year of
    a full date or academic year is not read again as a bare year.  Returns the date and
    a description such as ``academic year 2014-15 in path``.  ``today`` (default: the
    system date) sets the latest plausible year.
    """
    latest_year = (today or date.today()).year + 1

    def plausible(*years: int) -> bool:
        return all(EARLIEST_PLAUSIBLE_YEAR <= year <= latest_year for year in years)

    found: list[tuple[date, str]] = []
    claimed: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in claimed)

    full_dates = (
        (_DATE_YMD, lambda m: (int(m[1]), int(m[3]), int(m[4]))),
        (_DATE_DMY, lambda m: (int(m[4]), int(m[3]), int(m[1]))),
        (_DATE_COMPACT, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    )
    for pattern, parts in full_dates:
        for offset, match in _spans(pattern, relpath):
            year, month, day = parts(match)
            try:
                when = date(year, month, day)
            except ValueError:
                continue
            if plausible(year):
                found.append((when, f"date {when.isoformat()} in path"))
                # "2011-12-05" holds an academic year and a bare year: read neither again.
                claimed.append((offset, offset + len(match.group(0))))

    spans: list[tuple[int, int]] = []
    for offset, match in _spans(_ACADEMIC, relpath):
        first, second = int(match[1]), match[2]
        later = int(second) if len(second) == 4 else (first + 1) // 100 * 100 + int(second)
        span = (offset, offset + len(match.group(0)))
        if later == first + 1 and plausible(first, later) and free(*span):
            found.append((date(later, 8, 31), f"academic year {first}-{later % 100:02d} in path"))
            spans.append(span)
    claimed.extend(spans)

    for offset, match in _spans(_BARE_YEAR, relpath):
        year = int(match.group(0))
        if plausible(year) and free(offset, offset + 4):
            found.append((date(year, 12, 31), f"year {year} in path"))

    # Latest date wins; on a tie, the first found (the most precise kind) is kept.
    return max(found, key=lambda item: item[0]) if found else None


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, re.Match[str]]]:
    """(offset in ``text``, match) for every standalone, possibly overlapping, match."""
    wrapped = re.compile(rf"(?<!\d)(?=({pattern.pattern})(?!\d))")
    out = []
    for m in wrapped.finditer(text):
        inner = pattern.fullmatch(m.group(1))
        if inner is not None:
            out.append((m.start(1), inner))
    return out


# --------------------------------------------------------------------------- decisions


def _day(value: date) -> date:
    # A datetime is a date subclass but does not compare with a date: keep the day only.
    return value.date() if isinstance(value, datetime) else value


def _as_date(value: date | None) -> date | None:
    return None if value is None else _day(value)


def _end_of_year(day: date, kind: str) -> date:
    """The last day of the academic/financial/tax/calendar year that contains ``day``."""
    month, last = YEAR_ENDS[kind]
    end = date(day.year, month, last)
    return end if day <= end else date(day.year + 1, month, last)


_MISSING = {
    "path_date": "no date in path",
    "date_of_birth": "no date of birth found",
    "closure": "no closure date",
}


def decide(
    rule: RetentionRule,
    *,
    modified: date,
    path: str,
    dob: date | None,
    closure: date | None,
    today: date,
    due_soon_days: int = 90,
) -> RetentionDecision:
    """When the file at ``path`` falls due under ``rule``, and whether that is past or near.

    The clock starts from the rule's ``trigger``:

    * ``modified``: ``modified`` (the file's last-modified date);
    * ``path_date``: :func:`path_date` of ``path``;
    * ``date_of_birth``: ``dob``, the latest date of birth found in the content;
    * ``closure``: ``closure`` if given, else the rule's ``closure_date``.

    If that date is unknown the rule's ``fallback`` trigger is tried; a ``closure`` rule
    with no fallback falls back to ``modified``.  ``trigger`` says what was used, e.g.
    ``modified (no date in path)`` or ``path_date: academic year 2014-15 in path``.  The
    date of birth itself is not repeated in the description (it is personal data, and
    ``trigger_date`` already carries it for the one place that needs it).  With
    ``retention.from_end_of`` the date first moves to the end of its academic, financial,
    tax or calendar year.  The period is added with calendar arithmetic (29 February + 1
    year is 28 February).  When no date can be found at all, ``due`` is None and the file
    is neither overdue nor due soon.  ``overdue`` is ``due < today``; ``due_soon`` is
    ``today <= due <= today + due_soon_days``.  Permanent rules are never due.
    """
    if due_soon_days < 0:
        raise ValueError("due_soon_days must not be negative")
    today = _day(today)

    def result(trigger: str, start: date | None, due: date | None) -> RetentionDecision:
        return RetentionDecision(
            rule_id=rule.id,
            title=rule.title,
            trigger=trigger,
            trigger_date=start,
            due=due,
            action=rule.action,
            overdue=due is not None and due < today,
            due_soon=due is not None and today <= due <= today + timedelta(days=due_soon_days),
        )

    if rule.action == "permanent" or rule.trigger is None:
        return result("none (kept permanently)", None, None)

    def resolve(trigger: str) -> tuple[date, str] | None:
        if trigger == "modified":
            return _day(modified), "modified"
        if trigger == "path_date":
            found = path_date(path, today=today)
            return (found[0], f"path_date: {found[1]}") if found else None
        if trigger == "date_of_birth":
            when = _as_date(dob)
            return (when, "date_of_birth (latest found in content)") if when else None
        when = _as_date(closure) or rule.closure_date
        return (when, f"closure {when.isoformat()}") if when else None

    chain = [rule.trigger]
    if rule.fallback:
        chain.append(rule.fallback)
    elif rule.trigger == "closure":
        chain.append("modified")
    missing: list[str] = []
    for trigger in chain:
        resolved = resolve(trigger)
        if resolved is None:
            missing.append(_MISSING[trigger])
            continue
        start, description = resolved
        if missing:
            description += f" ({'; '.join(missing)})"
        if rule.from_end_of:
            start = _end_of_year(start, rule.from_end_of)
            description += f"; from end of {rule.from_end_of.replace('_', ' ')}"
        return result(description, start, start + rule.period)
    return result(f"{rule.trigger} ({'; '.join(missing)})", None, None)
