"""Backoff, Retry-After and disabling: pure decisions with a fixed ``now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingest import schedule
from kb.config import IngestSettings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SETTINGS = IngestSettings(interval=1800.0, max_backoff=86400.0, max_failures=10)


def _fail(error_count: int, *, retry_after: float | None = None) -> schedule.Decision:
    return schedule.after_failure(
        now=NOW, error_count=error_count, error="boom", interval=1800.0, settings=SETTINGS, retry_after=retry_after
    )


def test_success_is_due_again_one_interval_later_with_failures_reset():
    decision = schedule.after_success(now=NOW, interval=1800.0)
    assert decision.next_fetch_at == NOW + timedelta(minutes=30)
    assert decision.error_count == 0
    assert decision.disabled_reason is None


@pytest.mark.parametrize(
    ("failures_before", "wait"),
    [(0, timedelta(minutes=30)), (1, timedelta(hours=1)), (2, timedelta(hours=2)), (5, timedelta(hours=16))],
)
def test_backoff_doubles_with_each_consecutive_failure(failures_before, wait):
    decision = _fail(failures_before)
    assert decision.next_fetch_at == NOW + wait
    assert decision.error_count == failures_before + 1


def test_backoff_is_capped_at_max_backoff():
    assert _fail(7).next_fetch_at == NOW + timedelta(hours=24)
    assert schedule.backoff_delay(500, interval=1800.0, max_backoff=86400.0) == 86400.0


def test_retry_after_longer_than_backoff_is_honoured():
    assert _fail(0, retry_after=7200).next_fetch_at == NOW + timedelta(hours=2)


def test_retry_after_shorter_than_backoff_does_not_shorten_it():
    assert _fail(2, retry_after=10).next_fetch_at == NOW + timedelta(hours=2)


def test_retry_after_is_capped_at_max_backoff():
    assert _fail(0, retry_after=365 * 86400).next_fetch_at == NOW + timedelta(hours=24)


def test_ninth_failure_keeps_the_source_enabled():
    assert _fail(8).disabled_reason is None


def test_tenth_consecutive_failure_disables_with_the_reason():
    decision = _fail(9)
    assert decision.error_count == 10
    assert decision.disabled_reason is not None
    assert "10 consecutive failures" in decision.disabled_reason
    assert "boom" in decision.disabled_reason


def test_source_interval_overrides_the_default():
    assert schedule.source_interval(600.0, settings=SETTINGS) == 600.0
    assert schedule.source_interval(None, settings=SETTINGS) == 1800.0


@pytest.mark.parametrize(
    ("next_due", "expected"),
    [(None, 900.0), (NOW + timedelta(minutes=5), 300.0), (NOW + timedelta(hours=3), 900.0), (NOW - timedelta(hours=1), 0.0)],
)
def test_loop_sleeps_until_next_due_source_or_period(next_due, expected):
    assert schedule.seconds_until_next(next_due, now=NOW, every=900.0) == expected
