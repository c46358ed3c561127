"""A mail server on loopback that accepts every mail and counts it: enough SMTP for Django's
backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), standard library only."""

import socketserver
import threading

LINE_LIMIT = 1 << 20  # bytes per line; a mail is read line by line with this bound


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def _say(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        self._say("220 simround sink")
        for _turn in range(100_000):  # commands per connection: bounded
            line = self.rfile.readline(LINE_LIMIT)
            if not line:
                return
            verb = line.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-simround\r\n250 8BITMIME\r\n")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                for _line in range(1_000_000):
                    data = self.rfile.readline(LINE_LIMIT)
                    if not data or data in (b".\r\n", b".\n"):
                        break
                self.server.count()
                self._say("250 OK queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def count(self) -> None:
        with self._lock:
            self.received += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=10)
