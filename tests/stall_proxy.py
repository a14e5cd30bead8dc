"""A TCP port in front of the test PostgreSQL server that can stop answering, like a server
behind a network that went dead (a blackholed route, a hung machine):

    proxy = StallProxy(SOCKET).start()   # relays 127.0.0.1:PORT → the server's unix socket
    url = proxy.url(dbname, user)       # (SOCKET: FOLDER/.s.PGSQL.PORT of tests/pg_server.py)
    proxy.stall()      # open connections are reset; new ones are accepted, never answered
    proxy.resume()     # relays again (the connections it held are closed)
    proxy.close()

The client sees what it sees on a real dead network: a connect that hangs until its own
timeout (libpq's connect_timeout), not a quick "connection refused".
"""
import select
import socket
import struct
import threading


class StallProxy:
    def __init__(self, target_path):
        self.target_path = target_path
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.peer = {}           # socket → the socket it relays to
        self.held = []           # accepted while stalled, never answered
        self.stalled = False
        self.accepted = 0        # connections seen (tests: the client did try)
        self._orders = []
        self._done = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="stall-proxy", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def url(self, dbname, user):
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    # ---- orders, carried out on the proxy's own thread
    def _order(self, what):
        self._done.clear()
        self._orders.append(what)
        self._done.wait(5)

    def stall(self):
        self._order("stall")

    def resume(self):
        self._order("resume")

    def close(self):
        self._closing = True
        self._thread.join(5)

    # ---- the relay
    def _reset(self, sock):
        try:            # RST, as a router or a restarted server answers for a dead link
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        sock.close()

    def _drop_pair(self, sock, reset=False):
        other = self.peer.pop(sock, None)
        for s in (sock, other):
            if s is None:
                continue
            self.peer.pop(s, None)
            if reset:
                self._reset(s)
            else:
                s.close()

    def _carry_out(self, order):
        if order == "stall":
            self.stalled = True
            for sock in list(self.peer):
                if sock in self.peer:
                    self._drop_pair(sock, reset=True)
        else:
            self.stalled = False
            for sock in self.held:
                sock.close()
            self.held = []
        self._done.set()

    def _run(self):
        while not self._closing:
            while self._orders:
                self._carry_out(self._orders.pop(0))
            readable, _, _ = select.select([self.listener, *self.peer], [], [], 0.05)
            for sock in readable:
                if sock is self.listener:
                    self._accept()
                elif sock in self.peer:
                    self._relay(sock)
        for sock in list(self.peer) + self.held:
            sock.close()
        self.listener.close()

    def _accept(self):
        client, _ = self.listener.accept()
        self.accepted += 1
        if self.stalled:
            self.held.append(client)
            return
        upstream = socket.socket(socket.AF_UNIX)
        try:
            upstream.connect(self.target_path)
        except OSError:
            client.close()
            upstream.close()
            return
        self.peer[client], self.peer[upstream] = upstream, client

    def _relay(self, sock):
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop_pair(sock)
            return
        try:
            self.peer[sock].sendall(data)
        except OSError:
            self._drop_pair(sock)
