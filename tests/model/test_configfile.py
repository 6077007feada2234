"""The one strict YAML reader: every problem names the file, the line and the field."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from dpscan.model.configfile import INVALID, ConfigFile, Fields
from dpscan.model.errors import ConfigError

NAME = "school.yaml"


def config_of(text: str) -> ConfigFile:
    return ConfigFile(NAME, textwrap.dedent(text).lstrip("\n"))


def top_of(config: ConfigFile, allowed: tuple[str, ...] | None = None) -> Fields:
    assert config.root is not None
    fields = config.mapping(config.root, "", "the file", allowed=allowed)
    assert fields is not None
    return fields


def problems_of(config: ConfigFile) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config.check()
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


# ------------------------------------------------------------------ structure


def test_a_valid_file_reads_without_problems() -> None:
    config = config_of(
        """
        title: Attendance
        years: 6
        score: 0.5
        ocr: true
        kind: dispose
        closes: 2024-08-31
        paths: [Admin/**, "HR/**"]
        """
    )
    top = top_of(config)
    assert top.text("title") == "Attendance"
    assert top.integer("years", minimum=0) == 6
    assert top.number("score", minimum=0, maximum=1) == 0.5
    assert top.boolean("ocr") is True
    assert top.choice("kind", ("dispose", "keep")) == "dispose"
    assert top.date("closes") == dt.date(2024, 8, 31)
    assert [text for _, text in top.text_list("paths")] == ["Admin/**", "HR/**"]
    assert top.text("notes", required=False) is None
    config.check()  # nothing to raise


def test_duplicate_key_names_file_line_and_field() -> None:
    config = config_of(
        """
        rule:
          title: A
          years: 1
          title: B
        """
    )
    rule = top_of(config).mapping("rule")
    assert rule is not None
    assert rule.text("title") == "A"  # the first is kept so the rest can be checked
    assert problems_of(config) == [f"{NAME} line 4: rule.title is given twice (first on line 2)"]


def test_duplicate_key_inside_a_value_is_refused() -> None:
    config = config_of(
        """
        thresholds:
          PERSON: 0.5
          PERSON: 0.9
        """
    )
    node = top_of(config).get("thresholds")
    assert node is not None
    assert config.value(node, "detection", "thresholds") is INVALID
    assert problems_of(config) == [
        f"{NAME} line 3: detection: thresholds: PERSON is given twice (first on line 2)"
    ]


def test_merge_keys_are_refused() -> None:
    config = config_of(
        """
        base: &base {years: 1}
        rule:
          <<: *base
          title: A
        """
    )
    top_of(config).mapping("rule")
    assert problems_of(config) == [f"{NAME} line 3: YAML merge keys ('<<') are not supported"]


def test_unknown_keys_are_refused_with_the_known_ones() -> None:
    config = config_of(
        """
        title: A
        colour: red
        """
    )
    top_of(config, allowed=("title", "years"))
    assert problems_of(config) == [
        f"{NAME} line 2: unknown field colour (expected one of: title, years)"
    ]


def test_missing_required_field_points_at_its_mapping() -> None:
    config = config_of(
        """
        rules:
          - id: a
            title: A
        """
    )
    rules = top_of(config).get("rules")
    assert rules is not None
    [item] = config.sequence(rules, "", "rules")
    rule = config.mapping(item, "rule 'a'", "a rule")
    assert rule is not None
    assert rule.integer("years") is None
    assert problems_of(config) == [f"{NAME} line 2: rule 'a': missing field years"]


def test_field_names_that_are_not_text_are_refused() -> None:
    config = config_of("yes: 1\n12: 2\n'12': 3\n")
    assert list(top_of(config)) == ["12"]
    assert problems_of(config) == [
        f"{NAME} line 1: the file has a field name that is not text "
        "(True; put it in quotes if it is text)",
        f"{NAME} line 2: the file has a field name that is not text "
        "(12; put it in quotes if it is text)",
    ]


def test_not_a_mapping() -> None:
    config = config_of("- a\n- b\n")
    assert config.root is not None
    assert config.mapping(config.root, "", "the file") is None
    assert problems_of(config) == [f"{NAME} line 1: the file must be a mapping of field: value"]


# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("line", "read", "expected"),
    [
        ("title: [a]", lambda f: f.text("title"), "title must be non-empty text (got a list)"),
        ("title: ''", lambda f: f.text("title"), "title must be non-empty text (got '')"),
        (
            "title: NO",
            lambda f: f.text("title"),
            "title must be non-empty text (got 'NO'; put it in quotes if it is text)",
        ),
        ("years: six", lambda f: f.integer("years"), "years must be an integer (got 'six')"),
        (
            "years: yes",
            lambda f: f.integer("years", minimum=0),
            "years must be a non-negative integer (got True)",
        ),
        (
            "years: 0",
            lambda f: f.integer("years", minimum=1),
            "years must be an integer of at least 1 (got 0)",
        ),
        (
            "score: 1.5",
            lambda f: f.number("score", minimum=0, maximum=1),
            "score must be a number from 0 to 1 (got 1.5)",
        ),
        ("ocr: maybe", lambda f: f.boolean("ocr"), "ocr must be true or false (got 'maybe')"),
        (
            "kind: shred",
            lambda f: f.choice("kind", ("dispose", "keep")),
            "kind must be one of: dispose, keep (got 'shred')",
        ),
        (
            "closes: soon",
            lambda f: f.date("closes"),
            "closes must be a date like 2024-08-31 (got 'soon')",
        ),
        (
            "closes: 2024-02-30",
            lambda f: f.date("closes"),
            "closes cannot be read: day is out of range for month",
        ),
        ("paths: []", lambda f: f.text_list("paths"), "paths must be a non-empty list"),
        (
            "paths: Admin/**",
            lambda f: f.text_list("paths"),
            "paths must be a non-empty list (got 'Admin/**')",
        ),
        (
            "paths: [Admin/**, 3]",
            lambda f: f.text_list("paths"),
            "each item of paths must be non-empty text (got '3'; put it in quotes if it is text)",
        ),
        (
            "retention: {years: 1, fortnights: 2}",
            lambda f: f.mapping("retention", allowed=("years", "months")),
            "unknown field retention.fortnights (expected one of: years, months)",
        ),
        (
            "retention: 6 years",
            lambda f: f.mapping("retention"),
            "retention must be a mapping of field: value",
        ),
        ("when: !custom x", lambda f: f.text("when"), "when cannot be read"),
    ],
)
def test_wrong_types_name_file_line_and_field(
    line: str, read: Callable[[Fields], object], expected: str
) -> None:
    config = config_of(f"first: 1\n{line}\n")
    read(top_of(config).at("rule 'a'"))
    [problem] = problems_of(config)
    assert problem.startswith(f"{NAME} line 2: rule 'a': {expected}"), problem


def test_several_problems_are_raised_together_in_line_order() -> None:
    config = config_of(
        """
        version: 1
        rule:
          years: -1
          kind: shred
          colour: red
        """
    )
    rule = top_of(config, allowed=("version", "rule")).mapping(
        "rule", allowed=("years", "kind", "title")
    )
    assert rule is not None
    # Read out of order: the problems still come out top to bottom.
    rule.choice("kind", ("dispose", "keep"))
    rule.text("title")
    rule.integer("years", minimum=0)
    assert problems_of(config) == [
        f"{NAME} line 3: missing field rule.title",
        f"{NAME} line 3: rule.years must be a non-negative integer (got -1)",
        f"{NAME} line 4: rule.kind must be one of: dispose, keep (got 'shred')",
        f"{NAME} line 5: unknown field rule.colour (expected one of: years, kind, title)",
    ]


# ------------------------------------------------------------------ reading files


class RulesLikeError(ConfigError):
    """A file kind's own error, as a loader may raise it."""


def test_syntax_error_names_the_line_and_uses_the_given_error() -> None:
    with pytest.raises(RulesLikeError) as caught:
        ConfigFile(NAME, "rules:\n  - id: [unclosed\n", error=RulesLikeError)
    assert caught.value.problems[0].startswith(f"{NAME} line 3: YAML syntax error: ")


def test_several_documents_are_a_syntax_error() -> None:
    with pytest.raises(ConfigError, match=rf"{NAME} line 2: YAML syntax error"):
        ConfigFile(NAME, "a: 1\n---\nb: 2\n")


def test_read_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"title: Caf\xc3\xa9\n")
    config = ConfigFile.read(path, what="rules file")
    assert config.name == str(path)
    assert config.raw == b"title: Caf\xc3\xa9\n"
    assert top_of(config).text("title") == "Café"


def test_empty_file_has_no_root(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("# nothing yet\n")
    assert ConfigFile.read(path, what="settings file", name="settings.yaml").root is None


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml: cannot read the rules file: "):
        ConfigFile.read(tmp_path / "missing.yaml", what="rules file")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(RulesLikeError, match=r"latin\.yaml: the rules file is not UTF-8 text"):
        ConfigFile.read(latin, what="rules file", error=RulesLikeError)
