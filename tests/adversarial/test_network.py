"""Remote images (issue 12, item 9): only public addresses, checked after resolution and on every
redirect; the timeout bounds the whole download.

Traffic goes only to servers this file starts on 127.0.0.1. Every other address class is
tested on the function that resolves and decides (``check_host``), which opens no connection.
"""

from __future__ import annotations

import socket
import time

import pytest

import publisher.remote as remote
from publisher.config import SecurityConfig
from publisher.errors import ManuscriptError
from publisher.remote import RemoteError, fetch_image

from .helpers import TOML, build_book, png, project
from .test_paths import _Server

pytestmark = pytest.mark.slow  # whole builds through the real command: CI runs them, the fast loop does not

REMOTE_ON = TOML + "[security]\nallow_remote_images = true\nremote_timeout_s = 1\n"


@pytest.fixture
def servers():
    started = [_Server(), _Server()]
    yield started
    for server in started:
        server.close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_CACHE", str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def no_outside_connections(monkeypatch):
    """Every connection the code under test opens must go to 127.0.0.1 (a server of this file)."""
    real = socket.create_connection

    def only_loopback(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"a connection to {address} was attempted"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", only_loopback)


@pytest.mark.parametrize("host, kind", [
    ("127.0.0.1", "loopback"),
    ("localhost", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("2130706433", "loopback"),  # 127.0.0.1 as one decimal number
    ("0x7f000001", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),  # [::ffff:127.0.0.1] in a URL
    ("::1", "loopback"),
    ("169.254.169.254", "link-local"),  # the cloud metadata service
    ("fe80::1", "link-local"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("fd00::1", "private"),
    ("224.0.0.251", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "(reserved|private)"),
    ("100.64.0.1", "non-public"),  # carrier-grade NAT
])
def test_the_address_rule_refuses_every_non_public_address(host, kind, monkeypatch):
    from publisher.remote import check_host

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("no connection may be opened"))
    with pytest.raises(RemoteError, match=f"is an? {kind} address"):
        check_host(host, 80)


@pytest.mark.parametrize("host", ["93.184.215.14", "2606:4700:4700::1111"])
def test_the_address_rule_lets_public_addresses_through_and_returns_the_address_checked(host, monkeypatch):
    from publisher.remote import check_host

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("no connection may be opened"))
    assert check_host(host, 443) == host


def test_a_build_refuses_an_image_on_loopback_without_sending_a_request(tmp_path, servers):
    server = servers[0]
    server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    for url in (server.url + "/a.png", server.url.replace("127.0.0.1", "localhost") + "/a.png",
                server.url.replace("127.0.0.1", "2130706433") + "/a.png",
                server.url.replace("127.0.0.1", "[::ffff:127.0.0.1]") + "/a.png"):
        root = project(tmp_path / str(len(url)) / url[-12:-6], f"# Bài\n\n![Ảnh]({url})\n\nChữ.\n", REMOTE_ON)
        with pytest.raises(ManuscriptError, match="is a loopback address") as caught:
            build_book(root, ("epub",))
        assert (caught.value.path, caught.value.line) == ("manuscripts/01-bai.md", 3)
    assert server.requests == []


def test_a_redirect_to_a_refused_address_is_not_followed(servers):
    allowed, other = servers
    port = allowed.httpd.server_address[1]
    allowed.routes["/a.png"] = (302, {"Location": other.url + "/b.png"}, b"", 0)
    other.routes["/b.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    with pytest.raises(RemoteError, match="is a loopback address"):
        fetch_image(allowed.url + "/a.png", SecurityConfig(True, 2.0), allowed={("127.0.0.1", port)})
    assert allowed.requests == ["/a.png"]
    assert other.requests == []  # the redirect's target got nothing


def test_an_allowed_server_is_fetched_through_redirects(servers):
    server = servers[0]
    port = server.httpd.server_address[1]
    server.routes["/a.png"] = (302, {"Location": "/b.png"}, b"", 0)
    server.routes["/b.png"] = (200, {"Content-Type": "image/png"}, png(3, 3), 0)
    path = fetch_image(server.url + "/a.png", SecurityConfig(True, 2.0), allowed={("127.0.0.1", port)})
    assert path.read_bytes() == png(3, 3)
    assert server.requests == ["/a.png", "/b.png"]


def test_the_timeout_bounds_the_whole_download_of_a_slow_sender(servers, monkeypatch):
    """The server sends a byte every 0.1 s: every read returns in time, the download as a whole does not."""
    server = servers[0]
    port = server.httpd.server_address[1]
    server.routes["/slow.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    server.drip = 0.1
    started = time.monotonic()
    with pytest.raises(RemoteError, match="took longer than 1 s"):
        fetch_image(server.url + "/slow.png", SecurityConfig(True, 1.0), allowed={("127.0.0.1", port)})
    assert time.monotonic() - started < 2.5


def test_the_connection_goes_to_the_address_checked(servers, monkeypatch):
    """The name is resolved once: a second answer (DNS rebinding) is never used."""
    server = servers[0]
    port = server.httpd.server_address[1]
    server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    answers = iter(["127.0.0.1", "10.9.9.9"])
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "book-images.test":
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://book-images.test:{port}/a.png"
    assert fetch_image(url, SecurityConfig(True, 2.0), allowed={("127.0.0.1", port)}).read_bytes() == png()
    assert server.requests == ["/a.png"]
    assert remote.ALLOWED_FOR_TESTS == frozenset()  # the rule's exception is never on by default
