"""A real HTTP server on 127.0.0.1 that answers like the data services (no mocks).

``loopback`` serves scripted answers: ``loopback.route("/path", body, status=200, headers=...)``
queues one answer for a path (answers are served in order; the last one repeats), and
``loopback.url("/path")`` is its address. ``loopback.requests`` records every request as
``(path, query dict)``, so tests can check what was asked and how many times;
``loopback.bodies`` holds the request bodies (``b""`` for a GET), in the same order.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest


class _Answers:
    def __init__(self):
        self.routes: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()

    def next(self, path: str) -> tuple[int, dict, bytes]:
        with self.lock:
            queue = self.routes.get(path)
            if not queue:
                return 404, {"Content-Type": "text/plain"}, b"no such path"
            return queue.pop(0) if len(queue) > 1 else queue[0]


def _handler(answers: _Answers):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            answers.bodies.append(self.rfile.read(length) if length else b"")
            answers.requests.append((parts.path, dict(parse_qsl(parts.query))))
            status, headers, body = answers.next(parts.path)
            if status == -1:  # a connection that dies half-way through the body
                self.send_response(200)
                self.send_header("Content-Length", str(len(body) * 2))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.connection.close()
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _answer
        do_POST = _answer

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler


class Loopback:
    def __init__(self, server: ThreadingHTTPServer, answers: _Answers):
        self._server = server
        self._answers = answers

    @property
    def requests(self) -> list[tuple[str, dict]]:
        return self._answers.requests

    @property
    def bodies(self) -> list[bytes]:
        return self._answers.bodies

    def url(self, path: str = "/") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def route(self, path: str, body: bytes | str, status: int = 200, headers=None) -> None:
        data = body.encode() if isinstance(body, str) else body
        self._answers.routes.setdefault(path, []).append((status, dict(headers or {}), data))

    def reset(self) -> None:
        self._answers.routes.clear()
        self._answers.requests.clear()
        self._answers.bodies.clear()


@pytest.fixture
def loopback():
    answers = _Answers()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(answers))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Loopback(server, answers)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty download cache for this test (``$TWINBENCH_CACHE``)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TWINBENCH_CACHE", str(folder))
    return folder
