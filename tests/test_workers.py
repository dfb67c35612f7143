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
