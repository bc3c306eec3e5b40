"""The load scripts stay bounded and on loopback, and measure what they say (no stack
needed: each refuses before it sends anything)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from scripts import load_many_servers, load_tablets


@pytest.mark.parametrize(
    "argv",
    [
        ["--base", "http://192.0.2.1:8000", "--password", "x"],  # not loopback
        ["--seconds", "601", "--password", "x"],  # too long a level
        ["--tablets", "301", "--password", "x"],  # too many tablets
    ],
)
def test_tablets_refuse_what_is_not_bounded_or_not_loopback(argv):
    with pytest.raises(SystemExit) as refused:
        load_tablets.main(argv)
    assert refused.value.code == 2


@pytest.mark.parametrize("argv", [["--rasa", "5"], ["--seconds", "601"], ["--tablets", "30,501"]])
def test_many_servers_refuse_what_is_not_bounded(argv):
    with pytest.raises(SystemExit) as refused:
        load_many_servers.main(argv)
    assert refused.value.code not in (0, None)


def test_usage_counts_a_part_with_its_children():
    child = subprocess.Popen([sys.executable, "-c", "x = bytearray(64 << 20); import time; time.sleep(30)"])
    try:
        time.sleep(1.5)
        alone, _ = load_tablets.usage(os.getpid(), descendants=False)
        with_child, _ = load_tablets.usage(os.getpid())
        assert with_child - alone >= 60  # the child's 64 MiB
        assert load_tablets.part_usage(os.getpid())[0] == pytest.approx(alone, abs=5)
    finally:
        child.kill()
        child.wait()


def test_cpu_time_grows_with_work():
    _, before = load_tablets.usage(os.getpid(), descendants=False)
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    _, after = load_tablets.usage(os.getpid(), descendants=False)
    assert after - before >= 0.2


def test_centile():
    assert load_tablets.centile(list(range(1, 101)), 0.95) == 95
    assert load_tablets.centile([], 0.5) == 0.0
