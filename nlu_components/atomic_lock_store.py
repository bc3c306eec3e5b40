"""Rasa 3.6's Redis lock store reads a conversation's lock, changes it and writes it back in
separate steps (issuing a ticket, removing expired ones, finishing one). Two Rasa servers
taking messages of one conversation at the same moment can both be given the same ticket
and play their turns on the same tracker, and one turn's events then overwrite the other's
(tests/e2e/test_many_servers.py caught it). This lock store is Rasa's own with each of those
steps made atomic across servers by a short Redis lock per conversation (SET NX).

Named in Rasa's endpoints by assistant/record/rasa_stores.py whenever REDIS_URL is set.
Needs Rasa: import it only in Rasa's environment.
"""

from __future__ import annotations

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Each guarded step is a few Redis round trips: a guard left by a killed server expires soon.
GUARD_SECONDS = 5


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _guard(self, conversation_id: str):
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:guard", timeout=GUARD_SECONDS, blocking_timeout=2 * GUARD_SECONDS
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._guard(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._guard(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._guard(conversation_id):
            super().cleanup(conversation_id, ticket_number)
