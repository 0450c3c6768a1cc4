"""Safe HTTP fetching for ingest: limits, conditional GET, redirects and a private-network guard.

Everything ingest downloads (feeds and article pages) goes through one :class:`Fetcher`
per run. It never raises anything but :class:`~kb.errors.FetchError` (or its subclasses
``BlockedURL`` and ``ResponseTooLarge``), each with a one-line reason naming the URL, and
:meth:`Fetcher.fetch_many` turns each job's failure into a result so one bad source never
stops a run. Why it is built this way is in docs/design-notes.md, "HTTP".
"""

from __future__ import annotations

import email.utils
import functools
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus
from types import MappingProxyType, TracebackType
from typing import Any

import httpcore
import httpx

from kb.config import HttpSettings
from kb.errors import BlockedURL, FetchError, ResponseTooLarge

__all__ = [
    "DEFAULT_TOTAL_TIMEOUT",
    "MAX_RETRY_WAIT",
    "FetchJob",
    "FetchResult",
    "Fetcher",
    "blocked_reason",
    "check_url_allowed",
    "parse_retry_after",
    "resolve_host",
]

log = logging.getLogger(__name__)

#: A Retry-After of at most this many seconds is waited out and the request retried once;
#: a longer one becomes ``FetchError.retry_after`` for the scheduler.
MAX_RETRY_WAIT = 5.0
#: Seconds one fetch may take from the first request to the last body byte (redirects
#: included): the read timeout alone lets a server trickle a byte every 29 s forever.
DEFAULT_TOTAL_TIMEOUT = 120.0
#: Only codings we can decode under the byte cap (see _BoundedDecoder).
ACCEPT_ENCODING = "gzip, deflate"
RETRY_STATUSES = frozenset({429, 503})
ALLOWED_SCHEMES = frozenset({"http", "https"})
#: Cloud instance-metadata endpoints (AWS, GCP, Azure, Oracle, Alibaba). Most are already
#: link-local or private; listed so the refusal says what they are.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "192.0.0.192", "100.100.100.200")
)
# Response headers that describe the bytes on the wire, not the decoded content we return.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

Resolver = Callable[[str, int], Sequence[str]]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful fetch: a 2xx body, or a 304 that says the stored copy is current."""

    url: str  #: final URL, after redirects
    status: int  #: 2xx or 304
    content: bytes  #: decoded from gzip/deflate; b"" on 304
    headers: Mapping[str, str]  #: response headers, lower-case names; wire-only ones dropped
    etag: str | None
    last_modified: str | None
    #: the final URL when every redirect on the way was permanent (301/308): the resource
    #: has moved, and its source should be fetched there from now on
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        """Media type, lower-case, without parameters ("" when the server sent none)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any (feedparser and trafilatura sniff anyway)."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


@dataclass(frozen=True, slots=True)
class FetchJob:
    """One URL for :meth:`Fetcher.fetch_many`, with its validators and the caller's handle."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    key: object = None  #: given back unchanged with the result (e.g. a source id)


# -- URL policy ------------------------------------------------------------------------


class _HostRefused(Exception):
    """Raised inside the connection layer; Fetcher turns it into BlockedURL with the URL."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _HostUnresolvable(_HostRefused):
    """DNS gave no address: a FetchError, not a policy refusal."""


def resolve_host(host: str, port: int) -> list[str]:
    """The host's IP addresses from ``socket.getaddrinfo``, in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_reason(address: str) -> str | None:
    """Why connecting to this IP address is refused ("a loopback address"...), or None if public."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 (::ffff:a.b.c.d, 2002:a.b.c.d::/48) reaches that
        # IPv4 host, so it is judged first, by what it really is.
        embedded = [address for address in (ip.ipv4_mapped, ip.sixtofour) if address is not None]
        candidates = [*embedded, ip]
    for candidate in candidates:
        if candidate in METADATA_ADDRESSES:
            return "a cloud metadata address"
        for flag, what in (
            ("is_unspecified", "an unspecified address"),
            ("is_loopback", "a loopback address"),
            ("is_link_local", "a link-local address"),
            ("is_multicast", "a multicast address"),
            ("is_private", "a private address"),
            ("is_reserved", "a reserved address"),
        ):
            if getattr(candidate, flag):
                return what
        if not candidate.is_global:
            return "not a public address"
    return None


def _checked_addresses(
    host: str, port: int, *, allow_private_networks: bool, resolver: Resolver
) -> list[str]:
    """Resolve ``host`` and refuse it when any of its addresses is not public (unless allowed)."""
    try:
        addresses = list(resolver(host, port))
    except (OSError, UnicodeError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
        raise _HostUnresolvable(f"cannot resolve host {host}: {detail}") from e
    if not addresses:
        raise _HostUnresolvable(f"cannot resolve host {host}: no address")
    if not allow_private_networks:
        # Every address is checked, not only the first: a mixed answer is refused as a whole.
        for address in addresses:
            reason = blocked_reason(address)
            if reason is not None:
                where = (
                    f"{address} is" if host.strip("[]") == address else f"host {host} resolves to {address},"
                )
                raise _HostRefused(f"{where} {reason} (set http.allow_private_networks = true to allow it)")
    return addresses


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise FetchError(url, f"invalid URL: {e}") from e
    return parsed


def _check_scheme(url: str, target: httpx.URL) -> None:
    if target.scheme not in ALLOWED_SCHEMES:
        shown = f"scheme {target.scheme!r}" if target.scheme else "a URL without a scheme"
        raise BlockedURL(url, f"{shown} is not fetched: only http and https")
    if not target.host:
        raise FetchError(url, "invalid URL: no host")
    if any(char in target.host for char in "% \t\\") or not 0 < (target.port or 80) < 65536:
        raise FetchError(url, f"invalid URL: bad host or port {target.netloc.decode('ascii', 'replace')!r}")


def check_url_allowed(url: str, *, allow_private_networks: bool, resolver: Resolver = resolve_host) -> None:
    """Raise BlockedURL if the fetcher would refuse ``url``: not http(s), or a non-public host.

    A host that cannot be resolved gives a plain FetchError. With
    ``allow_private_networks`` only the scheme is checked and nothing is resolved.
    """
    target = _parse_url(url)
    _check_scheme(url, target)
    if allow_private_networks:
        return
    try:
        _checked_addresses(
            target.host, target.port or _default_port(target), allow_private_networks=False, resolver=resolver
        )
    except _HostUnresolvable as e:
        raise FetchError(url, e.reason) from e
    except _HostRefused as e:
        raise BlockedURL(url, e.reason) from e


def _default_port(target: httpx.URL) -> int:
    return 443 if target.scheme == "https" else 80


# -- connection layer: resolve, check and connect in one step ---------------------------


#: The monotonic time by which the current thread's fetch must end (set by Fetcher._fetch_once).
_deadline = threading.local()


def _within_deadline(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of this thread's fetch deadline, if one is set."""
    at: float | None = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    remaining = max(at - time.monotonic(), 0.001)
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write also stops at the fetch's overall deadline.

    Without it a server could send its headers one byte at a time, each within the read
    timeout, and hold the fetch for ever: the total timeout covers headers and hops too.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_deadline(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_deadline(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _within_deadline(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses that passed the policy, the very ones just resolved.

    Checking a hostname and then letting the socket layer resolve it again would let a
    DNS answer change in between (DNS rebinding); here the checked address is dialled.
    Lookups run on their own threads so that a hung resolver costs a fetch no more than
    the connect timeout (getaddrinfo itself cannot be interrupted).
    """

    def __init__(self, *, allow_private_networks: bool, resolver: Resolver, lookups: int) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private_networks = allow_private_networks
        self._resolver = resolver
        self._dns = ThreadPoolExecutor(max_workers=max(lookups, 1), thread_name_prefix="newskb-dns")

    def close(self) -> None:
        self._dns.shutdown(wait=False, cancel_futures=True)

    def _resolve(self, host: str, port: int, *, timeout: float | None) -> Sequence[str]:
        future = self._dns.submit(self._resolver, host, port)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout as e:
            if not future.done():
                future.cancel()
                raise socket.gaierror(socket.EAI_AGAIN, f"DNS lookup took longer than {timeout:g} s") from e
            raise  # the resolver's own TimeoutError

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _checked_addresses(
            host,
            port,
            allow_private_networks=self._allow_private_networks,
            resolver=functools.partial(self._resolve, timeout=_within_deadline(timeout)),
        )
        error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_within_deadline(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as e:  # refused or unreachable: try the next address
                log.debug("%s (%s) port %d: %s", host, address, port, e)
                error = e
        assert error is not None
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise _HostRefused("unix sockets are never used")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with a connection pool that dials through _GuardedBackend."""

    def __init__(self, *, backend: _GuardedBackend, limits: httpx.Limits) -> None:
        self._backend = backend
        ssl_context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # HTTPTransport takes no network backend, so its pool is replaced by an equivalent
        # one that has ours; test_connection_goes_to_the_resolved_address guards this.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )

    def close(self) -> None:
        super().close()
        self._backend.close()


# -- decoding under the cap -------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _BoundedDecoder:
    """Decodes gzip/deflate bodies without ever producing more than ``limit`` bytes.

    httpx's decoders inflate a whole network chunk at once: 64 KiB of a gzip bomb
    becomes ~64 MB before the caller sees it. zlib's ``max_length`` stops at the cap.
    """

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in {"gzip", "x-gzip", "deflate"}):
            raise ValueError(f"unsupported Content-Encoding {content_encoding!r}")
        self.coding = codings[0] if codings else None
        self._limit = limit
        self._produced = 0
        self._started = False
        self._zlib = self._decompressor() if self.coding else None

    def _decompressor(self, *, raw_deflate: bool = False) -> Any:
        if raw_deflate:
            return zlib.decompressobj(-zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self.coding != "deflate" else zlib.MAX_WBITS)

    def decode(self, data: bytes) -> bytes:
        out = data if self._zlib is None else self._inflate(data)
        return self._count(out)

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush(self._room()))

    def _room(self) -> int:
        # Never 0: zlib reads max_length=0 as "no limit".
        return self._limit - self._produced + 1

    def _count(self, out: bytes) -> bytes:
        self._produced += len(out)
        if self._produced > self._limit:
            raise _TooLarge
        return out

    def _inflate(self, data: bytes) -> bytes:
        assert self._zlib is not None
        first = not self._started
        self._started = True
        try:
            out: bytes = self._zlib.decompress(data, self._room())
        except zlib.error:
            if not (first and self.coding == "deflate"):
                raise
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            self._zlib = self._decompressor(raw_deflate=True)
            out = self._zlib.decompress(data, self._room())
        # Concatenated gzip members (allowed by RFC 1952) each need a new decompressor.
        while self.coding != "deflate" and self._zlib.eof and self._zlib.unused_data[:2] == b"\x1f\x8b":
            room = self._room() - len(out)
            if room <= 0:
                break
            rest = self._zlib.unused_data
            self._zlib = self._decompressor()
            out += self._zlib.decompress(rest, room)
        return out


# -- the fetcher ------------------------------------------------------------------------


class Fetcher:
    """Fetches URLs under the limits of ``HttpSettings``; one per run, used as a context manager.

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``); then the
    address policy is checked before each request instead of at connection time.
    ``resolver(host, port) -> [ip, ...]`` replaces ``socket.getaddrinfo``. ``sleep`` is
    what waits out a short Retry-After (tests pass a recorder).
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        max_retry_wait: float = MAX_RETRY_WAIT,
        total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._resolver = resolver or resolve_host
        self._max_retry_wait = max_retry_wait
        self._total_timeout = total_timeout
        self._sleep = sleep
        self._guarded = transport is None
        # fetch_many's limits, shared by every call on this Fetcher.
        self._slots = threading.Condition(threading.RLock())
        self._busy: Counter[str] = Counter()
        self._in_flight = 0
        if transport is None:
            backend = _GuardedBackend(
                allow_private_networks=settings.allow_private_networks,
                resolver=self._resolver,
                lookups=settings.concurrency,
            )
            # fetch_many bounds the connections in use; the pool only bounds idle ones.
            limits = httpx.Limits(
                max_connections=None, max_keepalive_connections=max(settings.concurrency, 1)
            )
            transport = _GuardedTransport(backend=backend, limits=limits)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(
                settings.read_timeout,
                connect=settings.connect_timeout,
                write=settings.connect_timeout,
                pool=settings.connect_timeout,
            ),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            # Proxies from the environment would resolve hosts themselves, past the guard.
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- one URL ------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` (conditionally, given validators), following checked redirects.

        Raises FetchError (with ``status`` and, for 429/503, ``retry_after`` seconds),
        BlockedURL, or ResponseTooLarge past ``max_bytes`` (default: settings.max_bytes).
        """
        cap = self.settings.max_bytes if max_bytes is None else max_bytes
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return self._fetch_once(url, headers, cap)
        except FetchError as e:
            if (
                e.status not in RETRY_STATUSES
                or e.retry_after is None
                or e.retry_after > self._max_retry_wait
            ):
                raise
            status, wait_for = e.status, e.retry_after
        log.info("%s: HTTP %s, retrying once in %.3g s as Retry-After asks", url, status, wait_for)
        self._sleep(wait_for)
        return self._fetch_once(url, headers, cap)

    def _fetch_once(self, url: str, headers: dict[str, str], cap: int) -> FetchResult:
        deadline = time.monotonic() + self._total_timeout
        outer = getattr(_deadline, "at", None)
        _deadline.at = deadline
        try:
            return self._fetch_until(url, headers, cap, deadline)
        finally:
            _deadline.at = outer

    def _fetch_until(self, url: str, headers: dict[str, str], cap: int, deadline: float) -> FetchResult:
        target = _parse_url(url)
        _check_scheme(url, target)  # before build_request, which reads a scheme-less URL as a path
        request = self._client.build_request("GET", target, headers=headers)
        seen: set[str] = set()
        permanent = True  # every redirect so far was 301/308
        for hop in range(self.settings.max_redirects + 1):
            where = f"redirect to {request.url}: " if hop else ""
            self._check_hop(url, request.url, where)
            seen.add(str(request.url))
            with self._transport_errors(url, where):
                response = self._client.send(request, stream=True)
            try:
                if response.next_request is None:
                    result = self._finish(url, response, headers, cap, deadline, where)
                    if hop and permanent and result.url != url:
                        result = replace(result, moved_to=result.url)
                    return result
                permanent = permanent and response.status_code in (301, 308)
                request = response.next_request
            finally:
                _drain(response)
                response.close()
            log.debug("%s: redirected to %s", url, request.url)
        loop = " (a redirect loop)" if str(request.url) in seen else ""
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects{loop}")

    def _check_hop(self, url: str, hop: httpx.URL, where: str) -> None:
        """Scheme of every hop; addresses too when a custom transport hides the connections."""
        try:
            _check_scheme(str(hop), hop)
        except FetchError as e:
            raise type(e)(url, where + e.reason) from e
        if self._guarded:
            return  # _GuardedBackend checks each address as it connects
        try:
            _checked_addresses(
                hop.host,
                hop.port or _default_port(hop),
                allow_private_networks=self.settings.allow_private_networks,
                resolver=self._resolver,
            )
        except _HostUnresolvable as e:
            raise FetchError(url, where + e.reason) from e
        except _HostRefused as e:
            raise BlockedURL(url, where + e.reason) from e

    @contextmanager
    def _transport_errors(self, url: str, where: str) -> Iterator[None]:
        """Turn network and policy failures into FetchError naming ``url`` (``where``: the hop)."""
        try:
            yield
        except _HostUnresolvable as e:
            raise FetchError(url, where + e.reason) from e
        except _HostRefused as e:
            raise BlockedURL(url, where + e.reason) from e
        except httpx.HTTPError as e:
            raise FetchError(url, where + self._describe(e)) from e

    def _describe(self, e: httpx.HTTPError) -> str:
        at: float | None = getattr(_deadline, "at", None)
        if isinstance(e, httpx.TimeoutException) and at is not None and time.monotonic() >= at:
            return f"took longer than {self._total_timeout:g} s in all"
        if isinstance(e, httpx.ConnectTimeout):
            return f"connection timed out after {self.settings.connect_timeout:g} s"
        if isinstance(e, httpx.ReadTimeout):
            return f"no data for {self.settings.read_timeout:g} s (read timeout)"
        if isinstance(e, httpx.TimeoutException):
            return f"timed out ({type(e).__name__})"
        detail = _one_line(e)
        if isinstance(e, httpx.ConnectError):
            if _caused_by(e, ssl.SSLError):
                return f"TLS error: {detail}"
            return f"cannot connect: {detail}"
        if isinstance(e, httpx.RemoteProtocolError):
            return f"HTTP protocol error: {detail}"
        if isinstance(e, httpx.NetworkError):
            return f"connection broken: {detail}"
        return f"{type(e).__name__}: {detail}"

    def _finish(
        self, url: str, response: httpx.Response, sent: dict[str, str], cap: int, deadline: float, where: str
    ) -> FetchResult:
        status = response.status_code
        if status == 304 or 200 <= status < 300:
            content = b"" if status == 304 else self._read_capped(url, response, cap, deadline, where)
            headers = {
                name.lower(): value
                for name, value in response.headers.items()
                if name.lower() not in _WIRE_HEADERS
            }
            # A 304 may omit the validators; the ones we sent are still the current ones.
            etag = response.headers.get("etag") or (sent.get("If-None-Match") if status == 304 else None)
            last_modified = response.headers.get("last-modified") or (
                sent.get("If-Modified-Since") if status == 304 else None
            )
            log.debug("%s: HTTP %d, %d bytes", url, status, len(content))
            return FetchResult(
                url=str(response.url),
                status=status,
                content=content,
                headers=MappingProxyType(headers),
                etag=etag,
                last_modified=last_modified,
            )
        reason = where + f"HTTP {status} {_phrase(response)}".rstrip()
        if status in RETRY_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None:
                reason += f" (retry after {retry_after:g} s)"
            raise FetchError(url, reason, status=status, retry_after=retry_after)
        raise FetchError(url, reason, status=status)

    def _read_capped(
        self, url: str, response: httpx.Response, cap: int, deadline: float, where: str
    ) -> bytes:
        """The decoded body, aborting once either the wire bytes or the decoded bytes pass ``cap``."""
        setting = " (http.max_bytes)" if cap == self.settings.max_bytes else ""
        too_large = ResponseTooLarge(url, f"response larger than the cap of {cap:,} bytes{setting}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        try:
            decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), cap)
        except ValueError as e:
            raise FetchError(url, str(e)) from e
        parts: list[bytes] = []
        try:
            with self._transport_errors(url, where):
                for chunk in response.iter_raw():
                    if response.num_bytes_downloaded > cap:
                        raise too_large
                    parts.append(decoder.decode(chunk))
                    if time.monotonic() > deadline:
                        raise FetchError(url, f"took longer than {self._total_timeout:g} s in all")
            parts.append(decoder.flush())
        except _TooLarge:
            raise too_large from None
        except zlib.error as e:
            raise FetchError(url, f"cannot decode the {decoder.coding} body: {e}") from e
        return b"".join(parts)

    # -- many URLs ----------------------------------------------------------------------

    def fetch_many(self, jobs: Iterable[FetchJob]) -> Iterator[tuple[FetchJob, FetchResult | FetchError]]:
        """Fetch concurrently, yielding ``(job, result or FetchError)`` as each completes.

        At most ``settings.concurrency`` fetches run at once and at most
        ``settings.per_host`` on one host (by the job's URL; redirects are not counted
        again). The limits hold across all ``fetch_many`` calls of this Fetcher, so a
        caller may start another (article pages) while consuming this one (feeds).
        Jobs whose host is busy wait without holding a worker; hosts take turns in the
        order they first appear. ``jobs`` is read to the end first. Closing the
        iterator early cancels what has not started.
        """
        pending: dict[str, deque[FetchJob]] = {}
        for job in jobs:
            pending.setdefault(_host_key(job.url), deque()).append(job)
        own: set[Future[FetchResult | FetchError]] = set()
        finished: deque[tuple[FetchJob, Future[FetchResult | FetchError]]] = deque()
        workers = max(self.settings.concurrency, 1)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newskb-fetch") as pool:
            try:
                while pending or own:
                    with self._slots:
                        self._start_allowed(pending, pool, own, finished)
                        while not finished:
                            # Woken when any fetch of this Fetcher ends: one of ours, or
                            # another call's that held the host or the last free slot.
                            self._slots.wait()
                            self._start_allowed(pending, pool, own, finished)
                        ready = list(finished)
                        finished.clear()
                    for job, future in ready:
                        own.discard(future)
                        yield job, future.result()
            finally:
                for future in own:
                    future.cancel()

    def _start_allowed(
        self,
        pending: dict[str, deque[FetchJob]],
        pool: ThreadPoolExecutor,
        own: set[Future[FetchResult | FetchError]],
        finished: deque[tuple[FetchJob, Future[FetchResult | FetchError]]],
    ) -> None:
        """Submit pending jobs (by host, in order) as far as the total and per-host limits allow."""
        limit = max(self.settings.concurrency, 1)
        per_host = max(self.settings.per_host, 1)
        for host in list(pending):
            queue = pending[host]
            while queue and self._in_flight < limit and self._busy[host] < per_host:
                job = queue.popleft()
                self._busy[host] += 1
                self._in_flight += 1
                future = pool.submit(self._fetch_job, job)
                own.add(future)
                future.add_done_callback(functools.partial(self._release, host, job, finished))
            if not queue:
                del pending[host]
            if self._in_flight >= limit:
                return

    def _release(
        self,
        host: str,
        job: FetchJob,
        finished: deque[tuple[FetchJob, Future[FetchResult | FetchError]]],
        future: Future[FetchResult | FetchError],
    ) -> None:
        # Runs in the worker thread as the fetch ends (or at once, in the submitting
        # thread, if it already has: hence the re-entrant lock).
        with self._slots:
            self._busy[host] -= 1
            self._in_flight -= 1
            if not future.cancelled():
                finished.append((job, future))
            self._slots.notify_all()

    def _fetch_job(self, job: FetchJob) -> FetchResult | FetchError:
        try:
            return self.fetch(job.url, etag=job.etag, last_modified=job.last_modified)
        except FetchError as e:
            return e
        except Exception as e:  # a bug here must not cost the other sources their run
            log.exception("%s: unexpected error while fetching", job.url)
            return FetchError(job.url, f"unexpected {type(e).__name__}: {_one_line(e)}")


# -- helpers ----------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date), or None.

    A date in the past gives 0; an absent or unreadable value gives None. ``now`` is
    UTC-aware and defaults to the current time.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


#: An unread body up to this size is read and dropped so that the connection can be reused.
_DRAIN_LIMIT = 65536


def _drain(response: httpx.Response) -> None:
    """Read the small unread body of a 304, redirect or error, keeping the connection alive.

    httpcore drops a connection whose response was closed before its end, so every
    304 of a run would otherwise cost a new TCP (and TLS) handshake. A body of unknown
    or larger size is not worth waiting for: the connection is dropped instead.
    """
    if response.is_stream_consumed:
        return
    declared = response.headers.get("content-length", "")
    if response.status_code not in (204, 304) and not (declared.isdigit() and int(declared) <= _DRAIN_LIMIT):
        return
    try:
        for _chunk in response.iter_raw():
            pass
    except httpx.HTTPError as e:  # the outcome is already known; only the connection is lost
        log.debug("%s: while reading the rest of the response: %s", response.url, e)


def _host_key(url: str) -> str:
    try:
        return httpx.URL(url).host.lower()
    except (httpx.InvalidURL, TypeError, ValueError):
        return ""


def _phrase(response: httpx.Response) -> str:
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return response.reason_phrase


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text or type(e).__name__


def _caused_by(e: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
