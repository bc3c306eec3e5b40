"""Several Rasa servers: a conversation keeps to one, and moves to the next when it is down."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.web import rasa_client
from assistant.web.rasa_client import AssistantUnavailable, RasaClient, server_order
from tests.e2e.stack import free_port


class FakeServer:
    """A Rasa REST webhook that names itself in its reply and counts what it got."""

    def __init__(self, name: str):
        self.name, self.received = name, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.received.append(body)
                reply = json.dumps([{"recipient_id": body["sender"], "text": outer.name}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers():
    rasa_client._down_until.clear()
    made = [FakeServer("a"), FakeServer("b"), FakeServer("c")]
    yield made
    for server in made:
        server.stop()
    rasa_client._down_until.clear()


def test_each_conversation_keeps_to_one_server_and_they_are_spread(servers):
    client = RasaClient([s.url for s in servers])
    chosen = {}
    for n in range(60):
        sender = f"session-{n}"
        first = client.send(sender, "hi", {})[0]["text"]
        assert all(client.send(sender, "again", {})[0]["text"] == first for _ in range(3))
        chosen[sender] = first
    spread = {name: list(chosen.values()).count(name) for name in "abc"}
    assert all(count >= 8 for count in spread.values()), spread
    # Every worker (a new client) picks the same server for the same conversation.
    assert RasaClient([s.url for s in reversed(servers)]).send("session-7", "x", {})[0]["text"] == chosen["session-7"]


def test_a_server_that_is_down_is_skipped_and_only_its_conversations_move(servers):
    urls = [s.url for s in servers]
    client = RasaClient(urls)
    before = {f"s{n}": server_order(urls, f"s{n}")[0] for n in range(30)}
    down = servers[0]
    down.stop()
    for sender, url in before.items():
        answered_by = client.send(sender, "hi", {"session_id": 1})[0]["text"]
        if url != down.url:
            assert answered_by == next(s.name for s in servers if s.url == url)
        else:
            assert answered_by in ("b", "c")  # its next server, and the message is not lost
    assert sum(1 for url in before.values() if url == down.url) > 0


def test_no_server_answering_is_assistant_unavailable(servers):
    urls = [s.url for s in servers]
    for server in servers:
        server.stop()
    with pytest.raises(AssistantUnavailable):
        RasaClient(urls + [f"http://127.0.0.1:{free_port()}"]).send("s", "hi", {})
