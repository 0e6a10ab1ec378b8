"""moto's AWS stand-in as a real HTTP server in its own process, for the `aws` tests.

Run as `python -m tests.moto_server PORT`. Requests are served one at a time: moto checks a
DynamoDB condition and applies the write in separate Python steps, and real DynamoDB does both
atomically, so serialising requests is what makes the stand-in behave like the service.
"""

from __future__ import annotations

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
    """A WSGI app that lets one request at a time into `app`."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


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
