"""The README stays true: its test command is what CI runs, and every option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from dpscan.scanner.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block, "README must start with a sh block of set-up commands"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_starts_with_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    install, tests = commands
    assert "pip install ." in install and "dpscan scan" in install
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _setup_commands()[1] in ci.splitlines()


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = []
    for name, command in main.commands.items():
        if f"dpscan {name}" not in README:
            missing.append(f"dpscan {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                if not any(opt in README for opt in param.opts if opt.startswith("--")):
                    missing.append(f"{name} {param.opts[0]}")
    assert missing == []


def test_every_flag_is_in_the_readme() -> None:
    from dpscan.model.ids import Flag

    flags = [v for k, v in vars(Flag).items() if k.isupper()]
    assert flags and [f for f in flags if f"`{f}`" not in README] == []


def test_every_entity_type_is_in_the_readme() -> None:
    from dpscan.model.records import ENTITY_TYPES

    assert [t for t in ENTITY_TYPES if f"`{t}`" not in README] == []


def test_every_settings_file_key_is_in_the_readme() -> None:
    from dpscan.scanner.settings_file import SCHEMA

    # Each key in the README's example settings file (a line of its own, maybe commented out).
    missing = [f"{section}.{key}" for section, keys in SCHEMA.items() for key in keys
               if f"\n{section}:" not in README
               or not re.search(rf"^ +(# )?{key}:", README, re.M)]
    assert missing == []
