"""Fetch a remote image into the cache, only when book.toml allows it.

Used by the readers for ``http://`` and ``https://`` image references when
``[security] allow_remote_images = true``. The rules:
- only http and https, also after redirects (never ``file:``, ``ftp:`` ...);
- the whole download must finish within ``remote_timeout_s`` and stay within
  ``remote_max_bytes`` (a larger Content-Length is refused before reading);
- the bytes must be a JPEG, PNG, GIF or WebP image (checked by their signature,
  whatever the URL or the server says);
- the file is kept in ``<cache>/remote/<hash of the URL>.<ext>`` and reused,
  so a book builds the same, and offline, once its images were fetched.
"""

from __future__ import annotations

import hashlib
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from .cache import cache_dir
from .config import SecurityConfig

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


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise RemoteError(f"the server redirected to {newurl}, which is not http or https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_image(url: str, security: SecurityConfig) -> Path:
    """The cached file for ``url``, downloading it first when needed."""
    if not url.lower().startswith(("http://", "https://")):
        raise RemoteError("only http and https images are fetched")
    folder = cache_dir() / "remote"
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]
    for suffix in set(SIGNATURES.values()) | {".webp"}:
        cached = folder / f"{key}{suffix}"
        if cached.is_file():
            return cached
    data = _download(url, security)
    suffix = image_suffix(data)
    if suffix is None:
        raise RemoteError("the server did not send an image (JPEG, PNG, GIF or WebP)")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}{suffix}"
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)  # never a half-written file under the final name
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _download(url: str, security: SecurityConfig) -> bytes:
    limit = security.remote_max_bytes
    deadline = time.monotonic() + security.remote_timeout_s
    opener = urllib.request.build_opener(_HttpOnlyRedirects(), urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=security.remote_timeout_s) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise RemoteError(f"the image is {int(length)} bytes; the limit is {limit} "
                                  "([security] remote_max_bytes)")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise RemoteError(f"the download took longer than {security.remote_timeout_s:g} s "
                                      "([security] remote_timeout_s)")
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise RemoteError(f"the image is larger than the limit of {limit} bytes "
                                      "([security] remote_max_bytes)")
                chunks.append(chunk)
            return b"".join(chunks)
    except RemoteError:
        raise
    except urllib.error.HTTPError as exc:
        raise RemoteError(f"the server answered {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise RemoteError(f"no answer within {security.remote_timeout_s:g} s "
                              "([security] remote_timeout_s)") from exc
        raise RemoteError(f"could not connect: {reason}") from exc
    except TimeoutError as exc:
        raise RemoteError(f"no answer within {security.remote_timeout_s:g} s ([security] remote_timeout_s)") from exc
    except OSError as exc:
        raise RemoteError(f"the download failed: {exc}") from exc
