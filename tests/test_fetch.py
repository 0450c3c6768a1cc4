"""ingest.fetch: limits, conditional GET, redirects, Retry-After, the address guard, concurrency."""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
import zlib
from datetime import UTC, datetime

import httpx
import pytest

import ingest.fetch
from ingest.fetch import (
    MAX_RETRY_WAIT,
    Fetcher,
    FetchJob,
    FetchResult,
    blocked_reason,
    check_url_allowed,
    parse_retry_after,
)
from kb.config import HttpSettings
from kb.errors import BlockedURL, FetchError, ResponseTooLarge
from tests.fixtures.server import gzip_bomb

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
TEST_HTTP = HttpSettings(
    connect_timeout=0.3, read_timeout=0.3, max_bytes=1_000_000, allow_private_networks=True
)


def public_resolver(mapping: dict[str, str] | None = None):
    """A resolver for tests: known names to fixed addresses, anything else a DNS failure."""
    table = {"127.0.0.1": "127.0.0.1", **(mapping or {})}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [table[host]]

    return resolve


@pytest.fixture
def private_test_resolver(monkeypatch):
    """public.test → 127.0.0.1 and private.test → 127.0.0.2, with only 127.0.0.2 counted private.

    Both names reach the local test server, so a refusal can only come from the policy.
    """
    monkeypatch.setattr(
        ingest.fetch,
        "blocked_reason",
        lambda address: "a private address" if address == "127.0.0.2" else None,
    )
    return public_resolver({"public.test": "127.0.0.1", "private.test": "127.0.0.2"})


@pytest.fixture
def fetcher():
    with Fetcher(TEST_HTTP) as fetcher:
        yield fetcher


def mock_fetcher(handler, **settings) -> Fetcher:
    """A Fetcher over httpx.MockTransport; "*.example" names resolve to fixed addresses.

    Bodies must be given as iterators (``content=iter([...])``): the fetcher streams them.
    """
    resolver = public_resolver({"feeds.example": "93.184.216.34", "intranet.example": "10.0.0.5"})
    return Fetcher(
        HttpSettings(**{"allow_private_networks": False, **settings}),
        transport=httpx.MockTransport(handler),
        resolver=resolver,
    )


# -- plain fetching ---------------------------------------------------------------------


def test_feed_is_fetched_with_body_type_and_validators(feed_server, fetcher):
    url = feed_server.add("/feed.xml", RSS, etag='"v1"', last_modified="Tue, 24 Nov 2026 08:00:00 GMT")

    result = fetcher.fetch(url)

    assert result == FetchResult(
        url=url,
        status=200,
        content=RSS,
        headers=result.headers,
        etag='"v1"',
        last_modified="Tue, 24 Nov 2026 08:00:00 GMT",
    )
    assert result.content_type == "application/rss+xml"
    assert not result.not_modified


def test_content_type_is_lower_case_without_parameters_and_charset_is_kept(feed_server, fetcher):
    url = feed_server.add("/page", b"<html></html>", content_type='Text/HTML; Charset="ISO-8859-1"')

    result = fetcher.fetch(url)

    assert (result.content_type, result.charset) == ("text/html", "iso-8859-1")


def test_user_agent_names_newskb(feed_server, fetcher):
    fetcher.fetch(feed_server.add("/feed.xml", RSS))

    user_agent = feed_server.requests[0].headers["user-agent"]
    assert "newskb" in user_agent and "https://github.com/newskb/newskb" in user_agent


def test_unchanged_feed_answers_304_and_returns_no_body(feed_server, fetcher):
    url = feed_server.add("/feed.xml", RSS, etag='"v1"')

    result = fetcher.fetch(url, etag='"v1"')

    assert result.not_modified and result.status == 304
    assert result.content == b""
    assert result.etag == '"v1"'
    assert feed_server.requests[0].headers["if-none-match"] == '"v1"'


def test_last_modified_alone_gives_304(feed_server, fetcher):
    stamp = "Tue, 24 Nov 2026 08:00:00 GMT"
    url = feed_server.add("/feed.xml", RSS, last_modified=stamp)

    result = fetcher.fetch(url, last_modified=stamp)

    assert result.not_modified
    assert result.last_modified == stamp
    assert feed_server.requests[0].headers["if-modified-since"] == stamp


def test_changed_feed_is_fetched_again_despite_old_etag(feed_server, fetcher):
    url = feed_server.add("/feed.xml", RSS, etag='"v2"')

    result = fetcher.fetch(url, etag='"v1"')

    assert (result.status, result.content, result.etag) == (200, RSS, '"v2"')


def test_gzip_body_is_decoded_and_wire_headers_dropped(feed_server, fetcher):
    url = feed_server.add("/feed.xml", RSS * 50, gzip=True)

    result = fetcher.fetch(url)

    assert result.content == RSS * 50
    assert "content-encoding" not in result.headers and "content-length" not in result.headers
    assert feed_server.requests[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
def test_deflate_body_is_decoded(wbits):
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = compressor.compress(RSS) + compressor.flush()

    def handler(request):
        return httpx.Response(200, content=iter([body]), headers={"Content-Encoding": "deflate"})

    with mock_fetcher(handler) as fetcher:
        assert fetcher.fetch("http://feeds.example/feed").content == RSS


def test_unsupported_content_encoding_is_a_fetch_error():
    def handler(request):
        return httpx.Response(200, content=iter([b"\x00\x01"]), headers={"Content-Encoding": "br"})

    with (
        mock_fetcher(handler) as fetcher,
        pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"),
    ):
        fetcher.fetch("http://feeds.example/feed")


def test_corrupt_gzip_body_is_a_fetch_error(feed_server, fetcher):
    url = feed_server.add("/feed.xml", b"not gzip at all", headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError, match="cannot decode the gzip body"):
        fetcher.fetch(url)


# -- the byte cap -------------------------------------------------------------------------


def test_oversized_response_is_cut_at_cap(feed_server, fetcher):
    url = feed_server.add("/big.xml", RSS, size=5_000_000)

    with pytest.raises(ResponseTooLarge) as caught:
        fetcher.fetch(url)

    assert url in str(caught.value) and "1,000,000 bytes" in str(caught.value)


def test_oversized_response_without_length_is_cut_while_streaming(feed_server, fetcher):
    # 200 MB announced by nobody: reading it all would take far longer than the test does.
    url = feed_server.add("/big.xml", RSS, size=200_000_000, chunked=True)

    with pytest.raises(ResponseTooLarge, match="cap of 1,000,000 bytes"):
        fetcher.fetch(url)


def test_gzip_bomb_is_cut_at_cap(feed_server, fetcher):
    # ~50 KB on the wire, 50 MB once inflated.
    url = feed_server.add("/bomb.xml", gzip_bomb(50_000_000), headers={"Content-Encoding": "gzip"})

    with pytest.raises(ResponseTooLarge, match="cap of 1,000,000 bytes"):
        fetcher.fetch(url)


def test_decoder_never_inflates_past_the_cap():
    decoder = ingest.fetch._BoundedDecoder("gzip", 1000)

    with pytest.raises(ingest.fetch._TooLarge):
        decoder.decode(gzip_bomb(10_000_000))

    assert decoder._produced == 1001


def test_body_exactly_at_cap_is_accepted(feed_server, fetcher):
    url = feed_server.add("/feed.xml", RSS, size=1_000_000, gzip=True)

    assert len(fetcher.fetch(url).content) == 1_000_000


def test_max_bytes_argument_overrides_the_setting(feed_server, fetcher):
    url = feed_server.add("/page.html", b"x" * 2000, content_type="text/html")

    with pytest.raises(ResponseTooLarge, match="cap of 1,000 bytes"):
        fetcher.fetch(url, max_bytes=1000)


# -- redirects ----------------------------------------------------------------------------


def test_redirect_chain_of_five_is_followed(feed_server, fetcher):
    target = feed_server.add("/feed.xml", RSS)
    first = feed_server.redirect_chain(5, "/feed.xml", status=301)

    result = fetcher.fetch(first)

    assert (result.url, result.content) == (target, RSS)


def test_only_a_chain_of_permanent_redirects_says_the_feed_moved(feed_server, fetcher):
    target = feed_server.add("/feed.xml", RSS)
    moved = feed_server.redirect_chain(2, "/feed.xml", status=301)
    moved_308 = feed_server.redirect_chain(1, "/feed.xml", status=308)
    temporary = feed_server.redirect_chain(1, "/feed.xml", status=302)
    mixed = feed_server.add("/mixed", status=301, redirect_to=temporary)

    assert fetcher.fetch(moved).moved_to == target
    assert fetcher.fetch(moved_308).moved_to == target
    assert fetcher.fetch(temporary).moved_to is None
    assert fetcher.fetch(mixed).moved_to is None
    assert fetcher.fetch(target).moved_to is None


def test_redirect_chain_longer_than_five_fails(feed_server, fetcher):
    feed_server.add("/feed.xml", RSS)
    first = feed_server.redirect_chain(6, "/feed.xml")

    with pytest.raises(FetchError, match="more than 5 redirects") as caught:
        fetcher.fetch(first)

    assert caught.value.url == first
    assert feed_server.hits("/feed.xml") == 0


def test_error_after_a_redirect_names_the_hop(feed_server, fetcher):
    url = feed_server.add("/old.xml", redirect_to="/gone.xml", status=301)

    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)

    assert str(caught.value) == f"{url}: redirect to {feed_server.url('/gone.xml')}: HTTP 404 Not Found"
    assert caught.value.status == 404


def test_redirect_loop_is_reported(feed_server, fetcher):
    feed_server.add("/a", redirect_to="/b")
    feed_server.add("/b", redirect_to="/a")

    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(feed_server.url("/a"))


def test_redirect_to_other_scheme_is_refused(feed_server, fetcher):
    url = feed_server.add("/feed.xml", redirect_to="file:///etc/passwd")

    with pytest.raises(BlockedURL, match="redirect to file://.*/etc/passwd: scheme 'file' is not fetched"):
        fetcher.fetch(url)


def test_redirect_to_private_address_is_refused():
    def handler(request):
        if request.url.host == "feeds.example":
            return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})
        return httpx.Response(200, content=b"secret")

    with mock_fetcher(handler) as fetcher, pytest.raises(BlockedURL) as caught:
        fetcher.fetch("http://feeds.example/feed")

    message = str(caught.value)
    assert message.startswith("http://feeds.example/feed: redirect to http://intranet.example/admin")
    assert "10.0.0.5, a private address" in message


def test_redirect_to_refused_address_never_connects(feed_server, private_test_resolver):
    # The refusal has to come from the connection layer, hop by hop.
    resolver = private_test_resolver
    feed_server.add("/secret", b"secret")
    url = feed_server.add("/feed.xml", redirect_to=feed_server.url("/secret", host="private.test"))

    with (
        Fetcher(HttpSettings(read_timeout=0.3), resolver=resolver) as fetcher,
        pytest.raises(BlockedURL) as caught,
    ):
        fetcher.fetch(url.replace("127.0.0.1", "public.test"))

    assert "private.test resolves to 127.0.0.2, a private address" in str(caught.value)
    assert feed_server.hits("/secret") == 0


# -- the address policy -------------------------------------------------------------------


def test_connection_goes_to_the_resolved_address(feed_server):
    # feeds.test exists only in this resolver: the fetch works only if the checked address is dialled.
    url = feed_server.add("/feed.xml", RSS).replace("127.0.0.1", "feeds.test")

    with Fetcher(TEST_HTTP, resolver=public_resolver({"feeds.test": "127.0.0.1"})) as fetcher:
        result = fetcher.fetch(url)

    assert result.content == RSS
    assert feed_server.requests[0].headers["host"] == f"feeds.test:{feed_server.port}"


def test_private_address_refused_by_default(feed_server):
    url = feed_server.add("/feed.xml", RSS)

    with (
        Fetcher(HttpSettings()) as fetcher,
        pytest.raises(BlockedURL, match="127.0.0.1 is a loopback address"),
    ):
        fetcher.fetch(url)

    assert feed_server.requests == []


@pytest.mark.parametrize(
    "address, reason",
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fc00::1", "a private address"),
        ("169.254.10.10", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:10.0.0.1", "a private address"),
        ("2002:7f00:1::", "a loopback address"),
    ],
)
def test_non_public_addresses_are_refused(address, reason):
    assert blocked_reason(address) == reason


@pytest.mark.parametrize("address", ["240.0.0.1", "100.64.0.1", "192.0.2.1", "2001:db8::1", "198.18.0.1"])
def test_reserved_and_shared_addresses_are_refused(address):
    # Which ipaddress flag names them changed between Python versions; refused either way.
    assert blocked_reason(address) is not None


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "100.100.100.200"]
)
def test_metadata_address_refused(address):
    assert blocked_reason(address) == "a cloud metadata address"
    with pytest.raises(BlockedURL, match="a cloud metadata address"):
        check_url_allowed(
            "http://metadata.example/latest/",
            allow_private_networks=False,
            resolver=lambda host, port: [address],
        )


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert blocked_reason(address) is None


def test_host_with_any_private_address_is_refused():
    with pytest.raises(BlockedURL, match="10.0.0.1, a private address"):
        check_url_allowed(
            "https://mixed.example/feed",
            allow_private_networks=False,
            resolver=lambda host, port: ["93.184.216.34", "10.0.0.1"],
        )


def test_allowing_private_networks_skips_resolution():
    def resolver(host, port):
        raise AssertionError("must not resolve")

    check_url_allowed("http://10.0.0.1/feed", allow_private_networks=True, resolver=resolver)


@pytest.mark.parametrize(
    "url, reason",
    [
        ("ftp://example.com/feed.xml", "scheme 'ftp' is not fetched"),
        ("file:///etc/passwd", "scheme 'file' is not fetched"),
        ("gopher://example.com/", "scheme 'gopher' is not fetched"),
        ("/home/me/feeds/local.xml", "a URL without a scheme is not fetched"),
    ],
)
def test_non_http_scheme_refused(url, reason, fetcher):
    with pytest.raises(BlockedURL, match=reason) as caught:
        fetcher.fetch(url)

    assert str(caught.value).startswith(url + ": ")


@pytest.mark.parametrize(
    "url", ["http://exa mple.com/", "http://[::1/feed", "https://", "http://example.com:99999/"]
)
def test_invalid_url_is_a_fetch_error(url, fetcher):
    with pytest.raises(FetchError, match="invalid URL"):
        fetcher.fetch(url)


# -- network failures ---------------------------------------------------------------------


def test_timeout_is_a_fetch_error(feed_server, fetcher):
    url = feed_server.add("/slow.xml", RSS, delay=1.0)

    with pytest.raises(FetchError, match=r"no data for 0.3 s \(read timeout\)") as caught:
        fetcher.fetch(url)

    assert caught.value.url == url and caught.value.status is None


def test_slow_trickle_is_cut_by_the_total_timeout(feed_server):
    url = feed_server.add("/trickle.xml", RSS * 20, chunk_size=16, chunk_delay=0.05)

    with (
        Fetcher(TEST_HTTP, total_timeout=0.3) as fetcher,
        pytest.raises(FetchError, match="took longer than 0.3 s"),
    ):
        fetcher.fetch(url)


def test_slow_headers_are_cut_by_the_total_timeout(feed_server):
    # The wait is within the read timeout, and a 304 has no body whose reading could
    # notice the time: only the deadline on the connection itself stops this.
    url = feed_server.add("/late.xml", RSS, delay=0.8, etag='"v1"')
    settings = HttpSettings(read_timeout=2, allow_private_networks=True)

    with Fetcher(settings, total_timeout=0.3) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url, etag='"v1"')

    assert str(caught.value) == f"{url}: took longer than 0.3 s in all"


def test_redirect_hops_share_the_total_timeout(feed_server):
    feed_server.add("/feed.xml", RSS, delay=0.2, etag='"v1"')
    feed_server.add("/a", redirect_to="/b", delay=0.2)
    feed_server.add("/b", redirect_to="/feed.xml", delay=0.2)
    settings = HttpSettings(read_timeout=2, allow_private_networks=True)

    with (
        Fetcher(settings, total_timeout=0.5) as fetcher,
        pytest.raises(FetchError, match="took longer than 0.5 s in all"),
    ):
        fetcher.fetch(feed_server.url("/a"), etag='"v1"')


def test_dns_failure_is_a_fetch_error():
    with Fetcher(TEST_HTTP, resolver=public_resolver()) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://no-such-host.invalid/feed.xml")

    assert not isinstance(caught.value, BlockedURL)
    assert str(caught.value) == (
        "http://no-such-host.invalid/feed.xml: cannot resolve host no-such-host.invalid: Name or service not known"
    )


def test_hung_dns_lookup_is_cut_at_the_connect_timeout():
    def hung_resolver(host, port):
        time.sleep(1.0)
        return ["127.0.0.1"]

    with Fetcher(TEST_HTTP, resolver=hung_resolver) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://slow-dns.test/feed.xml")

    assert str(caught.value) == (
        "http://slow-dns.test/feed.xml: cannot resolve host slow-dns.test: DNS lookup took longer than 0.3 s"
    )


def test_connection_refused_is_a_fetch_error(fetcher):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nobody listens on the port any more.

    with pytest.raises(FetchError, match="cannot connect: .*refused"):
        fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")


def test_connection_lost_mid_body_is_a_fetch_error():
    def body():
        yield b"<rss>"
        raise httpx.ReadError("[Errno 104] Connection reset by peer")

    def handler(request):
        return httpx.Response(200, content=body())

    with mock_fetcher(handler) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://feeds.example/feed")

    assert (
        str(caught.value)
        == "http://feeds.example/feed: connection broken: [Errno 104] Connection reset by peer"
    )


def test_dropped_connection_is_a_fetch_error(feed_server, fetcher):
    url = feed_server.add("/feed.xml", drop=True)

    with pytest.raises(FetchError, match="HTTP protocol error|connection broken"):
        fetcher.fetch(url)


def _tls_failure(request):
    raise httpx.ConnectError(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
    ) from ssl.SSLCertVerificationError("certificate verify failed")


def _raiser(error):
    def handler(request):
        raise error

    return handler


@pytest.mark.parametrize(
    "handler, reason",
    [
        (_raiser(httpx.ConnectTimeout("timed out")), "connection timed out after 10 s"),
        (
            _raiser(httpx.ConnectError("[Errno 101] Network is unreachable")),
            "cannot connect: [Errno 101] Network is unreachable",
        ),
        (_tls_failure, "TLS error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
        (
            _raiser(httpx.RemoteProtocolError("Server disconnected\nwithout sending a response.")),
            "HTTP protocol error: Server disconnected without sending a response.",
        ),
    ],
    ids=["connect-timeout", "unreachable", "tls", "protocol"],
)
def test_transport_failures_become_one_line_fetch_errors(handler, reason):
    with mock_fetcher(handler) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("https://feeds.example/feed")

    assert str(caught.value) == f"https://feeds.example/feed: {reason}"


# -- HTTP errors and Retry-After ----------------------------------------------------------


@pytest.mark.parametrize(
    "status, reason",
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error")],
)
def test_http_error_gives_fetch_error_with_status(status, reason, feed_server, fetcher):
    url = feed_server.add("/feed.xml", b"nope", status=status)

    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)

    assert (str(caught.value), caught.value.status, caught.value.retry_after) == (
        f"{url}: {reason}",
        status,
        None,
    )


def test_retry_after_short_is_waited_then_retried(feed_server):
    feed_server.add("/feed.xml", status=429, headers={"Retry-After": "2"}, times=1)
    url = feed_server.add("/feed.xml", RSS)
    waits: list[float] = []

    with Fetcher(TEST_HTTP, sleep=waits.append) as fetcher:
        result = fetcher.fetch(url)

    assert (result.status, result.content) == (200, RSS)
    assert waits == [2.0]
    assert feed_server.hits("/feed.xml") == 2


def test_retry_after_long_gives_fetch_error_with_retry_after(feed_server):
    url = feed_server.add("/feed.xml", status=503, headers={"Retry-After": "3600"})
    waits: list[float] = []

    with Fetcher(TEST_HTTP, sleep=waits.append) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)

    assert (caught.value.status, caught.value.retry_after) == (503, 3600.0)
    assert str(caught.value) == f"{url}: HTTP 503 Service Unavailable (retry after 3600 s)"
    assert waits == [] and feed_server.hits("/feed.xml") == 1


def test_retry_after_threshold_is_a_keyword(feed_server):
    url = feed_server.add("/feed.xml", status=429, headers={"Retry-After": "2"})

    with (
        Fetcher(TEST_HTTP, max_retry_wait=1, sleep=lambda s: None) as fetcher,
        pytest.raises(FetchError) as caught,
    ):
        fetcher.fetch(url)

    assert caught.value.retry_after == 2.0 and feed_server.hits("/feed.xml") == 1
    assert MAX_RETRY_WAIT >= 2


def test_retry_happens_only_once(feed_server):
    url = feed_server.add("/feed.xml", status=503, headers={"Retry-After": "1"})

    with Fetcher(TEST_HTTP, sleep=lambda s: None) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)

    assert caught.value.status == 503 and feed_server.hits("/feed.xml") == 2


def test_429_without_retry_after_fails_at_once(feed_server, fetcher):
    url = feed_server.add("/feed.xml", status=429)

    with pytest.raises(FetchError, match=r"HTTP 429 Too Many Requests$") as caught:
        fetcher.fetch(url)

    assert caught.value.retry_after is None and feed_server.hits("/feed.xml") == 1


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("120", 120.0),
        ("Wed, 25 Nov 2026 12:02:00 GMT", 120.0),
        ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_http_date(value, seconds):
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    assert parse_retry_after(value, now=now) == seconds


# -- many sources -------------------------------------------------------------------------


def test_fetch_many_limits_per_host_concurrency(feed_server):
    feed_server.add("/feed.xml", RSS, delay=0.4)
    resolver = public_resolver({"a.test": "127.0.0.1", "b.test": "127.0.0.1"})
    jobs = [
        FetchJob(feed_server.url(f"/feed.xml?n={n}", host=host), key=(host, n))
        for n in range(4)
        for host in ("a.test", "b.test")
    ]
    settings = HttpSettings(read_timeout=2, concurrency=3, per_host=2, allow_private_networks=True)

    with Fetcher(settings, resolver=resolver) as fetcher:
        results = list(fetcher.fetch_many(jobs))

    assert sorted(job.key for job, _ in results) == sorted(job.key for job in jobs)
    assert all(isinstance(result, FetchResult) for _, result in results)
    assert feed_server.peak_in_flight_by_host == {"a.test": 2, "b.test": 2}
    assert feed_server.peak_in_flight == 3


def test_fetch_many_gives_failures_as_results(feed_server, fetcher):
    good = FetchJob(feed_server.add("/feed.xml", RSS), key="good")
    unchanged = FetchJob(feed_server.add("/same.xml", RSS, etag='"1"'), etag='"1"', key="same")
    missing = FetchJob(feed_server.url("/missing.xml"), key="missing")
    blocked = FetchJob("ftp://example.com/feed.xml", key="blocked")

    results = {job.key: result for job, result in fetcher.fetch_many([good, unchanged, missing, blocked])}

    assert results["good"].content == RSS
    assert results["same"].not_modified
    assert isinstance(results["missing"], FetchError) and results["missing"].status == 404
    assert isinstance(results["blocked"], BlockedURL)


def test_fetch_many_turns_unexpected_errors_into_results(feed_server, fetcher, monkeypatch):
    def broken(url, **options):
        raise KeyError("bug")

    monkeypatch.setattr(fetcher, "fetch", broken)

    [(job, result)] = list(fetcher.fetch_many([FetchJob(feed_server.url("/feed.xml"))]))

    assert isinstance(result, FetchError) and "unexpected KeyError" in str(result)


def test_per_host_limit_holds_across_nested_fetch_many_calls(feed_server):
    # As a run does: article pages fetched while the feeds' results are still coming in.
    feed_server.add("/slow-feed.xml", RSS, delay=0.6)
    feed_server.add("/fast-feed.xml", RSS)
    feed_server.add("/article", b"<html></html>", content_type="text/html", delay=0.2)
    resolver = public_resolver({"a.test": "127.0.0.1"})
    settings = HttpSettings(read_timeout=2, concurrency=8, per_host=2, allow_private_networks=True)
    feeds = [FetchJob(feed_server.url(path, host="a.test")) for path in ("/slow-feed.xml", "/fast-feed.xml")]
    pages = [FetchJob(feed_server.url(f"/article?n={n}", host="a.test")) for n in range(3)]

    fetched = []
    with Fetcher(settings, resolver=resolver) as fetcher:
        for job, result in fetcher.fetch_many(feeds):
            fetched.append(result)
            if job.url.endswith("/fast-feed.xml"):
                fetched += [page for _, page in fetcher.fetch_many(pages)]

    assert len(fetched) == 5 and all(isinstance(result, FetchResult) for result in fetched)
    assert feed_server.peak_in_flight_by_host == {"a.test": 2}


def test_fetch_many_stopped_early_leaves_the_fetcher_usable(feed_server, fetcher):
    jobs = [FetchJob(feed_server.add(f"/feed-{n}.xml", RSS)) for n in range(10)]

    results = fetcher.fetch_many(jobs)
    next(results)
    results.close()

    assert [isinstance(result, FetchResult) for _, result in fetcher.fetch_many(jobs[:3])] == [True] * 3


def test_refused_url_leaves_the_fetcher_usable(feed_server, private_test_resolver):
    resolver = private_test_resolver
    url = feed_server.add("/feed.xml", RSS)

    with Fetcher(HttpSettings(), resolver=resolver) as fetcher:
        with pytest.raises(BlockedURL):
            fetcher.fetch(url.replace("127.0.0.1", "private.test"))
        result = fetcher.fetch(url.replace("127.0.0.1", "public.test"))

    assert result.content == RSS


def test_tls_failure_is_a_fetch_error(feed_server, fetcher):
    # A plain-HTTP server spoken to over https: the handshake fails, as with a bad certificate.
    url = feed_server.add("/feed.xml", RSS).replace("http://", "https://")

    with pytest.raises(FetchError, match="TLS error: ") as caught:
        fetcher.fetch(url)

    assert caught.value.url == url and "\n" not in str(caught.value)


def test_served_directory_answers_conditional_get(feed_server, fetcher, shared_dir):
    folder = shared_dir / "feeds" / "real"
    name = sorted(path.name for path in folder.iterdir() if path.suffix == ".rss")[0]
    url = feed_server.serve_directory("real", folder) + name

    first = fetcher.fetch(url)
    again = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)

    assert first.content == (folder / name).read_bytes()
    assert first.content_type == "application/rss+xml"
    assert again.not_modified


@pytest.mark.parametrize(
    "route",
    [
        {"etag": '"v1"'},
        {"status": 404, "content_type": "text/html"},
        {"redirect_to": "/feed.xml"},
    ],
    ids=["304", "404", "redirect"],
)
def test_unread_small_bodies_keep_the_connection_alive(feed_server, fetcher, route):
    # Without it every unchanged feed of a run would cost a new TCP (and TLS) handshake.
    feed_server.add("/feed.xml", RSS)
    url = feed_server.add("/source", b"small body", **route)

    for _ in range(3):
        with contextlib.suppress(FetchError):  # the 404 case
            fetcher.fetch(url, etag='"v1"')

    assert feed_server.connections == 1
