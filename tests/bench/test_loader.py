"""The HTTP benchmarks' load generator (bench/web.py) against a real HTTP server on loopback: it counts only 200s that
carry the expected text, sends each request on its own connection, and delivers POST bodies whole."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gongjian.bench import web


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str, bytes, str]] = []

    def _answer(self, status: int, payload: bytes, chunked: bool = False) -> None:
        self.send_response(status)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (payload[:3], payload[3:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def do_GET(self):
        Handler.seen.append(("GET", self.path, b"", self.headers.get("Connection", "")))
        if self.path == "/missing":
            self._answer(404, b"not here")
        else:
            self._answer(200, b'{"ok": true}', chunked=self.path == "/chunked")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Handler.seen.append(("POST", self.path, body, self.headers.get("Connection", "")))
        self._answer(200, b'{"service_request_id": "1"}' if body.startswith(b"n=") else b'{"error": 1}')

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_counts_every_answer_and_closes_each_connection(port):
    result = web.load(port, "/chunked", clients=3, requests=20, max_seconds=10, expect=b'"ok"')
    assert (result["requests"], result["errors"]) == (20, 0)
    assert result["rps"] > 0 and result["p99_ms"] >= result["p50_ms"] > 0
    assert len(Handler.seen) == 20 and {seen[3] for seen in Handler.seen} == {"close"}


def test_an_answer_other_than_200_or_without_the_expected_text_is_an_error(port):
    missing = web.load(port, "/missing", clients=2, requests=4, max_seconds=10)
    assert (missing["requests"], missing["errors"]) == (4, 4) and missing["error_samples"] == ["HTTP 404: not here"]
    wrong = web.load(port, "/x", clients=1, requests=2, max_seconds=10, expect=b"absent")
    assert wrong["errors"] == 2 and wrong["rps"] == 0


def test_post_bodies_arrive_whole_and_numbered(port):
    result = web.load(port, "/open311", clients=4, requests=12, max_seconds=10, method="POST",
                      body=lambda i: f"n={i}&text=路灯".encode(), content_type="application/x-www-form-urlencoded",
                      expect=b"service_request_id")
    assert result["errors"] == 0
    assert sorted(body for _, _, body, _ in Handler.seen) == sorted(f"n={i}&text=路灯".encode() for i in range(12))


def test_a_refused_connection_is_an_error_not_a_crash():
    result = web.load(web.free_port(), "/", clients=2, requests=3, max_seconds=5)
    assert (result["requests"], result["errors"]) == (3, 3)
