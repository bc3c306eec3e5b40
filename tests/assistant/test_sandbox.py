"""The sandbox: a worker that crashes, hangs, spins or floods its memory costs one call; the
caller gets a clear failure and the next call finds a fresh worker."""

from __future__ import annotations

import os
import signal
import time

import pytest

from assistant.errors import InvalidInput
from assistant.sandbox import Limits, Sandbox, SandboxBusy, SandboxFailed


# Module-level, so the spawned workers can import them.
def double(value):
    return value * 2


def refuse(_value):
    raise InvalidInput("Not that.")


def segfault(_value):
    os.kill(os.getpid(), signal.SIGSEGV)


def sleep(seconds):
    time.sleep(seconds)


def spin(_value):
    while True:
        pass


def swell(megabytes):
    return len(bytearray(megabytes * 1024 * 1024))


def break_down(_value):
    raise KeyError("a bug")


@pytest.fixture
def sandbox():
    box = Sandbox("test", Limits(memory_mb=256, cpu_seconds=1, timeout=10, start_timeout=30, queue_timeout=10))
    yield box
    box.close()


def test_calls_and_domain_errors_come_back(sandbox):
    assert sandbox.run(double, 21) == 42
    with pytest.raises(InvalidInput, match="Not that"):
        sandbox.run(refuse, 1)
    assert sandbox.run(double, "ab") == "abab"
    assert sandbox.starts == 1


@pytest.mark.parametrize(
    "function, argument, reason",
    [
        (segfault, None, "crashed"),
        (spin, None, "crashed"),  # SIGXCPU after its CPU seconds
        (swell, 1024, "memory"),  # more than the 256 MB address space
        (break_down, None, "error"),
    ],
)
def test_a_failing_call_costs_only_itself(sandbox, function, argument, reason):
    assert sandbox.run(double, 1) == 2
    first = sandbox.pids
    with pytest.raises(SandboxFailed) as failed:
        sandbox.run(function, argument)
    assert failed.value.reason == reason
    assert sandbox.run(double, 2) == 4  # the next call is served
    if reason != "error":  # a plain exception leaves the worker as it was
        assert sandbox.pids != first and sandbox.starts == 2


def test_a_hung_worker_is_killed_after_the_timeout():
    box = Sandbox("hang", Limits(timeout=1))
    try:
        box.run(double, 1)
        (pid,) = box.pids
        with pytest.raises(SandboxFailed, match="timeout"):
            box.run(sleep, 60)
        assert box.run(double, 5) == 10 and box.pids != [pid]
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    finally:
        box.close()


def test_a_worker_killed_from_outside_is_replaced(sandbox):
    sandbox.run(double, 1)
    (pid,) = sandbox.pids
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(SandboxFailed, match="crashed"):
        sandbox.run(double, 1)
    assert sandbox.run(double, 3) == 6


def test_limits_are_set_in_the_worker(sandbox):
    import resource

    soft, _hard = sandbox.run(resource.getrlimit, resource.RLIMIT_AS)
    assert soft == 256 * 1024 * 1024
    assert sandbox.run(resource.getrlimit, resource.RLIMIT_CORE) == (0, 0)


def test_busy_when_no_worker_comes_free():
    import threading

    box = Sandbox("busy", Limits(timeout=2, queue_timeout=0.5))
    try:
        box.run(double, 1)
        worker = threading.Thread(target=lambda: pytest.raises(SandboxFailed, box.run, sleep, 30))
        worker.start()
        time.sleep(0.5)
        with pytest.raises(SandboxBusy):
            box.run(double, 1)
        worker.join()
    finally:
        box.close()
