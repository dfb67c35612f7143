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
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..cache import cache_dir, digest, path_stamp
from ..errors import DependencyError, ManuscriptError
from ..safety import read_bytes, write_file
from .office_links import refuse_linked_content

TIMEOUT_SECONDS = 180  # a run gives up when no file has come out of it for this long
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
    if _hung(kept).is_file():
        # It hung LibreOffice in this build's run of many (convert_ahead): named now, not run for
        # another three minutes. The mark is used once: the next build tries the file again.
        with contextlib.suppress(OSError):
            _hung(kept).unlink()
        raise _timed_out(rel, target)
    with _run(program, data, path.suffix.lower(), target, target, rel) as result:
        _keep(result, kept)
        yield result


def convert_ahead(paths: list[Path], target: str) -> int:
    """Convert the office files ``paths`` to ``target`` in one LibreOffice run, into the cache
    where ``converted`` finds them: LibreOffice takes a second to start and a fifth of one for
    each short document after, so a book of forty ``.doc`` speeches is converted in a few seconds
    rather than forty. A file that cannot be read, links to content outside itself or does not
    convert is left out: ``converted`` names its problem when it is read. A file on which the run
    hangs is marked for ``converted`` to name, and the files after it go on in a run of their own.
    Returns how many were converted; nothing without LibreOffice."""
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
        if not kept.is_file() and not _hung(kept).is_file() and all(kept != k for _, _, k in wanted):
            wanted.append((data, path.suffix.lower(), kept))
    done = 0
    while len(wanted) >= 2:  # one file: converted when it is read, with its own messages
        try:
            with _run_many(program, [(data, suffix) for data, suffix, _ in wanted], target,
                           target) as run:
                for result, (_, _, kept) in zip(run.results, wanted):
                    if result is not None:
                        _keep(result, kept)
        except OSError:
            return done  # each is converted on its own, and a bad one named
        done += sum(result is not None for result in run.results)
        if run.hung is None:
            break
        with contextlib.suppress(OSError):
            write_file(_hung(wanted[run.hung][2]), b"")
        wanted = wanted[run.hung + 1:]
    return done


def _kept(program: str, data: bytes, suffix: str, target: str) -> Path:
    """Where the cache keeps ``data`` (a file of ``suffix``) converted to ``target``."""
    return cache_dir() / "converted" / f"{digest(data, suffix, target, _program_stamp(program))}.{target}"


def _hung(kept: Path) -> Path:
    """The mark left in the cache by a run of many for the file whose conversion is ``kept``
    when LibreOffice hung on it."""
    return kept.with_suffix(".hung")


def _timed_out(rel: str, target: str) -> ManuscriptError:
    return ManuscriptError(f"LibreOffice did not finish converting the file in {TIMEOUT_SECONDS} s", rel,
                           hint=f"open it in {_maker(target)} and save it as .{target}")


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


def _maker(target: str) -> str:
    """The kind of program that saves a ``target`` file, for a message's hint."""
    return _KINDS.get(target, ("", "a spreadsheet program"))[1]


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
    with contextlib.ExitStack() as stack:
        try:  # (only LibreOffice's own failures: what the caller's block raises passes as it is)
            run = stack.enter_context(_run_many(program, [(data, suffix)], convert_to, target))
        except OSError as exc:
            raise DependencyError(
                f"LibreOffice could not be started: {exc}", rel
            ) from exc
        if run.hung is not None:
            raise _timed_out(rel, target)
        [result] = run.results
        if result is None:
            detail = run.output.strip().splitlines()
            raise ManuscriptError(
                f"LibreOffice could not convert the file to .{target}"
                + (f": {detail[-1]}" if detail else ""),
                rel,
                hint=f"open it in {_maker(target)} and save it as .{target}",
            )
        yield result


@dataclass
class Run:
    """What one LibreOffice run gave: each file's result (None where it gave none), the file it
    hung on (an index; None when it finished) and what it printed (its errors last)."""

    results: list[Path | None]
    hung: int | None
    output: str


@contextlib.contextmanager
def _run_many(program: str, files: list[tuple[bytes, str]], convert_to: str, target: str) -> Iterator[Run]:
    """Each (data, suffix) file converted by one LibreOffice run (``--convert-to convert_to``) into
    a file of suffix ``target`` in a temporary folder, with a fresh profile and no network; OSError
    when LibreOffice cannot be started.

    LibreOffice converts the files one after another, each result written whole under its name
    (a temporary file renamed), so the run is stopped when neither a result nor a line of its
    output has come for TIMEOUT_SECONDS: the results already there are kept, and what it printed tells the file it
    hung on (``_hung_on``). Stopped means its whole process group killed: ``soffice`` starts
    ``soffice.bin``, which would go on using a core after its starter was killed."""
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
        results = [out / target / f"{copy.stem}.{target}" for copy in copies]
        with open(out / "output.txt", "w+b") as output:
            hung = _wait(command, results, folder, output)
            output.seek(0)
            printed = output.read().decode("utf-8", "replace")
        yield Run([result if result.is_file() else None for result in results], hung, printed)


def _wait(command: list[str], results: list[Path], home: str, output) -> int | None:
    """Run ``command`` until it ends, or until neither a result nor a line of its output has come
    for TIMEOUT_SECONDS: then kill its process group and return the index of the file it hung on
    (``_hung_on``; None when every result is there: it hung on closing)."""
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=os.environ | {"HOME": home}, start_new_session=True)
    try:
        seen, deadline = None, time.monotonic() + TIMEOUT_SECONDS
        while True:
            try:
                process.wait(timeout=0.2)
                return None
            except subprocess.TimeoutExpired:
                pass
            # (a file LibreOffice cannot load gives an "Error:" line and no result: progress too)
            now = (sum(result.is_file() for result in results), os.fstat(output.fileno()).st_size)
            if now != seen:
                seen, deadline = now, time.monotonic() + TIMEOUT_SECONDS
            elif time.monotonic() > deadline:
                output.seek(0)
                return _hung_on(output.read().decode("utf-8", "replace"), [r.is_file() for r in results])
    finally:  # (also on Ctrl-C: the run is in a session of its own and would not get the signal)
        if process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


_CONVERTING = re.compile(r"^convert .*?manuscript(?:-(\d+))?\.\w+ -> ", re.MULTILINE)


def _hung_on(printed: str, made: list[bool]) -> int | None:
    """The index of the file a stopped run hung on, from what it ``printed`` and which results it
    ``made``. LibreOffice loads each file, prints "convert <file> -> …", then writes the result;
    a file it cannot load gives "Error: source file could not be loaded" instead, and a result it
    cannot write an "Error: …" line after its "convert" line. So the file after the last one
    accounted for hung while loading, unless that one's "convert" line came and its result did
    not: it hung while writing. Never before the file after the last result (LibreOffice's output
    may be other than this); None when every file is accounted for."""
    at, writing = -1, False
    for line in printed.splitlines():
        converting = _CONVERTING.match(line)
        if converting:
            at, writing = int(converting.group(1) or 0), True
        elif line.startswith("Error:"):
            if not (writing and 0 <= at < len(made) and not made[at]):
                at += 1  # a file that could not be loaded
            writing = False
    hung = at if writing and 0 <= at < len(made) and not made[at] else at + 1
    hung = max(hung, max((i for i, done in enumerate(made) if done), default=-1) + 1)
    return hung if hung < len(made) else None
