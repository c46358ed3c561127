"""A browser as far as the questionnaire needs one: its own cookies, GET and URL-encoded POST.

Plain ``http.client`` (one connection per browser, reopened when the server closes it), so the
load test needs nothing beyond the standard library. Only loopback hosts are accepted.
"""

import http.client
import ipaddress
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


def require_loopback(host: str) -> None:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"loadtest: {host} is not a loopback address; refusing to send traffic")


@dataclass
class Reply:
    status: int
    location: str
    body: str
    seconds: float


class RequestFailed(Exception):
    """No answer: a timeout, a refused or broken connection."""


class Browser:
    def __init__(self, host: str, port: int, *, timeout: float):
        require_loopback(host)
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body: str | None = None) -> Reply:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "policyindex-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise RequestFailed(f"{method} {path}: {type(error).__name__}: {error}") from error
        seconds = time.perf_counter() - start
        if response.will_close:
            self.close()
        # Secure cookies are kept too: this client talks to our own server on loopback only.
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Reply(
            status=response.status,
            location=_path_of(response.headers.get("Location", "")),
            body=content.decode("utf-8", "replace"),
            seconds=seconds,
        )

    def get(self, path: str) -> Reply:
        return self._send("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Reply:
        return self._send("POST", path, urlencode(data))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _path_of(location: str) -> str:
    """A redirect's target as a path on this server (the app redirects to relative URLs)."""
    if not location:
        return ""
    parts = urlsplit(location)
    if parts.hostname is not None:
        require_loopback(parts.hostname)
    return parts.path + (f"?{parts.query}" if parts.query else "")
