"""Forked worker processes that leave Ctrl-C and SIGTERM to the build, and stop when it stops.

``pool(n)`` is a ProcessPoolExecutor of forked processes: a worker starts with what the
build has already loaded (modules, compiled templates), so a job is sent as a few small
values. ``Workers`` starts such a pool at its first job. Nothing here knows what the jobs
are. PUBLISHER_PARALLEL=0 turns the workers off (everything runs in the build's process).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def can_fork() -> bool:
    """Whether workers can be forked here (not on Windows; macOS forks, though not by default)."""
    return "fork" in multiprocessing.get_all_start_methods()


def cpus() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on macOS
        return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this worker when the build dies, even by SIGKILL (Linux only).

    Without it a killed build's workers ran on for minutes; elsewhere they end when
    the pool's pipe closes, after their current job.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the request was made
        os._exit(1)


def _start_worker(initializer: Callable | None, initargs: tuple, parent: int | None = None) -> None:
    if parent is not None and sys.platform.startswith("linux"):
        _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the build decides what to do, and stops the
    # workers. SIGTERM comes from that (Executor processes' terminate()): the build's own
    # handler (cli._terminate_as_interrupt), inherited, would print a traceback; die quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)  # forked while they were blocked
    _own_temporary_folder()
    if initializer is not None:
        initializer(*initargs)


def _own_temporary_folder() -> None:
    """Give this worker a temporary folder of its own, removed as it exits. What a job leaves
    for the collector to clean (WeasyPrint's copies of a document's fonts) would otherwise stay:
    a worker leaves through ``os._exit``, after multiprocessing's finalizers but before any
    object's ``__del__``. A worker that is killed leaves it to the build's own temporary folder
    (scratch.py)."""
    try:
        folder = tempfile.mkdtemp(prefix="worker-")
    except OSError:
        return
    tempfile.tempdir = os.environ["TMPDIR"] = folder
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                                  exitpriority=0)


def signals_to_the_main_thread() -> None:
    """Called first in a helper thread: Ctrl-C and SIGTERM are then delivered to the main thread,
    which runs Python's handlers anyway, so that its blocking them while it forks workers
    (``pool``) holds for the whole build: a signal taken by a helper thread would be handled
    in the middle of the fork and lost."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back in this thread for the block; they are handled as it ends.
    For what must not be cut short: a fork (the signal is lost in the fork handlers), and
    pikepdf's C++ start-up, which aborts the whole process (no clean-up, the build's lock left
    behind) when a signal's exception lands in it."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def on_a_thread(function: Callable, *args) -> Iterator[concurrent.futures.Future]:
    """Run ``function(*args)`` on a helper thread of its own (signals left to the main thread);
    yields its future. Leaving the block waits for the thread to end, even through Ctrl-C or
    SIGTERM, raised again once it has: a helper writing a file is done with it (and has removed
    it, seeing the stop) before the build unwinds. Not ``Thread.join``: interrupted by a signal,
    it can mark a thread that is still running as ended (CPython 3.11's fix of bpo-45274), and
    the interpreter's exit then does not wait for it."""
    future: concurrent.futures.Future = concurrent.futures.Future()

    def run() -> None:
        signals_to_the_main_thread()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(function(*args))
        except BaseException as exc:  # handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=run, name=getattr(function, "__name__", "helper")).start()
    try:
        yield future
    finally:
        _wait_through_signals(future)


def _wait_through_signals(future: concurrent.futures.Future) -> None:
    stopped = None
    while True:
        try:
            concurrent.futures.wait([future])
            break
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM as cli raises it: wait on, then stop
            stopped = stopped or exc
    if stopped is not None:
        raise stopped


def _parent() -> int | None:
    # The kernel's parent-death signal follows the thread that forked: only the main thread
    # lives as long as the build (workers are all forked at the pool's first submit, below).
    return os.getpid() if threading.current_thread() is threading.main_thread() else None


@contextlib.contextmanager
def pool(workers: int, initializer: Callable | None = None,
         initargs: tuple = ()) -> Iterator[concurrent.futures.ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes, all started on entry, terminated if the block fails."""
    executor = concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
        initargs=(initializer, initargs, _parent()))
    try:
        # With fork, every worker is started at the first submit. A signal arriving during a
        # fork is lost in the fork handlers, so it waits until they are all started (then
        # interrupts the build here).
        with signals_held():
            executor.submit(os.getpid)
        yield executor
    except BaseException:
        manager = getattr(executor, "_executor_manager_thread", None)  # shutdown() forgets it
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()  # a job may take long: do not wait for it
        executor.shutdown(wait=False, cancel_futures=True)
        # Let the executor's manager thread see its dead workers and close its pipe now: left
        # running, it races the interpreter's exit hook (concurrent.futures._python_exit),
        # which then prints "OSError: Bad file descriptor" under the build's error message.
        if manager is not None:
            manager.join(timeout=10)
        raise
    executor.shutdown()


class Workers:
    """A pool of forked workers started at the first ``submit`` (with ``initializer(*initargs)``
    in each); stopped when the block ends (at once when it fails). ``enabled`` is False where
    there is nothing to fork or PUBLISHER_PARALLEL=0: callers that may do without check it.
    ``before_fork`` runs once in this process just before the workers are forked: what every
    worker would import for itself (WeasyPrint: over a second of CPU each) is imported once and
    shared."""

    def __init__(self, count: int | None = None, initializer: Callable | None = None, initargs: tuple = (),
                 before_fork: Callable | None = None):
        self.count = max(1, count or cpus())
        self.enabled = can_fork() and os.environ.get("PUBLISHER_PARALLEL") != "0"  # the caller's choice
        self._initializer, self._initargs, self._before_fork = initializer, initargs, before_fork
        self._stack = contextlib.ExitStack()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def submit(self, fn: Callable, *args) -> concurrent.futures.Future:
        if self._pool is None:
            if self._before_fork is not None:
                self._before_fork()
            self._pool = self._stack.enter_context(pool(self.count, self._initializer, self._initargs))
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        """Wait for the jobs handed out and stop the workers."""
        self._stack.close()
        self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> bool | None:
        self._pool = None
        return self._stack.__exit__(*exc)
