"""The lock store Rasa uses with Redis (nlu_components/atomic_lock_store.py), on this
machine's Redis: tickets issued at the same moment by two servers are all different, and a
conversation's lock serves them one at a time."""

from __future__ import annotations

import asyncio
import threading
import uuid

from rasa.utils.endpoints import EndpointConfig

from nlu_components.atomic_lock_store import AtomicRedisLockStore

REDIS = {"url": "127.0.0.1", "port": 6379, "db": 14}


def _servers(n: int) -> list[AtomicRedisLockStore]:
    prefix = "test_" + uuid.uuid4().hex[:8]
    return [AtomicRedisLockStore(EndpointConfig(type="x", key_prefix=prefix, **REDIS)) for _ in range(n)]


def test_tickets_issued_at_the_same_moment_by_two_servers_are_all_different():
    servers = _servers(2)
    tickets: list[int] = []
    start = threading.Barrier(16)

    def issue(server: AtomicRedisLockStore) -> None:
        start.wait()
        tickets.append(server.issue_ticket("conversation", 30))

    threads = [threading.Thread(target=issue, args=(servers[i % 2],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(tickets) == list(range(16))
    servers[0].delete_lock("conversation")


def test_the_lock_serves_one_turn_at_a_time_across_servers():
    servers = _servers(2)
    inside: list[str] = []

    async def turn(server: AtomicRedisLockStore, name: str) -> None:
        async with server.lock("conversation", 30, wait_time_in_seconds=0.05):
            inside.append(f"{name} in")
            await asyncio.sleep(0.3)
            inside.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(turn(servers[0], "a"), turn(servers[1], "b"))

    asyncio.run(both())
    assert inside in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
    assert servers[0].get_lock("conversation") is None  # cleaned up after the last turn
