"""LibreOffice, run in a sandbox: office files converted (``converted``: .doc, .rtf, .odt to .docx,
.ods to .xlsx; ``convert_ahead``: many in one run) and publisher's own drawings drawn
(``drawn_png``: readers.metafile), each result kept in the cache by what it was made from.

Each run copies its input into a temporary folder (the project's file is never touched, nor
locked), with a fresh profile (macros off, links never updated) and, where the system allows
(``unshare -rn``, Linux user namespaces), without any network. An office file is first checked
for content it links to outside itself (office_links.refuse_linked_content), which LibreOffice
would fetch while it loads it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..cache import cache_dir, digest, path_stamp
from ..errors import DependencyError, ManuscriptError
from ..safety import read_bytes, write_file
from .office_links import refuse_linked_content

TIMEOUT_SECONDS = 180
PROGRAMS = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


MAX_OFFICE_BYTES = 100 << 20
# A fresh profile: macros never run, links in documents are never updated.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def _write_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _no_network() -> tuple[str, ...]:
    """``unshare -rn --`` where a new user and network namespace can be made (no network inside), else ()."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    try:
        ok = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return (unshare, "-rn", "--") if ok else ()


@contextlib.contextmanager
def converted(path: Path, target: str, rel: str) -> Iterator[Path]:
    """The office file ``path`` converted by LibreOffice to ``target`` (``docx``, ``xlsx``), in a
    temporary folder that lives as long as the context: checked for linked content first, run
    with a fresh profile and, where the system allows, without a network (see the module doc)."""
    program = _program(target, path.suffix, rel)
    try:
        data = read_bytes(path.resolve(), MAX_OFFICE_BYTES)
    except OSError as exc:
        raise ManuscriptError(f"cannot read the file: {exc.strerror or exc}", rel) from exc
    refuse_linked_content(data, rel)
    # Kept in the cache by the file's bytes: a workbook read for several rosters (one a sheet), or
    # read again after its manuscript was edited, is converted once (1.5 s a time for a sheet).
    kept = _kept(program, data, path.suffix.lower(), target)
    if kept.is_file():
        yield kept
        return
    with _run(program, data, path.suffix.lower(), target, target, rel) as result:
        _keep(result, kept)
        yield result


def convert_ahead(paths: list[Path], target: str) -> int:
    """Convert the office files ``paths`` to ``target`` in one LibreOffice run, into the cache
    where ``converted`` finds them: LibreOffice takes a second to start and a fifth of one for
    each short document after, so a book of forty ``.doc`` speeches is converted in a few seconds
    rather than forty. A file that cannot be read, links to content outside itself or does not
    convert is left out: ``converted`` names its problem when it is read. Returns how many were
    converted; nothing without LibreOffice."""
    program = find_soffice()
    if program is None:
        return 0
    wanted: list[tuple[bytes, str, Path]] = []
    for path in paths:
        try:
            data = read_bytes(path.resolve(), MAX_OFFICE_BYTES)
            refuse_linked_content(data, "")
        except Exception:  # unreadable, too large, linking out: named when it is read on its own
            continue
        kept = _kept(program, data, path.suffix.lower(), target)
        if not kept.is_file() and all(kept != k for _, _, k in wanted):
            wanted.append((data, path.suffix.lower(), kept))
    if len(wanted) < 2:
        return 0  # one file: converted when it is read, with its own messages
    try:
        with _run_many(program, [(data, suffix) for data, suffix, _ in wanted], target, target,
                       TIMEOUT_SECONDS + 10 * len(wanted)) as (results, _):
            for result, (_, _, kept) in zip(results, wanted):
                if result is not None:
                    _keep(result, kept)
    except (subprocess.TimeoutExpired, OSError):
        return 0  # each is converted on its own, and a bad one named
    return sum(result is not None for result in results)


def _kept(program: str, data: bytes, suffix: str, target: str) -> Path:
    """Where the cache keeps ``data`` (a file of ``suffix``) converted to ``target``."""
    return cache_dir() / "converted" / f"{digest(data, suffix, target, _program_stamp(program))}.{target}"


def _keep(result: Path, kept: Path) -> None:
    with contextlib.suppress(OSError):  # not kept: converted again next time
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_file(kept, read_bytes(result, MAX_OFFICE_BYTES))


def _program_stamp(program: str) -> list:
    """What changes when LibreOffice is upgraded: its program's real path and that file's stamp."""
    real = os.path.realpath(program)
    return [real, path_stamp(Path(real))]


def drawn_png(drawing: bytes, size: tuple[int, int], rel: str) -> bytes:
    """A flat OpenDocument drawing of publisher's own making (readers.metafile: one page, one
    picture embedded in it, nothing linked) drawn by LibreOffice Draw as a PNG of ``size`` pixels."""
    program = _program("png", ".fodg", rel)
    # Kept in the cache: the same emblem or logo in forty Word files of one office is drawn once
    # (1.5 s a drawing).
    kept = cache_dir() / "drawn" / f"{digest(drawing, list(size), _program_stamp(program))}.png"
    with contextlib.suppress(OSError):
        return read_bytes(kept, MAX_OFFICE_BYTES)
    options = json.dumps({"PixelWidth": {"type": "long", "value": str(size[0])},
                          "PixelHeight": {"type": "long", "value": str(size[1])}})
    with _run(program, drawing, ".fodg", f"png:draw_png_Export:{options}", "png", rel) as result:
        _keep(result, kept)
        return read_bytes(result, MAX_OFFICE_BYTES)


_KINDS = {"docx": ("libreoffice-writer", "a word processor"), "png": ("libreoffice-draw", "a drawing program")}


def _program(target: str, suffix: str, rel: str) -> str:
    """The LibreOffice program, or a DependencyError saying how to install it."""
    program = find_soffice()
    if program is None:
        kind, maker = _KINDS.get(target, ("libreoffice-calc", "a spreadsheet program"))
        raise DependencyError(
            f"reading {suffix} files needs LibreOffice, which was not found",
            rel,
            hint=f"install LibreOffice (apt-get install {kind}; on macOS "
            f"brew install --cask libreoffice) or save the file as .{target} in {maker}",
        )
    return program


@contextlib.contextmanager
def _run(program: str, data: bytes, suffix: str, convert_to: str, target: str, rel: str) -> Iterator[Path]:
    """``data`` (a file of ``suffix``) converted by LibreOffice (``--convert-to convert_to``) into
    a file of suffix ``target`` in a temporary folder, with a fresh profile and no network."""
    maker = _KINDS.get(target, ("", "a spreadsheet program"))[1]
    with contextlib.ExitStack() as stack:
        try:  # (only LibreOffice's own failures: what the caller's block raises passes as it is)
            [result], completed = stack.enter_context(
                _run_many(program, [(data, suffix)], convert_to, target, TIMEOUT_SECONDS))
        except subprocess.TimeoutExpired as exc:
            raise ManuscriptError(
                f"LibreOffice did not finish converting the file in {TIMEOUT_SECONDS} s",
                rel,
            ) from exc
        except OSError as exc:
            raise DependencyError(
                f"LibreOffice could not be started: {exc}", rel
            ) from exc
        if result is None:
            detail = (completed.stderr or completed.stdout or "").strip().splitlines()
            raise ManuscriptError(
                f"LibreOffice could not convert the file to .{target}"
                + (f": {detail[-1]}" if detail else ""),
                rel,
                hint=f"open it in {maker} and save it as .{target}",
            )
        yield result


@contextlib.contextmanager
def _run_many(program: str, files: list[tuple[bytes, str]], convert_to: str, target: str,
              timeout: float) -> Iterator[tuple[list[Path | None], subprocess.CompletedProcess]]:
    """Each (data, suffix) file converted by one LibreOffice run (``--convert-to convert_to``) into
    a file of suffix ``target`` (None where it gave none) in a temporary folder, with a fresh
    profile and no network; TimeoutExpired and OSError as subprocess.run raises them."""
    with tempfile.TemporaryDirectory(prefix="publisher-office-") as folder:
        out = Path(folder)
        # Copy first: LibreOffice takes a lock file next to the input, and a
        # file open in Word or Calc must not be touched.
        copies = []
        for index, (data, suffix) in enumerate(files):
            copy = out / (f"manuscript{suffix}" if len(files) == 1 else f"manuscript-{index}{suffix}")
            copy.write_bytes(data)
            copies.append(copy)
        profile = out / "profile"  # a private profile: works while LibreOffice is open
        _write_profile(profile)
        command = [
            *_no_network(),
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            convert_to,
            "--outdir",
            str(out / target),
            *map(str, copies),
        ]
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=os.environ | {"HOME": folder},
        )
        results = [out / target / f"{copy.stem}.{target}" for copy in copies]
        yield [result if result.is_file() else None for result in results], completed
