"""A TCP proxy on loopback in front of the database, which a test can cut: refused or stalled."""

import contextlib
import socket
import threading
import time


class DatabaseProxy:
    """Forward 127.0.0.1:port to the database; refuse() and stall() cut it, restore() mends it."""

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self.stalled = False
        self._listener = None
        self._links = []
        self._lock = threading.Lock()

    def start(self):
        """Listen (again, on the same port once chosen) and forward every connection."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._links.append((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        source.settimeout(0.2)
        while True:
            if self.stalled:
                time.sleep(0.05)
                continue
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                data = b""
            if not data:
                for end in (source, target):
                    _close(end)
                return
            try:
                target.sendall(data)
            except OSError:
                _close(source)
                return

    def refuse(self):
        """Drop every open connection and refuse new ones, as a database that has gone away."""
        _close(self._listener)
        with self._lock:
            links, self._links = self._links, []
        for client, server in links:
            _close(client)
            _close(server)

    def stall(self):
        """Accept and hold everything, forwarding nothing, as a database that has hung."""
        self.stalled = True

    def restore(self):
        """Forward again."""
        self.stalled = False
        if self._listener is None or self._listener.fileno() == -1:
            self.start()

    def stop(self):
        """Close everything."""
        self.stalled = False
        self.refuse()


def _close(end):
    if end is None:
        return
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)
    end.close()
