"""publisher.workers: a pool that fails stops its workers and its manager thread at once."""

from __future__ import annotations

import concurrent.futures.process as process_module
import os

import pytest

from publisher import workers


def test_a_failed_block_leaves_no_thread_for_the_exit_hook():
    """Left running, the executor's manager thread races concurrent.futures' exit hook, which
    then prints "OSError: Bad file descriptor" after the build's error (seen in CI)."""
    with pytest.raises(RuntimeError), workers.pool(2) as executor:
        assert executor.submit(os.getpid).result() > 0
        manager = executor._executor_manager_thread
        raise RuntimeError("a manuscript error")
    assert not manager.is_alive()
    wakeup = process_module._threads_wakeups.get(manager)
    assert wakeup is None or wakeup._closed  # the exit hook has nothing left to wake


def test_a_helper_thread_leaves_signals_to_the_main_thread():
    """The EPUB's and the photos' threads run while workers are forked: a Ctrl-C must wait for
    the main thread (which blocks it during the fork) rather than land in a helper."""
    import signal
    import threading

    from publisher.workers import signals_to_the_main_thread

    seen = {}

    def helper():
        signals_to_the_main_thread()
        seen["mask"] = signal.pthread_sigmask(signal.SIG_BLOCK, [])

    thread = threading.Thread(target=helper)
    thread.start()
    thread.join()
    assert {signal.SIGINT, signal.SIGTERM} <= seen["mask"]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the main thread's own


def test_a_helper_thread_is_waited_for_through_ctrl_c(tmp_path):
    """Leaving ``on_a_thread`` waits for the thread even when Ctrl-C lands during the wait, and
    the interrupt is raised after: a helper writing a file has removed it by then. (An
    interrupted ``Thread.join`` could mark the thread ended and leave it running.)"""
    import signal
    import threading
    import time

    marker = tmp_path / "done"

    def slow():
        time.sleep(0.6)
        marker.write_text("done", encoding="utf-8")
        return 1

    assert threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.15, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            with workers.on_a_thread(slow) as future:
                pass
        assert marker.exists() and future.result() == 1
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
