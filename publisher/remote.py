"""Fetch a remote image into the cache, only when book.toml allows it.

Used by the readers for ``http://`` and ``https://`` image references when
``[security] allow_remote_images = true``. The rules:
- only http and https, also after redirects (never ``file:``, ``ftp:`` ...);
- only public internet addresses: the server's name is resolved once, refused when it
  leads to a loopback, private, link-local, multicast, unspecified or reserved address
  (IPv4-mapped IPv6 addresses too), and the connection goes to the address checked;
  the same for every redirect;
- the whole download must finish within ``remote_timeout_s`` and stay within
  ``remote_max_bytes`` (a larger Content-Length is refused before reading);
- the bytes must be a JPEG, PNG, GIF or WebP image (checked by their signature,
  whatever the URL or the server says);
- the file is kept in ``<cache>/remote/<hash of the URL>.<ext>`` and reused,
  so a book builds the same, and offline, once its images were fetched.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from pathlib import Path

from .cache import cache_dir
from .config import SecurityConfig
from .safety import shorten, write_file

USER_AGENT = "publisher (book builder; remote images allowed by book.toml)"
SIGNATURES = {
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
    b"GIF87a": ".gif",
    b"GIF89a": ".gif",
}


class RemoteError(Exception):
    """A remote image could not be fetched; the message says why in plain words."""


def image_suffix(data: bytes) -> str | None:
    """The file suffix for image bytes, from their signature; None when they are not an image."""
    for signature, suffix in SIGNATURES.items():
        if data.startswith(signature):
            return suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


MAX_REDIRECTS = 5
# (address, port) pairs fetched although the address rule refuses them: for tests, which run
# their servers on 127.0.0.1. Only code in the build's process can set it (never a project).
ALLOWED_FOR_TESTS: frozenset[tuple[str, int]] = frozenset()


def refused_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the build may not connect to ``ip`` (loopback, private ...), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            return refused_address(mapped)
    for name, kind in (("is_loopback", "a loopback"), ("is_unspecified", "an unspecified"),
                       ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                       ("is_private", "a private"), ("is_reserved", "a reserved")):
        if getattr(ip, name):
            return kind
    if not ip.is_global:
        return "a non-public"
    return None


def check_host(host: str, port: int, allowed=None) -> str:
    """The address to connect to for ``host``: resolved once, and refused (RemoteError) when
    any address it resolves to is loopback, private, link-local, multicast, unspecified or
    reserved. The caller connects to the address returned, never resolving again.
    """
    allowed = ALLOWED_FOR_TESTS if allowed is None else allowed
    if not host:
        raise RemoteError("the URL names no server")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise RemoteError(f"the server name {shorten(host, 80)} could not be resolved") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise RemoteError(f"the server name {shorten(host, 80)} could not be resolved")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        why = refused_address(ip)
        if why and (str(ip), port) not in allowed:
            raise RemoteError(f"{shorten(host, 80)} is {why} address ({ip}); only public internet "
                              "addresses are fetched")
    return addresses[0]


class _Connection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (the name is not resolved again)."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _SecureConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is checked against the server's name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_image(url: str, security: SecurityConfig, allowed=None) -> Path:
    """The cached file for ``url``, downloading it first when needed.

    ``allowed``: (address, port) pairs let through the address rule (tests only;
    default ``ALLOWED_FOR_TESTS``).
    """
    if not url.lower().startswith(("http://", "https://")):
        raise RemoteError("only http and https images are fetched")
    folder = cache_dir() / "remote"
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]
    for suffix in set(SIGNATURES.values()) | {".webp"}:
        cached = folder / f"{key}{suffix}"
        if cached.is_file():
            return cached
    data = download(url, security, allowed)
    suffix = image_suffix(data)
    if suffix is None:
        raise RemoteError("the server did not send an image (JPEG, PNG, GIF or WebP)")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}{suffix}"
    write_file(target, data)  # never a half-written file under the final name
    return target


def download(url: str, security: SecurityConfig, allowed=None) -> bytes:
    """The body of ``url``, redirects followed (each one checked), within the whole-download deadline."""
    deadline = time.monotonic() + security.remote_timeout_s
    for _ in range(MAX_REDIRECTS + 1):
        location = _get(url, security, deadline, allowed)
        if isinstance(location, bytes):
            return location
        url = location
    raise RemoteError(f"more than {MAX_REDIRECTS} redirects")


def _too_slow(security: SecurityConfig) -> RemoteError:
    return RemoteError(f"the download took longer than {security.remote_timeout_s:g} s "
                       "([security] remote_timeout_s)")


def _get(url: str, security: SecurityConfig, deadline: float, allowed) -> bytes | str:
    """The body of ``url``, or the URL it redirects to."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RemoteError(f"the server redirected to {shorten(url, 120)}, which is not http or https")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise RemoteError(f"the URL {shorten(url, 120)} has a bad port") from exc
    address = check_host(parts.hostname or "", port, allowed)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow(security)
    kind = _SecureConnection if scheme == "https" else _Connection
    connection = kind(parts.hostname, port, address, remaining)
    # The whole exchange, headers included, must end by the deadline: a timer closes the socket.
    timer = threading.Timer(remaining, _abort, (connection,))
    timer.daemon = True
    timer.start()
    try:
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            target = response.getheader("Location") or ""
            if not target:
                raise RemoteError(f"the server answered {response.status} without a Location")
            target = urllib.parse.urljoin(url, target)
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                raise RemoteError(f"the server answered {response.status}: it redirected to "
                                  f"{shorten(target, 120)}, which is not http or https")
            return target
        if response.status != 200:
            raise RemoteError(f"the server answered {response.status} {shorten(response.reason, 80)}")
        return _body(response, security, deadline)
    except RemoteError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if time.monotonic() >= deadline - 0.01 or isinstance(exc, TimeoutError):
            raise _too_slow(security) from exc
        raise RemoteError(f"the download failed: {shorten(exc, 120)}") from exc
    finally:
        timer.cancel()
        connection.close()


def _abort(connection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _body(response, security: SecurityConfig, deadline: float) -> bytes:
    limit = security.remote_max_bytes
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise RemoteError(f"the image is {int(length)} bytes; the limit is {limit} ([security] remote_max_bytes)")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _too_slow(security)
        chunk = response.read1(64 * 1024)
        if not chunk:
            if time.monotonic() > deadline:  # the timer closed the socket
                raise _too_slow(security)
            break
        size += len(chunk)
        if size > limit:
            raise RemoteError(f"the image is larger than the limit of {limit} bytes ([security] remote_max_bytes)")
        chunks.append(chunk)
    return b"".join(chunks)
