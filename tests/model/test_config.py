"""Each setting is declared once: the file schema, the options, the summary and the
fingerprint all come from the declarations, and one merge rule holds for every setting."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dpscan.model.config import (
    SETTINGS,
    DetectionSettings,
    ScanConfig,
    config_from,
    detection_values,
    settings_summary,
)
from dpscan.model.extraction import MIB, Limits
from dpscan.model.setting import ABSENT, DERIVED, SETTING, Check
from dpscan.scanner.cli import main
from dpscan.scanner.settings_file import SCHEMA, build_scan_config, load_settings

FILE_KEYS = {s.key for s in SETTINGS if s.key is not None}


def test_every_setting_is_declared_completely() -> None:
    assert len({s.name for s in SETTINGS}) == len(SETTINGS)  # names are unique
    for declared in SETTINGS:
        assert declared.flag or declared.key, declared.name  # something sets it
        assert isinstance(declared.validate, Check), declared.name
        assert declared.help.strip(), declared.name
        assert isinstance(declared.detection, bool), declared.name
        assert declared.flag is None or declared.flag.startswith("--"), declared.name
        assert declared.key is None or declared.key.count(".") == 1, declared.name


def test_every_field_of_the_configuration_is_a_setting_or_a_part() -> None:
    # A field added without a declaration would be set by nothing and listed nowhere.
    declared = {(s.part, s.name) for s in SETTINGS}
    parts = {"limits", "detection"}
    for part, cls in ((None, ScanConfig), ("limits", Limits), ("detection", DetectionSettings)):
        for item in dataclasses.fields(cls):
            if part is None and item.name in parts:
                continue
            if DERIVED in item.metadata:
                continue  # filled in by the program (the index key, the scan's own outputs)
            assert SETTING in item.metadata and (part, item.name) in declared, item.name


def test_the_file_schema_lists_exactly_the_declared_keys() -> None:
    schema_keys = {f"{section}.{key}" for section, keys in SCHEMA.items()
                   if section != "policy" for key in keys}
    assert schema_keys == FILE_KEYS


def test_the_commands_offer_exactly_the_declared_flags() -> None:
    for name in ("scan", "usb", "watch"):
        options = {p.name: p for p in main.commands[name].params if isinstance(p, click.Option)}
        for declared in SETTINGS:
            if declared.flag is None:
                assert declared.name not in options
                continue
            option = options[declared.name]
            assert "/".join([option.opts[0], *option.secondary_opts]) == declared.flag
            assert option.help == declared.help


def test_the_summary_lists_exactly_the_declared_summary_settings() -> None:
    summary = settings_summary(ScanConfig(workers=2))
    assert list(summary) == [s.name for s in SETTINGS if s.summary]
    assert summary["workers"] == 2 and summary["excludes"] == []
    assert summary["max_file_bytes"] == Limits().max_file_bytes


def test_the_fingerprint_holds_exactly_the_detection_settings() -> None:
    values = detection_values(ScanConfig())
    held = {name for part in values.values() for name in part}
    assert held == {s.name for s in SETTINGS if s.detection}
    assert "show_evidence" not in held and "file_seconds" not in held


def test_command_line_over_file_over_default() -> None:
    by_name = {s.name: s for s in SETTINGS}
    size = by_name["max_file_bytes"]
    assert size.resolve() is ABSENT  # the dataclass keeps its default
    assert size.resolve(in_file=10) == 10 * MIB
    assert size.resolve(given=3, in_file=10) == 3 * MIB
    excludes = by_name["excludes"]
    assert excludes.resolve(given=("b",), in_file=["a"]) == ("a", "b")
    thresholds = by_name["thresholds"]
    merged = dict(thresholds.resolve(in_file={"UK_POSTCODE": 0.7}))
    assert merged["UK_POSTCODE"] == 0.7 and merged == dict(thresholds.default) | merged
    config = config_from({"max_depth": 1, "workers": 2, "spacy_model": "m"})
    assert (config.limits.max_depth, config.workers, config.detection.spacy_model) == (1, 2, "m")


def test_the_options_show_the_declared_defaults_in_their_unit() -> None:
    scan = main.commands["scan"]
    defaults = {p.name: p.default for p in scan.params}
    assert defaults["max_file_bytes"] == Limits().max_file_bytes // MIB
    assert defaults["worker_memory_bytes"] == Limits().worker_memory_bytes // MIB
    assert defaults["ocr"] is None and defaults["workers"] is None


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("limits:\n  max_file_mb: 10\n  worker_memory_mb: 100\n",
         "dpscan.yaml line 3: limits.worker_memory_mb"),
        ("detection:\n  default_threshold: 2\n", "dpscan.yaml line 2: detection.default_threshold"),
        ("scan:\n\n  follow_symlinks: sometimes\n", "dpscan.yaml line 3: scan.follow_symlinks"),
    ],
)
def test_a_bad_value_in_the_file_exits_2_naming_file_line_and_field(
        tmp_path: Path, text: str, where: str) -> None:
    share = tmp_path / "share"
    share.mkdir()
    settings = tmp_path / "dpscan.yaml"
    settings.write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(out), "--config",
                                       str(settings), "--no-db", "--quiet"])
    assert result.exit_code == 2, result.output
    assert where in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_every_declared_key_round_trips_through_a_file(tmp_path: Path) -> None:
    # A value each setting accepts, written in the file, reaches the config.
    samples = {"whole": 2000, "number": 5, "switch": True, "name": "serial",
               "list": ["x"], "mapping": {}}
    lines: dict[str, list[str]] = {}
    for declared in SETTINGS:
        if declared.key is None:
            continue
        section, key = declared.key.split(".")
        value = samples[declared.validate.kind]
        if declared.name == "default_threshold":
            value = 0.5
        assert declared.validate(value), declared.name
        lines.setdefault(section, []).append(f"  {key}: {value!r}".replace("'", '"')
                                             .replace("True", "true"))
    path = tmp_path / "all.yaml"
    path.write_text("".join(f"{s}:\n" + "\n".join(v) + "\n" for s, v in lines.items()))
    config = build_scan_config(load_settings(path), {})
    assert config.limits.max_depth == 2000 and config.limits.max_total_bytes == 2000 * MIB
    assert config.executor == "serial" and config.excludes == ("x",)
