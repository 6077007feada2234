"""One strict, line-aware reader for the YAML files a person edits (rules, vocabularies, settings).

A DPO edits these files by hand, so a mistake must never be read as a default: every
problem is collected with its line and raised once, as :class:`~dpscan.model.errors.ConfigError`,
so all of them can be fixed in one go.  Each problem reads ``<file> line <n>: <where>: <field>
<what is wrong>``; ``where`` says which part of the file ("rule 'attendance-registers'",
"category 'health'"), and may be empty at the top level.

The file is composed into PyYAML nodes (SafeLoader), which keep their line numbers, and the
loaders walk the nodes with the helpers here:

* :meth:`ConfigFile.read` reads, decodes and composes a file (unreadable files, non-UTF-8
  bytes and YAML syntax errors stop at once);
* :meth:`ConfigFile.mapping` gives a mapping's :class:`Fields` by name, refusing keys given
  twice, merge keys (``<<``) and keys that are not text; :class:`Fields` offers required
  and optional typed fields and :meth:`Fields.reject_unknown`;
* :meth:`ConfigFile.text`, :meth:`~ConfigFile.integer`, :meth:`~ConfigFile.number`,
  :meth:`~ConfigFile.boolean`, :meth:`~ConfigFile.choice`, :meth:`~ConfigFile.date`,
  :meth:`~ConfigFile.sequence` and :meth:`~ConfigFile.text_list` check one value node;
* :meth:`ConfigFile.value` builds the plain Python value of a node (duplicate keys inside it
  are refused too);
* :meth:`ConfigFile.check` raises every problem found, in line order.

Each helper records a problem and returns None (or an empty list) when the value is wrong,
so a loader carries on and reports the rest of the file too.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from dpscan.model.errors import ConfigError

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


class Invalid(enum.Enum):
    """What :meth:`ConfigFile.value` returns for a node it could not build."""

    VALUE = "invalid"


INVALID = Invalid.VALUE


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on, as an editor numbers it."""
    return node.start_mark.line + 1


class ConfigFile:
    """One composed YAML file and the problems found in it so far."""

    def __init__(
        self,
        name: str,
        text: str,
        *,
        raw: bytes | None = None,
        error: type[ConfigError] = ConfigError,
    ) -> None:
        """Compose ``text`` (the contents of the file called ``name`` in messages).

        Raises ``error`` at once for a YAML syntax error or a file of several documents.
        ``raw`` is the file's bytes (default: ``text`` as UTF-8), kept for digests.
        """
        self.name = name
        self.raw = text.encode("utf-8") if raw is None else raw
        self.error = error
        self._found: list[tuple[int, str]] = []
        try:
            self.root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = f" line {mark.line + 1}" if mark else ""
            raise error([f"{name}{line}: YAML syntax error: {exc.problem}"]) from exc
        except yaml.YAMLError as exc:
            raise error([f"{name}: YAML syntax error: {exc}"]) from exc

    @classmethod
    def read(
        cls,
        path: Path,
        *,
        what: str,
        name: str | None = None,
        error: type[ConfigError] = ConfigError,
    ) -> ConfigFile:
        """Read and compose the file at ``path``; ``what`` names the kind of file in
        messages ("rules file"), ``name`` the file itself (default: the path).

        An unreadable file, bytes that are not UTF-8 and YAML syntax errors raise ``error``.
        """
        shown = str(path) if name is None else name
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise error([f"{shown}: cannot read the {what}: {exc.strerror or exc}"]) from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error([f"{shown}: the {what} is not UTF-8 text"]) from exc
        return cls(shown, text, raw=raw, error=error)

    # ------------------------------------------------------------------ problems

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        """Record a problem at ``node``'s line (line 1 without a node)."""
        line = 1 if node is None else line_of(node)
        prefix = f"{where}: " if where else ""
        self._found.append((line, f"{self.name} line {line}: {prefix}{message}"))

    @property
    def problems(self) -> list[str]:
        """Every problem so far, in line order (a DPO reads the file top to bottom)."""
        return [message for _, message in sorted(self._found, key=lambda item: item[0])]

    @property
    def count(self) -> int:
        """How many problems have been found so far (to tell whether a part added any)."""
        return len(self._found)

    def check(self) -> None:
        """Raise every problem found, one per line, if there is any."""
        if self._found:
            raise self.error(self.problems)

    # ------------------------------------------------------------------ structure

    def mapping(
        self,
        node: yaml.Node,
        where: str,
        what: str,
        *,
        prefix: str = "",
        allowed: Sequence[str] | None = None,
    ) -> Fields | None:
        """The fields of a mapping node by name; None (and a problem) if it is not one.

        ``what`` names the mapping in messages ("a rule", "retention"); ``prefix`` is put
        before its field names ("retention." gives "retention.years").  Keys given twice
        (the first is kept), merge keys and keys that are not text are problems, and so is
        any key outside ``allowed`` when it is given.
        """
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, f"{what} must be a mapping of field: value")
            return None
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.problem(key_node, where, "YAML merge keys ('<<') are not supported")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                self.problem(
                    key_node,
                    where,
                    f"{what} has a field name that is not text ({_shown(key_node)}; "
                    "put it in quotes if it is text)",
                )
                continue
            key = key_node.value
            if key in entries:
                first = line_of(entries[key][0])
                self.problem(
                    key_node, where, f"{prefix}{key} is given twice (first on line {first})"
                )
                continue
            entries[key] = (key_node, value_node)
        fields = Fields(config=self, node=node, where=where, prefix=prefix, entries=entries)
        if allowed is not None:
            fields.reject_unknown(allowed)
        return fields

    def sequence(
        self, node: yaml.Node, where: str, field: str, *, what: str = "list", empty_ok: bool = False
    ) -> list[yaml.Node]:
        """The items of a list node; [] (and a problem) if it is not a list, or is empty
        when ``empty_ok`` is false.  ``what`` names the list ("list of rules")."""
        if not isinstance(node, yaml.SequenceNode) or not (node.value or empty_ok):
            kind = what if empty_ok else f"non-empty {what}"
            article = "an" if kind[0] in "aeiou" else "a"
            got = "" if isinstance(node, yaml.SequenceNode) else f" (got {_shown(node)})"
            self.problem(node, where, f"{field} must be {article} {kind}{got}")
            return []
        return list(node.value)

    # ------------------------------------------------------------------ values

    def value(self, node: yaml.Node, where: str, field: str) -> Any:
        """The Python value of ``node`` as YAML's safe loader builds it, or :data:`INVALID`
        (and a problem) when it cannot be built or holds a mapping with a key given twice
        or a merge key."""
        before = self.count
        self._refuse_repeated_keys(node, where, field)
        if self.count > before:
            return INVALID
        try:
            return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            # ValueError: a timestamp such as 2024-02-30 that is not a real date.
            reason = getattr(exc, "problem", None) or str(exc)
            self.problem(node, where, f"{field} cannot be read: {reason}")
            return INVALID

    def _refuse_repeated_keys(self, node: yaml.Node, where: str, field: str) -> None:
        pending = [node]
        while pending:
            current = pending.pop()
            if isinstance(current, yaml.SequenceNode):
                pending.extend(current.value)
            elif isinstance(current, yaml.MappingNode):
                seen: dict[Any, int] = {}
                for key_node, value_node in current.value:
                    pending.append(value_node)
                    if key_node.tag == _MERGE_TAG:
                        self.problem(
                            key_node, where, f"{field}: YAML merge keys ('<<') are not supported"
                        )
                        continue
                    key = (key_node.tag, key_node.value) if isinstance(
                        key_node, yaml.ScalarNode) else id(key_node)
                    if key in seen:
                        self.problem(
                            key_node,
                            where,
                            f"{field}: {key_node.value} is given twice "
                            f"(first on line {seen[key]})",
                        )
                    else:
                        seen[key] = line_of(key_node)

    def _scalar(self, node: yaml.Node, where: str, field: str) -> Any:
        """The value of a scalar node; :data:`INVALID` (no problem recorded) for a list or
        mapping, so the caller reports what it expected."""
        if not isinstance(node, yaml.ScalarNode):
            return INVALID
        return self.value(node, where, field)

    def text(
        self, node: yaml.Node, where: str, field: str, *, empty_ok: bool = False
    ) -> str | None:
        """The text of ``node`` without surrounding spaces; None (and a problem) unless it is
        text (non-empty unless ``empty_ok``).  ``yes``, ``10`` or ``2024-01-01`` unquoted are
        not text: YAML reads them as true, a number and a date."""
        before = self.count
        value = self._scalar(node, where, field)
        if isinstance(value, str) and (empty_ok or value.strip()):
            return value.strip()
        if self.count == before:
            kind = "text" if empty_ok else "non-empty text"
            if _plain_non_text(node) and node.value:
                # As written: "got False" would puzzle whoever wrote NO.
                shown = f"{node.value!r}; put it in quotes if it is text"
            else:
                shown = _shown(node)
            self.problem(node, where, f"{field} must be {kind} (got {shown})")
        return None

    def text_list(
        self, node: yaml.Node, where: str, field: str
    ) -> list[tuple[yaml.Node, str]]:
        """(item node, text) for each item of a non-empty list of non-empty texts; items
        that are not text are problems and left out."""
        items = []
        for item in self.sequence(node, where, field):
            text = self.text(item, where, f"each item of {field}")
            if text is not None:
                items.append((item, text))
        return items

    def integer(
        self,
        node: yaml.Node,
        where: str,
        field: str,
        *,
        minimum: int | None = None,
    ) -> int | None:
        """A whole number of at least ``minimum``; None (and a problem) otherwise."""
        before = self.count
        value = self._scalar(node, where, field)
        # YAML reads `yes` as True, and bool is an int subclass: refuse it explicitly.
        if isinstance(value, int) and not isinstance(value, bool):
            if minimum is None or value >= minimum:
                return value
        if self.count == before:
            if minimum is None:
                kind = "an integer"
            elif minimum == 0:
                kind = "a non-negative integer"
            else:
                kind = f"an integer of at least {minimum}"
            self.problem(node, where, f"{field} must be {kind} (got {_shown(node)})")
        return None

    def number(
        self,
        node: yaml.Node,
        where: str,
        field: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A number (whole or decimal) from ``minimum`` to ``maximum``; None (and a problem)
        otherwise.  A whole number is returned as it is written (an int)."""
        before = self.count
        value = self._scalar(node, where, field)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (minimum is None or value >= minimum)
            and (maximum is None or value <= maximum)
        ):
            return value
        if self.count == before:
            if minimum is not None and maximum is not None:
                kind = f"a number from {minimum:g} to {maximum:g}"
            elif minimum is not None:
                kind = f"a number of at least {minimum:g}"
            elif maximum is not None:
                kind = f"a number of at most {maximum:g}"
            else:
                kind = "a number"
            self.problem(node, where, f"{field} must be {kind} (got {_shown(node)})")
        return None

    def boolean(self, node: yaml.Node, where: str, field: str) -> bool | None:
        """true or false; None (and a problem) otherwise."""
        before = self.count
        value = self._scalar(node, where, field)
        if isinstance(value, bool):
            return value
        if self.count == before:
            self.problem(node, where, f"{field} must be true or false (got {_shown(node)})")
        return None

    def choice(
        self, node: yaml.Node, where: str, field: str, choices: Sequence[str]
    ) -> str | None:
        """One of ``choices`` (text); None (and a problem) otherwise."""
        before = self.count
        value = self._scalar(node, where, field)
        if isinstance(value, str) and value in choices:
            return value
        if self.count == before:
            self.problem(
                node,
                where,
                f"{field} must be one of: {', '.join(choices)} (got {_shown(node)})",
            )
        return None

    def date(self, node: yaml.Node, where: str, field: str) -> dt.date | None:
        """A date written 2024-08-31 (unquoted or quoted); None (and a problem) otherwise."""
        before = self.count
        value = self._scalar(node, where, field)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        if self.count == before:
            self.problem(
                node, where, f"{field} must be a date like 2024-08-31 (got {_shown(node)})"
            )
        return None


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields of one YAML mapping by name, with the file they belong to.

    Problems are reported at ``where``; field names are shown after ``prefix``.
    """

    config: ConfigFile
    node: yaml.MappingNode
    where: str
    prefix: str
    entries: dict[str, tuple[yaml.Node, yaml.Node]]  # name -> (key node, value node)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def at(self, where: str) -> Fields:
        """The same fields, reporting problems at ``where`` from now on."""
        return replace(self, where=where)

    def key_node(self, key: str) -> yaml.Node:
        """The node of the field name ``key`` (it must be present)."""
        return self.entries[key][0]

    def get(self, key: str) -> yaml.Node | None:
        """The value node of ``key``, or None when the field is absent."""
        entry = self.entries.get(key)
        return None if entry is None else entry[1]

    def required(self, key: str) -> yaml.Node | None:
        """The value node of ``key``; None (and a problem at the mapping) when absent."""
        node = self.get(key)
        if node is None:
            self.config.problem(self.node, self.where, f"missing field {self.prefix}{key}")
        return node

    def reject_unknown(self, allowed: Sequence[str]) -> None:
        """Record a problem for every field not in ``allowed``."""
        for key, (key_node, _) in self.entries.items():
            if key not in allowed:
                self.config.problem(
                    key_node,
                    self.where,
                    f"unknown field {self.prefix}{key} (expected one of: {', '.join(allowed)})",
                )

    def _node(self, key: str, required: bool) -> yaml.Node | None:
        return self.required(key) if required else self.get(key)

    def text(self, key: str, *, required: bool = True, empty_ok: bool = False) -> str | None:
        """Field ``key`` as text (see :meth:`ConfigFile.text`); None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        return self.config.text(node, self.where, self.prefix + key, empty_ok=empty_ok)

    def text_list(self, key: str, *, required: bool = True) -> list[tuple[yaml.Node, str]]:
        """Field ``key`` as a non-empty list of texts; [] when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return []
        return self.config.text_list(node, self.where, self.prefix + key)

    def integer(
        self, key: str, *, required: bool = True, minimum: int | None = None
    ) -> int | None:
        """Field ``key`` as a whole number; None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        return self.config.integer(node, self.where, self.prefix + key, minimum=minimum)

    def number(
        self,
        key: str,
        *,
        required: bool = True,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """Field ``key`` as a number; None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        return self.config.number(
            node, self.where, self.prefix + key, minimum=minimum, maximum=maximum
        )

    def boolean(self, key: str, *, required: bool = True) -> bool | None:
        """Field ``key`` as true or false; None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        return self.config.boolean(node, self.where, self.prefix + key)

    def choice(self, key: str, choices: Sequence[str], *, required: bool = True) -> str | None:
        """Field ``key`` as one of ``choices``; None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        return self.config.choice(node, self.where, self.prefix + key, choices)

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        """Field ``key`` as a date; None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        return self.config.date(node, self.where, self.prefix + key)

    def mapping(
        self, key: str, what: str | None = None, *, required: bool = True,
        allowed: Sequence[str] | None = None,
    ) -> Fields | None:
        """Field ``key`` as a mapping whose fields are shown as ``<prefix><key>.<name>``;
        None when absent or wrong."""
        node = self._node(key, required)
        if node is None:
            return None
        name = self.prefix + key
        return self.config.mapping(
            node, self.where, what or name, prefix=f"{name}.", allowed=allowed
        )


def _plain_non_text(node: yaml.Node) -> bool:
    """True for an unquoted scalar YAML reads as something other than text (yes, 10, ~)."""
    return isinstance(node, yaml.ScalarNode) and node.style is None and node.tag != _STR_TAG


def _shown(node: yaml.Node) -> str:
    """How a message shows the value a person wrote."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return repr(node.value)
    return "nothing" if value is None else repr(value)
