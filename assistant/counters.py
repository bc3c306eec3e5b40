"""Counters of requests in a time window, for the web app's rate limits: kept in the process
by default, in Redis when REDIS_URL is set so that every web app worker and every server
counts together (a limit of 10 a minute stays 10 a minute with 4 workers)."""

from __future__ import annotations

import threading
import time

KEY_PREFIX = "pupilvoice:rate:"


class MemoryCounters:
    """One process's counters (the one-school default: one web app process)."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window_seconds: int) -> int:
        """Count one request for `key`; the number in the current window, this one included."""
        now = self._clock()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= window_seconds:
                started, count = now, 0
            self._windows[key] = (started, count + 1)
            if len(self._windows) > 100_000:  # forget windows that are over
                self._windows = {k: v for k, v in self._windows.items()
                                 if now - v[0] < 3600}
            return count + 1

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)


class RedisCounters:
    """Counters shared through Redis: the first hit of a window makes its key with the window's expiry."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def hit(self, key: str, window_seconds: int) -> int:
        pipe = self._redis.pipeline()  # MULTI/EXEC: the window starts with its first hit
        pipe.set(KEY_PREFIX + key, 0, ex=window_seconds, nx=True)
        pipe.incr(KEY_PREFIX + key)
        _, count = pipe.execute()
        return int(count)

    def reset(self, key: str) -> None:
        self._redis.delete(KEY_PREFIX + key)


def counters_for(settings: dict) -> MemoryCounters | RedisCounters:
    """Redis counters when REDIS_URL is set, the process's own otherwise."""
    return RedisCounters(settings["REDIS_URL"]) if settings.get("REDIS_URL") else MemoryCounters()
