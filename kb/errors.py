"""Every error newskb raises on purpose, under one root.

    NewskbError
    ├── ConfigError          bad configuration or usage (CLI exit 2)
    ├── LockHeld             another ingest run holds the lock
    ├── NotFound             a source, company, article... that does not exist
    ├── CurationError        a curation action that cannot apply (merge into itself...)
    ├── FetchError(url)      the source could not be fetched
    │   ├── BlockedURL       scheme or address refused by policy
    │   └── ResponseTooLarge body past the byte cap
    └── ParseError(url)      fetched, but not a usable feed, page or file
        └── NotAFeed         an HTML page where a feed was expected

Each message is one line that names the URL or file; the cause is kept with
``raise ... from e``. Per-source failures are results of a run, not aborts.
"""

from __future__ import annotations


class NewskbError(Exception):
    """Root of newskb's own errors; the CLI turns these into one-line messages."""


class ConfigError(NewskbError):
    """The configuration file, an environment variable or an option is invalid."""


class LockHeld(NewskbError):
    """Another ingest run is in progress."""


class NotFound(NewskbError):
    """The thing asked for does not exist in the knowledge base."""


class CurationError(NewskbError):
    """A curation action that cannot be applied as asked (merging a company into itself...)."""


class FetchError(NewskbError):
    """A source could not be fetched (network, HTTP status, timeout, policy)."""

    def __init__(
        self, url: str, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status  #: HTTP status, when there was a response
        self.retry_after = retry_after  #: seconds the server asked us to wait (429/503)


class BlockedURL(FetchError):
    """The URL's scheme or resolved address is refused by policy."""


class ResponseTooLarge(FetchError):
    """The response body went past the configured byte cap."""


class ParseError(NewskbError):
    """Fetched bytes that are not a usable feed, page or file."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class NotAFeed(ParseError):
    """An HTML page was served where a feed was expected; lists the feeds it links to."""

    def __init__(self, url: str, alternates: list[str]) -> None:
        hint = f"; it links to these feeds: {', '.join(alternates)}" if alternates else ""
        super().__init__(url, f"this is an HTML page, not a feed{hint}")
        self.alternates = alternates
