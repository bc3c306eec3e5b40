"""Parsers of untrusted bytes (recordings, CSV files, photos) run in worker processes, where a
crash, a hang or a runaway allocation costs one request and never the web app.

A Sandbox is a small pool of processes started with "spawn" (nothing is inherited from the
web app's threads). Each worker runs one call at a time under limits it sets on itself: an
address-space cap (RLIMIT_AS), CPU seconds per call (RLIMIT_CPU) and no core files. The
caller waits at most `timeout` seconds. A worker that dies (even by SIGSEGV), hangs or runs
out of memory is killed, the call raises `SandboxFailed`, and a fresh worker is started in
its place at once, so the next request finds one ready.

Functions and arguments cross the pipe by pickle: pass module-level functions and plain
values. A DomainError raised inside (InvalidInput...) reaches the caller unchanged.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.errors import DomainError

log = logging.getLogger(__name__)


class SandboxFailed(Exception):
    """The worker died, hung or ran out of memory on this input; it has been replaced."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "crashed", "timeout", "memory" or "error"


class SandboxBusy(DomainError):
    """Every worker stayed busy for longer than a person should wait."""


@dataclass(frozen=True)
class Limits:
    """How much one worker may use."""

    memory_mb: int = 512  # address space of the whole worker process
    cpu_seconds: int = 20  # CPU time for one call
    timeout: float = 30.0  # wall time the caller waits for one call
    start_timeout: float = 60.0  # wall time for a new worker to be ready (it may load models)
    queue_timeout: float = 20.0  # wall time a call waits for a free worker


# ---------------------------------------------------------------- inside the worker


def _serve(conn, limits: Limits, setup: Callable[[], Any] | None) -> None:
    """The worker's main loop: apply the limits, run `setup`, then one call at a time."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if setup is not None:
        setup()
    conn.send(("ready", None))
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return  # the web app has gone: so does the worker
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        # SIGXCPU ends the process when this call alone has used its CPU seconds.
        resource.setrlimit(resource.RLIMIT_CPU, (spent + limits.cpu_seconds, hard))
        try:
            reply = ("ok", function(*args))
        except DomainError as error:
            reply = ("domain", error)
        except MemoryError:
            reply = ("memory", None)
        except Exception as error:  # the caller only learns the kind, never the input
            log.warning("sandboxed %s failed: %s", getattr(function, "__name__", "call"), type(error).__name__)
            reply = ("error", type(error).__name__)
        del function, args
        conn.send(reply)


# ---------------------------------------------------------------- the web app's side


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context, name: str, limits: Limits, setup):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, limits, setup), name=name, daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, seconds: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(seconds):
            raise SandboxFailed("timeout")
        kind, _ = self.conn.recv()  # EOFError if it died while starting
        self.ready = kind == "ready"

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        if self.process.exitcode is not None:
            self.process.close()


class Sandbox:
    """A pool of `size` supervised worker processes; `run(function, *args)` calls one.

    `setup` runs once in each new worker before it takes calls (load models there).
    Workers start on first use. Safe to share between threads.
    """

    def __init__(self, name: str, limits: Limits = Limits(), size: int = 1, setup: Callable[[], Any] | None = None):
        self.name = name
        self.limits = limits
        self.size = size
        self.setup = setup
        self.starts = 0
        self.failures: dict[str, int] = {}
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def run(self, function: Callable, *args):
        """`function(*args)` in a worker; its result, or the DomainError it raised.
        SandboxFailed when the worker died, hung or ran out of memory; SandboxBusy when no
        worker came free in time."""
        self._start_pool()
        try:
            worker = self._idle.get(timeout=self.limits.queue_timeout)
        except queue.Empty:
            raise SandboxBusy("This is busy just now. Please try again in a moment.") from None
        try:
            worker.wait_ready(self.limits.start_timeout)
            worker.conn.send((function, args))
            if not worker.conn.poll(self.limits.timeout):
                raise SandboxFailed("timeout")
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(1)
            self._replace(worker, "crashed")
            raise SandboxFailed("crashed") from None
        except SandboxFailed as failed:
            self._replace(worker, failed.reason)
            raise
        except BaseException:
            self._replace(worker, "interrupted")
            raise
        if kind == "memory":  # a worker that hit its cap may be in a poor state: a fresh one
            self._replace(worker, kind)
            raise SandboxFailed(kind)
        self._idle.put(worker)
        if kind == "ok":
            return value
        if kind == "domain":
            raise value
        self._count(kind)
        raise SandboxFailed(kind)

    @property
    def pids(self) -> list[int]:
        """The process ids of the idle workers (for tests and diagnostics)."""
        return [w.process.pid for w in list(self._idle.queue)]

    def close(self) -> None:
        """Stop every worker (idempotent)."""
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return

    def _start_pool(self) -> None:
        with self._lock:
            if self._closed:
                raise SandboxBusy("This has been shut down.")
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(self._new_worker())
                self._started = True

    def _new_worker(self) -> _Worker:
        self.starts += 1
        return _Worker(self._context, f"{self.name}-worker", self.limits, self.setup)

    def _replace(self, worker: _Worker, reason: str) -> None:
        code = worker.process.exitcode
        log.warning("%s worker %s %s (exit code %s); starting a new one", self.name, worker.process.pid, reason, code)
        self._count(reason)
        worker.stop()
        with self._lock:
            if not self._closed:
                self._idle.put(self._new_worker())

    def _count(self, reason: str) -> None:
        self.failures[reason] = self.failures.get(reason, 0) + 1


_shared: dict[str, Sandbox] = {}
_shared_lock = threading.Lock()


def shared_sandbox(name: str, limits: Limits, size: int = 1, setup: Callable[[], Any] | None = None) -> Sandbox:
    """This process's one Sandbox called `name`, made on first use (never at import)."""
    with _shared_lock:
        if name not in _shared:
            _shared[name] = Sandbox(name, limits, size, setup)
        return _shared[name]
