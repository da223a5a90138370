"""A real HTTP server on 127.0.0.1 serving one file, with Range support and chosen misbehaviour.

`ModelServer(path)` serves `path` at `server.url`; `cut_after` closes the connection after that
many body bytes on the next response (an interrupted transfer), `stall_after` stops sending
(without closing) until the test ends, `missing` answers 404. `ranges` records each request's
Range header, so a test can see that a resume asked for the rest only.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHUNK = 256 * 1024


class ModelServer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.cut_after: int | None = None
        self.stall_after: int | None = None
        self.missing = False
        self.ranges: list[str | None] = []
        self.released = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                owner.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{self.path.name}"

    def __enter__(self) -> ModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        range_header = request.headers.get("Range")
        self.ranges.append(range_header)
        if self.missing or request.path != f"/{self.path.name}":
            request.send_error(404)
            return
        size = self.path.stat().st_size
        start = int(range_header.split("=")[1].split("-")[0]) if range_header else 0
        if start >= size:
            request.send_response(416)
            request.send_header("Content-Range", f"bytes */{size}")
            request.end_headers()
            return
        request.send_response(206 if range_header else 200)
        if range_header:
            request.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        request.send_header("Content-Length", str(size - start))
        request.end_headers()
        cut, self.cut_after = self.cut_after, None
        sent = 0
        with self.path.open("rb") as handle:
            handle.seek(start)
            while block := handle.read(CHUNK):
                if cut is not None and sent + len(block) > cut:
                    request.wfile.write(block[: cut - sent])
                    request.wfile.flush()
                    request.close_connection = True
                    return
                if self.stall_after is not None and sent >= self.stall_after:
                    self.released.wait(60)
                    return
                try:
                    request.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    return
                sent += len(block)
