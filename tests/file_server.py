"""A file server on 127.0.0.1 for the download tests (no real network); its fixtures are
registered by tests/conftest.py."""

import functools
import http.server
import os
import socket
import threading

import pytest


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self.server.hits.append(self.path)
        super().do_GET()


class LocalServer:
    """Serves the files of `root`; `url(name)` and the list of `hits`."""

    def __init__(self, root):
        self.root = str(root)
        handler = functools.partial(_Handler, directory=self.root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.hits = []
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
        )
        self.thread.start()

    @property
    def hits(self):
        return self.httpd.hits

    def url(self, name=""):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def write(self, name, data):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def local_server(tmp_path):
    server = LocalServer(tmp_path / "served")
    os.makedirs(server.root, exist_ok=True)
    yield server
    server.close()


@pytest.fixture
def dead_url():
    """A URL on 127.0.0.1 where nothing listens (as when offline)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/file.bin"


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """KERAS_HOME pointed at a fresh folder (the cache of get_file)."""
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home
