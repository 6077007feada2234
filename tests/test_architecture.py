"""The shape of the code: which package may import which, and what an install puts on disk.

The import direction (ARCHITECTURE.md): ``dpscan.model`` is the leaf and imports nothing
else of dpscan's; ``dpscan.detectors`` never imports ``dpscan.scanner`` or
``dpscan.reports``; ``dpscan.reports`` imports neither ``dpscan.scanner`` nor
``dpscan.detectors``; ``dpscan.scanner`` may import anything.  The check reads the source
with :mod:`ast`, so an import inside a function or under ``if TYPE_CHECKING:`` counts as
much as one at the top of a module.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

import dpscan

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Libraries the leaf must never pull in: loading them costs seconds or patches things.
HEAVY_LIBRARIES = ("docx", "presidio_analyzer", "spacy")
# The three folder names that used to be import roots of their own.
BARE_ROOTS = ("scanner", "detectors", "reports")


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportRule:
    """Modules under ``importer`` must not import anything under ``forbidden``, except
    what lies under ``allowed``."""

    importer: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()

    def breaks(self, module: str, imported: str) -> bool:
        """True when ``module`` importing ``imported`` goes against this rule."""
        return (_under(module, self.importer) and _under(imported, *self.forbidden)
                and not _under(imported, *self.allowed))


IMPORT_RULES: tuple[ImportRule, ...] = (
    ImportRule(importer="dpscan.detectors", forbidden=("dpscan.scanner", "dpscan.reports")),
    ImportRule(importer="dpscan.reports", forbidden=("dpscan.scanner", "dpscan.detectors")),
    ImportRule(importer="dpscan.model", forbidden=("dpscan",), allowed=("dpscan.model",)),
    # One import root: a module loaded as "scanner.x" would be a second copy of "dpscan.scanner.x".
    ImportRule(importer="dpscan", forbidden=BARE_ROOTS),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportEdge:
    """One import statement's target, as seen in one module's source."""

    module: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.module} -> {self.imported}"


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def package_dirs(project_root: Path = PROJECT_ROOT) -> dict[str, Path]:
    """The package -> folder mapping pyproject.toml gives setuptools (``package-dir``)."""
    with (project_root / "pyproject.toml").open("rb") as file:
        mapping = tomllib.load(file)["tool"]["setuptools"]["package-dir"]
    return {package: project_root / folder for package, folder in mapping.items()}


def source_modules(roots: dict[str, Path]) -> Iterator[tuple[str, Path]]:
    """(dotted module name, file) for every .py file under each mapped folder.

    Folders mapped to a deeper package (``dpscan.scanner``) are read under that name only.
    """
    folders = {folder.resolve() for folder in roots.values()}
    for package, folder in roots.items():
        for path in sorted(folder.rglob("*.py")):
            relative_folder = path.parent.relative_to(folder)
            inner = [folder / p for p in (relative_folder, *relative_folder.parents)
                     if p != Path(".")]
            if any(f.resolve() in folders for f in inner):
                continue  # another mapped package's folder, nested in this one
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join([package, *parts]), path


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(base) - 1:
        return f"<relative import beyond the top from {module}>"
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _literal_import_module(node: ast.Call) -> str | None:
    """The module named by ``importlib.import_module("x")`` or ``__import__("x")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imports_of(module: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """For each import in ``path``: its line and the names it may load, most general first.

    ``from a.b import c`` may load ``a.b`` or the submodule ``a.b.c``, so both are given.
    """
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            base = (_resolve_relative(module, is_package, node.level, node.module)
                    if node.level else node.module or "")
            yield node.lineno, [base, *(f"{base}.{a.name}" for a in node.names
                                        if a.name != "*")]
        elif isinstance(node, ast.Call) and (target := _literal_import_module(node)):
            yield node.lineno, [target]


def forbidden_imports(
    roots: dict[str, Path], rules: tuple[ImportRule, ...] = IMPORT_RULES
) -> list[ImportEdge]:
    """Every import in the tree that breaks a rule, one per statement and rule."""
    found: list[ImportEdge] = []
    for module, path in source_modules(roots):
        for line, candidates in imports_of(module, path):
            for rule in rules:
                broken = next((c for c in candidates if rule.breaks(module, c)), None)
                if broken is not None:
                    found.append(ImportEdge(module=module, imported=broken, line=line))
    return found


def _report(edges: list[ImportEdge]) -> str:
    return "\n".join(f"{edge}  (line {edge.line})" for edge in edges)


def test_source_tree_is_found() -> None:
    modules = dict(source_modules(package_dirs()))
    for expected in ("dpscan", "dpscan.model.ids", "dpscan.scanner.cli",
                     "dpscan.detectors.recognizers.uk_upn", "dpscan.reports.json_report"):
        assert expected in modules, f"{expected} not found: package-dir changed?"


def test_imports_run_one_way() -> None:
    edges = forbidden_imports(package_dirs())
    assert not edges, "imports against the direction in ARCHITECTURE.md:\n" + _report(edges)


# A synthetic tree for each rule: (file under the fake root, its source, the line expected).
_BAD_TREES = [
    pytest.param("detectors/d.py", "from dpscan.scanner.cli import main\n",
                 "dpscan.detectors.d -> dpscan.scanner.cli", id="detectors-scanner"),
    pytest.param("detectors/sub/d.py",
                 "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                 "    from ...reports import json_report\n",
                 "dpscan.detectors.sub.d -> dpscan.reports", id="detectors-reports-relative"),
    pytest.param("detectors/d.py", "from dpscan import scanner\n",
                 "dpscan.detectors.d -> dpscan.scanner", id="detectors-from-root"),
    pytest.param("reports/r.py", "def f():\n    import dpscan.detectors.masking\n",
                 "dpscan.reports.r -> dpscan.detectors.masking", id="reports-in-function"),
    pytest.param("reports/r.py", "import importlib\nimportlib.import_module('dpscan.scanner')\n",
                 "dpscan.reports.r -> dpscan.scanner", id="reports-import-module"),
    pytest.param("src/dpscan/model/m.py", "from dpscan.detectors import settings\n",
                 "dpscan.model.m -> dpscan.detectors", id="model-detectors"),
    pytest.param("src/dpscan/model/m.py", "from .. import __version__\n",
                 "dpscan.model.m -> dpscan", id="model-root-relative"),
    pytest.param("scanner/s.py", "import detectors.masking\n",
                 "dpscan.scanner.s -> detectors.masking", id="bare-root"),
    pytest.param("src/dpscan/x.py", "from reports import json_report\n",
                 "dpscan.x -> reports", id="bare-root-from"),
]


def _fake_tree(root: Path, relative: str, source: str) -> dict[str, Path]:
    folders = {"dpscan": "src/dpscan", "dpscan.scanner": "scanner",
               "dpscan.detectors": "detectors", "dpscan.reports": "reports"}
    for folder in (*folders.values(), "src/dpscan/model"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "__init__.py").write_text("", encoding="utf-8")
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "__init__.py").touch()
    path.write_text(source, encoding="utf-8")
    return {package: root / folder for package, folder in folders.items()}


@pytest.mark.parametrize(("relative", "source", "expected"), _BAD_TREES)
def test_the_check_reports_a_forbidden_import(
    tmp_path: Path, relative: str, source: str, expected: str
) -> None:
    assert [str(e) for e in forbidden_imports(_fake_tree(tmp_path, relative, source))] \
        == [expected]


@pytest.mark.parametrize(("relative", "source"), [
    ("scanner/s.py", "from dpscan.reports import json_report\nfrom dpscan.detectors import x\n"),
    ("detectors/d.py", "from dpscan.model.ids import Flag\nfrom . import sibling\n"),
    ("reports/r.py", "from dpscan.model.records import FileResult\nimport json\n"),
    ("src/dpscan/model/m.py", "from .ids import Flag\nfrom dpscan.model import records\n"),
])
def test_the_check_passes_allowed_imports(tmp_path: Path, relative: str, source: str) -> None:
    assert forbidden_imports(_fake_tree(tmp_path, relative, source)) == []


def _modules_loaded_by(statement: str) -> list[str]:
    """sys.modules after ``statement`` in a fresh interpreter started outside the checkout."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(os.sep), check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


_LEAF_MODULES = sorted(name for name, _ in source_modules(package_dirs())
                       if _under(name, "dpscan.model"))


@pytest.mark.parametrize("leaf_module", _LEAF_MODULES)
def test_the_leaf_loads_nothing_else(leaf_module: str) -> None:
    loaded = _modules_loaded_by(f"import {leaf_module}")
    # The root package comes with any import of the leaf: it holds __version__ only.
    outside = [m for m in loaded
               if _under(m, "dpscan") and m != "dpscan" and not _under(m, "dpscan.model")]
    heavy = [m for m in loaded if _under(m, *HEAVY_LIBRARIES)]
    assert not outside, f"import {leaf_module} loads dpscan modules outside the leaf: {outside}"
    assert not heavy, f"import {leaf_module} loads heavy libraries: {sorted(set(heavy))[:10]}"


def _top_level_packages(distribution: metadata.Distribution) -> set[str]:
    """The import packages a distribution installs, from top_level.txt, else its files."""
    top_level = distribution.read_text("top_level.txt")
    if top_level is not None:
        return {line.strip() for line in top_level.splitlines() if line.strip()}
    names: set[str] = set()
    for file in distribution.files or ():
        first = file.parts[0]
        if first.endswith(".dist-info") or first.startswith("..") or first == "__pycache__":
            continue
        if first.startswith("__editable__") and first.endswith("_finder.py"):
            # setuptools' editable finder: its MAPPING holds the import names.
            source = Path(str(file.locate())).read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "MAPPING":
                    names.update(k.split(".")[0] for k in ast.literal_eval(node.value))
        elif not first.endswith(".pth"):
            names.add(first.removesuffix(".py"))
    return names


def test_the_installed_distribution_has_one_import_root() -> None:
    assert _top_level_packages(metadata.distribution("dpscan")) == {"dpscan"}


@pytest.mark.parametrize(("files", "expected"), [
    # A wheel install without top_level.txt: the RECORD's folders.
    ({"dpscan/__init__.py": "", "scanner/cli.py": "", "../../bin/dpscan": ""},
     {"dpscan", "scanner"}),
    # An editable install: the finder's mapping.
    ({"__editable___dpscan_0_1_0_finder.py":
      "MAPPING: dict[str, str] = {'dpscan': '/x', 'dpscan.scanner': '/y', 'reports': '/z'}\n",
      "__editable__.dpscan-0.1.0.pth": ""},
     {"dpscan", "reports"}),
])
def test_top_level_packages_without_top_level_txt(
    tmp_path: Path, files: dict[str, str], expected: set[str]
) -> None:
    info = tmp_path / "dpscan-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: dpscan\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "RECORD").write_text("".join(f"{name},,\n" for name in files), encoding="utf-8")
    for name, text in files.items():
        if not name.startswith(".."):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text, encoding="utf-8")
    assert _top_level_packages(metadata.PathDistribution(info)) == expected


def _copy_sources(destination: Path) -> Path:
    """The files a build reads, copied out of the checkout (the build writes build/ and
    egg-info beside them)."""
    project = destination / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (project / name).write_bytes((PROJECT_ROOT / name).read_bytes())
    for folder in {folder.relative_to(PROJECT_ROOT).parts[0]
                   for folder in package_dirs().values()}:
        _copy_tree(PROJECT_ROOT / folder, project / folder)
    return project


def _copy_tree(source: Path, destination: Path) -> None:
    for path in source.rglob("*"):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())


def test_the_wheel_holds_only_dpscan(tmp_path: Path) -> None:
    # pip's isolated build environment takes setuptools and wheel from the configured
    # (local) index: about five seconds, no network.
    project = _copy_sources(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(tmp_path)],
        cwd=project, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, f"pip wheel failed:\n{done.stdout}\n{done.stderr}"
    (wheel,) = tmp_path.glob("dpscan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    stray = [n for n in names if not (n.startswith("dpscan/")
                                      or (n.startswith("dpscan-") and ".dist-info/" in n))]
    assert not stray, f"files outside dpscan/ in the wheel: {stray}"
    # Every module of every package (a folder with __init__.py) is shipped: a new
    # subpackage missing from pyproject's ``packages`` would be left out.
    expected = {
        module.replace(".", "/") + ("/__init__.py" if path.name == "__init__.py" else ".py")
        for module, path in source_modules(package_dirs())
        if _in_a_package(path, package_dirs())
    }
    missing = sorted(expected - set(names))
    assert not missing, f"modules missing from the wheel (pyproject packages?): {missing}"


def _in_a_package(path: Path, roots: dict[str, Path]) -> bool:
    """True when every folder from ``path``'s mapped root down to it has an __init__.py
    (``detectors/data/make_plain_words.py`` is a script beside the data, not a module)."""
    root = max((f for f in roots.values() if path.is_relative_to(f)), key=lambda f: len(f.parts))
    folder = path.parent
    while (folder / "__init__.py").is_file():
        if folder == root:
            return True
        folder = folder.parent
    return False


@pytest.mark.parametrize(("argument", "expected"), [
    ("--version", f"version {dpscan.__version__}"),
    ("--help", "Usage:"),
])
def test_python_m_dpscan_runs_outside_the_checkout(
    tmp_path: Path, argument: str, expected: str
) -> None:
    done = subprocess.run([sys.executable, "-m", "dpscan", argument], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


@pytest.mark.parametrize("stage", ["scanner", "detectors", "reports"])
def test_a_stage_folder_refuses_its_bare_name(stage: str) -> None:
    # Run from the checkout, where the folder is importable by its bare name: it must not
    # load a second copy of the stage (jinja's PackageLoader("reports") once did, in tests
    # only; an installed dpscan then could not find its templates).
    done = subprocess.run([sys.executable, "-c", f"import {stage}"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode != 0
    assert f"import dpscan.{stage}, not {stage}" in done.stderr


def test_reports_render_outside_the_checkout(tmp_path: Path) -> None:
    # The HTML and person reports load their templates by package name.
    code = ("from dpscan.reports import html_report, person_report\n"
            "for module in (html_report, person_report):\n"
            "    module._environment().get_template(module.TEMPLATE_NAME)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
