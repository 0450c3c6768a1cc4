"""When to fetch a source next: pure decisions, with ``now`` passed in.

Like reader's ``Decider``, nothing here reads a clock or touches the database, so
backoff, Retry-After and disabling can be tested with fixed times.

The rules (issue #3):
- after a success (200 or 304) the source is due again one interval later and its
  failure count goes back to 0;
- after the n-th consecutive failure it waits ``interval * 2**(n-1)``, capped at
  ``max_backoff`` (24 h by default): a flaky feed is retried soon, a dead one rarely;
- a server's Retry-After (429/503) is honoured when it asks for longer than the
  backoff, but never past ``max_backoff`` (a year-long Retry-After is not obeyed);
- the ``max_failures``-th consecutive failure (10 by default) disables the source,
  keeping the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from kb.config import IngestSettings


@dataclass(frozen=True, slots=True)
class Decision:
    """What a fetch attempt means for the source's schedule."""

    next_fetch_at: datetime
    error_count: int  #: consecutive failures, 0 after a success
    disabled_reason: str | None = None  #: set when the source must be disabled now


def backoff_delay(error_count: int, *, interval: float, max_backoff: float) -> float:
    """Seconds to wait after ``error_count`` consecutive failures (error_count >= 1)."""
    if error_count <= 0:
        return min(interval, max_backoff) if interval > 0 else max_backoff
    exponent = min(error_count - 1, 62)  # 2**62 s is past any cap; avoid float overflow
    return min(interval * math.pow(2, exponent), max_backoff)


def after_success(*, now: datetime, interval: float) -> Decision:
    """A 200 or a 304: due again one interval from now, failures forgotten."""
    return Decision(next_fetch_at=now + timedelta(seconds=interval), error_count=0)


def after_failure(
    *,
    now: datetime,
    error_count: int,
    error: str,
    interval: float,
    settings: IngestSettings,
    retry_after: float | None = None,
) -> Decision:
    """A failed fetch or parse; ``error_count`` is the count *before* this failure."""
    failures = error_count + 1
    delay = backoff_delay(failures, interval=interval, max_backoff=settings.max_backoff)
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, settings.max_backoff)
    reason = None
    if settings.max_failures and failures >= settings.max_failures:
        reason = f"disabled after {failures} consecutive failures; last: {error}"
    return Decision(next_fetch_at=now + timedelta(seconds=delay), error_count=failures, disabled_reason=reason)


def source_interval(source_interval: float | None, *, settings: IngestSettings) -> float:
    """The source's own interval when it has one, else the configured default."""
    return source_interval if source_interval and source_interval > 0 else settings.interval


def seconds_until_next(next_due: datetime | None, *, now: datetime, every: float) -> float:
    """How long ``ingest --every`` sleeps: until the next due source or the period, whichever is first."""
    if next_due is None:
        return every
    return max(0.0, min(every, (next_due - now).total_seconds()))
