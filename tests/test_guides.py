"""The user guides tell the truth: every `publisher ...` command they show runs as documented.

Each guide's `sh` code blocks are replayed in order in a fresh folder, the way a reader would
type them: `cd DIR` changes folder, `> FILE` keeps the output, every other shell line
(installing, apt-get) is left to the reader. A command exits 0 unless its comment says
otherwise ("exit code N", "mã thoát N"). A command using an option that this version does
not have yet is skipped, never failed. `publisher preview` must start serving, then it is
stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.cli import app
from publisher.config import IMPRINT_FIELDS, NORMALIZE_STEPS, PROFILE_FIELDS

from .conftest import ROOT

pytestmark = pytest.mark.slow  # whole builds (WeasyPrint, EPUBCheck): left out of the fast loop

GUIDES = [ROOT / "docs" / "guide.md", ROOT / "docs" / "huong-dan.md"]
EXIT = re.compile(r"(?:exit code|mã thoát) (\d+)")


def guide_commands(path: Path) -> list[tuple[str, str]]:
    """(command line, comment) for every line of the guide's sh blocks."""
    found = []
    for block in re.findall(r"^```sh\n(.*?)^```", path.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            code, _, comment = line.partition(" #")
            if code.strip():
                found.append((code.strip(), comment.strip()))
    return found


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return env | {"HOME": str(home), "SHELL": "/bin/bash", "PYTHONUNBUFFERED": "1"}


_HELP: dict[str, str] = {}


def _help(command: str | None) -> str:
    """`publisher [COMMAND] --help`, cached."""
    key = command or ""
    if key not in _HELP:
        args = ([command] if command else []) + ["--help"]
        _HELP[key] = subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True,
                                    text=True, timeout=120).stdout
    return _HELP[key]


def _has_options(args: list[str]) -> bool:
    """True when every --option of the command exists in this version's help."""
    command = next((a for a in args if not a.startswith("-")), None)
    text = _help(None) + (_help(command) if command else "")
    options = [a.split("=")[0] for a in args if a.startswith("--")]
    return all(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text) for o in options)


def _preview(args: list[str], cwd: Path, env: dict) -> None:
    if "--port" in args:
        args[args.index("--port") + 1] = "0"  # any free port: the documented one may be taken
    else:
        args += ["--port", "0"]
    process = subprocess.Popen([sys.executable, "-m", "publisher", *args], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        log = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            log.append(line)
            if line.startswith("Serving the book at http://127.0.0.1:"):
                return
        raise AssertionError("publisher preview did not start:\n" + "".join(log))
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_command_in_the_guide_runs(guide, tmp_path):
    commands = guide_commands(guide)
    assert sum(c.startswith("publisher ") for c, _ in commands) >= 15
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = _env(tmp_path / "home")
    ran, skipped = [], []
    for line, comment in commands:
        words = shlex.split(line)
        if words[0] == "cd":
            cwd = cwd / words[1]
            assert cwd.is_dir(), line
            continue
        if words[0] != "publisher":
            continue
        args, target = words[1:], None
        if ">" in args:
            args, target = args[: args.index(">")], args[args.index(">") + 1]
        if not _has_options(args):
            skipped.append(line)
            continue
        if args and args[0] == "preview":
            _preview(args, cwd, env)
            ran.append(line)
            continue
        command = [sys.executable, "-m", "publisher", *args]
        if args and args[0] in ("--install-completion", "--show-completion"):
            # Typer finds the shell from the processes above it: run from bash, as in an editor's
            # terminal, not from whatever started pytest ("Shell sh is not supported" under sh -c).
            command = ["bash", "-c", '"$@"; exit $?', "bash", *command]
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        expected = int(EXIT.search(comment).group(1)) if EXIT.search(comment) else 0
        assert result.returncode == expected, f"{line}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, line
        if target:
            (cwd / target).write_text(result.stdout, encoding="utf-8")
            assert result.stdout.strip(), line
        ran.append(line)
    assert len(skipped) <= 3, skipped  # only options still being added may be missing
    assert any(r.startswith("publisher new ") for r in ran) and any(r == "publisher build" for r in ran)


def test_the_guides_document_every_command_and_setting():
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"new", "build", "check", "preview", "stats", "dump"} <= set(commands)
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        for command in commands:
            assert f"publisher {command}" in text, (guide.name, command)
        for key in IMPRINT_FIELDS + NORMALIZE_STEPS + PROFILE_FIELDS + ("tone_style", "trim_size", "foreword"):
            assert re.search(rf"^{key} = ", text, re.MULTILINE), (guide.name, key)
        for section in ("[book]", "[[contributors]]", "[[parts]]", "[imprint]", "[fonts.body]", "[normalize]",
                        "[output]", "[cover]", "[security]"):
            assert section in text, (guide.name, section)
        for profile in ("print", "screen", "proof"):
            assert f"--profile {profile}" in text or f"`{profile}`" in text, (guide.name, profile)


@pytest.mark.parametrize("command", [c.name or c.callback.__name__ for c in app.registered_commands])
def test_every_command_has_help_with_an_example(command):
    result = subprocess.run([sys.executable, "-m", "publisher", command, "--help"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0
    example = re.search(r"Example: (publisher .+)", result.stdout)
    assert example, command
    assert example.group(1).split()[1] == command
