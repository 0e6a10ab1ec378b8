"""moto's AWS stand-in as a real HTTP server in its own process, for the `aws` tests.

Run as `python -m tests.moto_server PORT`. Requests are served one at a time: moto checks a
DynamoDB condition and applies the write in separate Python steps, and real DynamoDB does both
atomically, so serialising requests is what makes the stand-in behave like the service.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from tests.smtp_server import free_port

REGION = "us-east-1"
#: The variables every AWS client in a test needs: fake credentials and the stand-in's address.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


class _Serialised:
    """A WSGI app that lets one request at a time into `app`, and answers a TransactWriteItems
    retried with the same ClientRequestToken as DynamoDB does: with the first call's success, not a
    second application (moto ignores the token; botocore retries a timed-out call with it)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._done: dict[str, tuple[str, list[tuple[str, str]], list[bytes]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            token = _transaction_token(environ)
            if token in self._done:
                status, headers, body = self._done[token]
                start_response(status, headers)
                return body
            answered: list[Any] = []

            def remember(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
                answered[:] = [status, headers]
                return start_response(status, headers, *rest)

            body = list(self._app(environ, remember))
            if token and answered and answered[0].startswith("200"):
                if len(self._done) > 10_000:
                    self._done.clear()
                self._done[token] = (answered[0], answered[1], body)
            return body


def _transaction_token(environ: dict[str, Any]) -> str | None:
    """The ClientRequestToken of a DynamoDB TransactWriteItems request (its body is put back)."""
    if environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2] != "TransactWriteItems":
        return None
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(raw)
    token = json.loads(raw or b"{}").get("ClientRequestToken")
    return str(token) if token else None


def serve(port: int) -> None:
    """Serve moto on 127.0.0.1:`port` until killed."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):  # type: ignore[misc]
        def log_request(self, *args: object) -> None:  # one line per request drowns the test output
            pass

    app = _Serialised(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    server.serve_forever()


class MotoServer:
    """Starts the stand-in in a child process and stops it; `url` is its endpoint."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> MotoServer:
        root = Path(__file__).resolve().parents[1]
        env = {**os.environ, **CREDENTIALS, "PYTHONPATH": str(root)}
        self._proc = subprocess.Popen([sys.executable, "-m", "tests.moto_server", str(self.port)], cwd=root, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/moto-api/", timeout=1)
                return self
            except httpx.TransportError:
                if self._proc.poll() is not None:
                    raise RuntimeError("moto's server exited at start") from None
                time.sleep(0.1)
        raise RuntimeError("moto's server did not start within 60 s")

    def reset(self) -> None:
        """Forget every table, bucket, identity and secret."""
        httpx.post(f"{self.url}/moto-api/reset", timeout=30).raise_for_status()

    def environ(self) -> dict[str, str]:
        """The environment that points AWS clients at this server."""
        return {**CREDENTIALS, "AWS_ENDPOINT_URL": self.url}

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
