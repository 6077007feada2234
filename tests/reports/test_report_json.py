"""findings.json: exactly ScanResult.to_dict(), readable UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from dpscan.model.records import FileResult, ScanResult
from dpscan.reports.json_report import render_json, write_json


def test_round_trips_to_to_dict(hostile_result: ScanResult, tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    write_json(hostile_result, target)

    loaded = json.loads(target.read_bytes().decode("utf-8"))

    assert loaded == hostile_result.to_dict()
    assert list(loaded) == ["scan", "files"]
    assert [f["path"] for f in loaded["files"]] == [f.path for f in hostile_result.files]


def test_hostile_names_survive_exactly(hostile_result: ScanResult, names: SimpleNamespace) -> None:
    loaded = json.loads(render_json(hostile_result))
    paths = [f["path"] for f in loaded["files"]]
    for name in (names.script, names.hyperlink, names.newline, names.control, names.bidi):
        assert name in paths
    by_path = {f["path"]: f for f in loaded["files"]}
    assert by_path[names.at]["error"] == names.img_error
    assert by_path[names.hyperlink]["evidence"][0] == {
        "type": "UK_NHS",
        "masked": "943 *** 5919",
        "score": 1.0,
    }
    assert loaded["scan"]["walk_errors"][0]["path"] == "<b>HR</b>"


def test_indented_non_ascii_written_as_utf8(tmp_path: Path, hostile_result: ScanResult) -> None:
    hostile_result.files[0].path = "Élève – données.docx"
    data = render_json(hostile_result)
    assert "Élève – données.docx".encode() in data
    assert b"\\u00c9" not in data
    assert data.startswith(b'{\n  "scan": {\n')
    assert data.endswith(b"}\n")


def test_lone_surrogate_does_not_lose_the_report(hostile_result: ScanResult) -> None:
    # The scanner should never produce one; if it does, the report must still
    # be written as valid UTF-8.  Inside a JSON string the backslash escape is
    # JSON's own \uXXXX escape, so the value even round-trips.
    hostile_result.files.append(FileResult(path="bad\udcff.txt", root="/r"))
    data = render_json(hostile_result)
    text = data.decode("utf-8")  # strict: raises on invalid UTF-8
    assert '"path": "bad\\udcff.txt"' in text
    assert json.loads(text) == hostile_result.to_dict()
