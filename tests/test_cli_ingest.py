"""The ingest commands end to end: init, sources, ingest (exit codes, --json, 304, lock, kill), stats."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.config import default_config_text
from tests.fixtures.ingest_fakes import make_rss

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Environment for one CLI database: local servers allowed, no extraction, no full text."""
    monkeypatch.chdir(tmp_path)
    values = {
        "NEWSKB_DB": str(tmp_path / "kb.sqlite"),
        "NEWSKB_ALLOW_PRIVATE_NETWORKS": "true",
        "NEWSKB_INGEST_EXTRACT": "false",
        "NEWSKB_FULLTEXT": "off",
        "NEWSKB_CONFIG": "",
    }
    return values


@pytest.fixture
def newskb(env):
    """Invoke the CLI in-process: newskb("sources", "list") -> click Result."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def _sources(newskb) -> list[dict]:
    return json.loads(newskb("sources", "list", "--json").stdout)


def test_init_writes_the_commented_default_and_refuses_to_overwrite(newskb, tmp_path):
    first = newskb("init")
    assert first.exit_code == 0
    assert (tmp_path / "newskb.toml").read_text(encoding="utf-8") == default_config_text()
    again = newskb("init")
    assert again.exit_code == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert newskb("init", "--force").exit_code == 0


@pytest.mark.issue(3)
def test_init_writes_the_file_named_by_config_even_though_it_does_not_exist_yet(newskb, tmp_path):
    target = tmp_path / "conf" / "newskb.toml"
    result = newskb("--config", str(target), "init")
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == default_config_text()


@pytest.mark.issue(3)
def test_init_writes_the_file_named_by_newskb_config(env, tmp_path):
    target = tmp_path / "from-env.toml"
    result = CliRunner().invoke(cli, ["init"], env={**env, "NEWSKB_CONFIG": str(target)})
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == default_config_text()


@pytest.mark.issue(3)
def test_init_force_replaces_a_broken_configuration(newskb, tmp_path):
    (tmp_path / "newskb.toml").write_text("[http\n", encoding="utf-8")
    refused = newskb("init")
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    assert newskb("init", "--force").exit_code == 0
    assert (tmp_path / "newskb.toml").read_text(encoding="utf-8") == default_config_text()


def test_sources_add_detects_kinds_and_refuses_other_schemes(newskb, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "local.rss").write_bytes(make_rss(1))
    assert newskb("sources", "add", "https://example.com/feed", str(tmp_path / "notes"), str(tmp_path / "local.rss")).exit_code == 0
    assert newskb("sources", "add", "--page", "https://example.com/story").exit_code == 0
    kinds = {s["url"]: s["kind"] for s in _sources(newskb)}
    assert sorted(kinds.values()) == ["feed", "feed", "folder", "page"]


@pytest.mark.issue(3)
@pytest.mark.parametrize("target", ["ftp://example.com/feed.xml", "gopher://example.com/feed", "file:///etc/hosts"])
def test_sources_add_refuses_other_schemes_as_a_usage_error_in_one_line(newskb, target):
    refused = newskb("sources", "add", "https://example.com/ok", target)
    assert refused.exit_code == 2
    scheme = target.split(":")[0]
    assert refused.stderr.splitlines() == [
        f"Error: {target}: scheme {scheme!r} is not supported: use http, https or a local path"
    ]
    assert _sources(newskb) == []  # the good URL before it was not added either


def test_sources_disable_enable_and_remove(newskb):
    newskb("sources", "add", "https://example.com/feed")
    assert newskb("sources", "disable", "1", "--reason", "too noisy").exit_code == 0
    assert _sources(newskb)[0]["disabled_reason"] == "too noisy"
    assert newskb("sources", "enable", "https://example.com/feed").exit_code == 0
    assert _sources(newskb)[0]["disabled_reason"] is None
    assert newskb("sources", "remove", "1").exit_code == 0
    assert _sources(newskb) == []
    missing = newskb("sources", "remove", "1")
    assert missing.exit_code == 1 and "no source with id 1" in missing.stderr


@pytest.mark.parametrize("command", ["disable", "enable", "remove"])
def test_sources_disable_enable_and_remove_print_the_sources_with_json(newskb, command):
    newskb("sources", "add", "https://a.example/feed", "https://b.example/feed")
    result = newskb("sources", command, "--json", "2", "https://a.example/feed")
    assert result.exit_code == 0
    changed = json.loads(result.stdout)
    assert [s["url"] for s in changed] == ["https://b.example/feed", "https://a.example/feed"]
    assert all((s["disabled_reason"] is not None) == (command == "disable") for s in changed)


def test_opml_import_export_round_trip(newskb, tmp_path):
    newskb("sources", "add", "--title", "Alpha", "https://a.example/feed")
    newskb("sources", "add", "--title", "Beta & Co", "https://b.example/rss")
    exported = newskb("sources", "export")
    assert exported.exit_code == 0
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported.stdout, encoding="utf-8")
    for s in _sources(newskb):
        newskb("sources", "remove", str(s["id"]))
    imported = newskb("sources", "import", "--json", str(opml))
    assert json.loads(imported.stdout)["added"] == 2
    assert {(s["url"], s["title"]) for s in _sources(newskb)} == {
        ("https://a.example/feed", "Alpha"),
        ("https://b.example/rss", "Beta & Co"),
    }
    again = newskb("sources", "import", "--json", str(opml))
    assert json.loads(again.stdout)["already_present"] == 2


@pytest.mark.issue(3)
def test_local_feed_file_is_exported_as_a_file_uri_and_imported_back_as_its_path(newskb, tmp_path):
    local = tmp_path / "my feeds" / "local.rss"
    local.parent.mkdir()
    local.write_bytes(make_rss(1))
    newskb("sources", "add", str(local))
    exported = newskb("sources", "export").stdout
    assert f'xmlUrl="{local.resolve().as_uri()}"' in exported
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported, encoding="utf-8")
    newskb("sources", "remove", "1")
    assert json.loads(newskb("sources", "import", "--json", str(opml)).stdout)["added"] == 1
    assert [(s["url"], s["kind"]) for s in _sources(newskb)] == [(str(local.resolve()), "feed")]


def test_ingest_exits_0_when_every_source_is_fetched(newskb, feed_server):
    newskb("sources", "add", feed_server.add("/feed.xml", make_rss(3)))
    result = newskb("ingest")
    assert result.exit_code == 0
    assert "3 new" in result.stdout


def test_ingest_exits_1_when_some_sources_fail(newskb, feed_server):
    newskb("sources", "add", feed_server.add("/ok.xml", make_rss(2)))
    newskb("sources", "add", feed_server.url("/missing.xml"))
    result = newskb("ingest")
    assert result.exit_code == 1
    assert "404" in result.stderr
    failing = [s for s in _sources(newskb) if s["error_count"]]
    assert [(s["last_http_status"], s["last_status"]) for s in failing] == [(404, "error")]


@pytest.mark.parametrize("args", [("ingest", "--every", "soon"), ("ingest", "--bogus"), ("ingest", "--source", "ftp:")])
def test_ingest_exits_2_on_usage_errors(newskb, args):
    result = newskb(*args)
    assert result.exit_code == 2


def test_bad_configuration_file_exits_2(newskb, env, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[http]\nmax_bytes = 'lots'\n", encoding="utf-8")
    result = newskb("--config", str(bad), "ingest")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {bad}: http.max_bytes must be a number, not 'lots'"]


@pytest.mark.issue(3)
def test_missing_configuration_file_exits_2_in_one_line(newskb, tmp_path):
    result = newskb("--config", str(tmp_path / "absent.toml"), "stats")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {tmp_path / 'absent.toml'}: cannot read configuration: No such file or directory"]


@pytest.mark.issue(3)
def test_ingest_logs_one_plain_line_per_source_when_stderr_is_not_a_terminal(newskb, feed_server):
    url = feed_server.add("/feed.xml", make_rss(2))
    newskb("sources", "add", url)
    result = newskb("ingest")
    assert f"INFO ingest.run: ok {url}: 2 new, 0 updated, 0 unchanged, 0 duplicate" in result.stderr
    assert "\x1b[" not in result.stderr  # no terminal control sequences under cron


@pytest.mark.issue(3)
def test_ingest_draws_a_progress_bar_instead_of_log_lines_on_a_terminal(newskb, feed_server, env):
    import pty

    url = feed_server.add("/feed.xml", make_rss(2))
    newskb("sources", "add", url)
    newskb("sources", "add", feed_server.url("/gone.xml"))
    controller, terminal = pty.openpty()
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "COLUMNS": "120", "TERM": "xterm"}
    run = subprocess.Popen(
        [sys.executable, "-m", "kb", "ingest"], env=full_env, stdout=subprocess.PIPE, stderr=terminal, text=True
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(controller)
    stdout, _ = run.communicate(timeout=60)
    assert run.returncode == 1
    screen = drawn.decode("utf-8", "replace")
    assert "ingest" in screen and "2/2" in screen  # the bar, with its count
    assert "gone.xml: HTTP 404" in screen  # failures still shown above it
    assert "INFO ingest.run: ok" not in screen  # no per-source log lines
    assert stdout.startswith("run 1 partial:")


def test_ingest_json_summary_parses(newskb, feed_server):
    newskb("sources", "add", feed_server.add("/feed.xml", make_rss(4)))
    result = newskb("ingest", "--json")
    summary = json.loads(result.stdout)
    assert (summary["status"], summary["articles_new"], summary["sources_ok"]) == ("ok", 4, 1)


def test_unchanged_feed_is_asked_conditionally_and_answers_304(newskb, feed_server, env):
    url = feed_server.add("/feed.xml", make_rss(3), etag='"abc"')
    newskb("sources", "add", url)
    newskb("ingest")
    db = sqlite3.connect(env["NEWSKB_DB"])
    before = db.execute("SELECT * FROM articles ORDER BY id").fetchall()
    newskb("ingest", "--source", url)
    assert feed_server.requests[-1].headers.get("if-none-match") == '"abc"'
    assert db.execute("SELECT * FROM articles ORDER BY id").fetchall() == before
    assert _sources(newskb)[0]["last_status"] == "not_modified"


def test_stats_counts_sources_articles_and_runs(newskb, feed_server):
    newskb("sources", "add", feed_server.add("/feed.xml", make_rss(2)))
    newskb("sources", "add", feed_server.url("/gone.xml"))
    newskb("ingest")
    data = json.loads(newskb("stats", "--json").stdout)
    assert data["sources"] == {"total": 2, "enabled": 2, "disabled": 0, "failing": 1}
    assert data["articles"]["total"] == 2
    assert data["runs"]["total"] == 1 and data["runs"]["partial"] == 1
    assert "sources:" in newskb("stats").stdout


# --- subprocesses: the lock, SIGTERM and SIGKILL -------------------------------------


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen:
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "kb", *args], env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _slow_sources(newskb, feed_server, count: int, *, delay: float) -> None:
    for i in range(count):
        url = feed_server.add(f"/slow-{i}.xml", make_rss(3, prefix=f"https://slow.example/{i}"), delay=delay)
        newskb("sources", "add", url)


def _wait_for(predicate, *, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the subprocess")
        time.sleep(0.05)


def _article_count(path: str) -> int:
    with sqlite3.connect(path, timeout=30) as db:
        return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def test_second_concurrent_run_exits_at_once_with_the_lock_message(newskb, feed_server, env):
    _slow_sources(newskb, feed_server, 4, delay=1.0)
    first = _spawn(env, "ingest")
    try:
        _wait_for(lambda: feed_server.requests)  # the first run holds the lock and is fetching
        second = newskb("ingest")
        assert second.exit_code == 1
        assert "another ingest run is in progress" in second.stderr
    finally:
        assert first.wait(timeout=60) == 0


def test_killed_run_leaves_a_consistent_database_and_the_next_run_completes(newskb, feed_server, env):
    _slow_sources(newskb, feed_server, 12, delay=0.3)
    victim = _spawn(env, "ingest")
    _wait_for(lambda: _article_count(env["NEWSKB_DB"]) > 0)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    stored = _article_count(env["NEWSKB_DB"])
    assert 0 < stored < 36, "the kill should land mid-run"
    rerun = newskb("ingest", "--json")
    assert rerun.exit_code == 0
    summary = json.loads(rerun.stdout)
    assert summary["sources_due"] == 12 - stored // 3
    with sqlite3.connect(env["NEWSKB_DB"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT url) FROM articles").fetchone() == (36, 36)
        statuses = [row[0] for row in db.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "ok"]


def test_sigterm_stops_between_sources_and_marks_the_run_interrupted(newskb, feed_server, env):
    _slow_sources(newskb, feed_server, 12, delay=0.3)
    run = _spawn(env, "ingest")
    _wait_for(lambda: _article_count(env["NEWSKB_DB"]) > 0)
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=30) == 1
    with sqlite3.connect(env["NEWSKB_DB"]) as db:
        assert db.execute("SELECT status, finished_at IS NOT NULL FROM runs").fetchall() == [("interrupted", 1)]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_every_loop_ends_cleanly_on_sigterm_with_exit_0(newskb, feed_server, env):
    newskb("sources", "add", feed_server.add("/feed.xml", make_rss(2)))
    loop = _spawn(env, "ingest", "--every", "--json")
    _wait_for(lambda: _article_count(env["NEWSKB_DB"]) == 2)
    _wait_for(lambda: feed_server.hits("/feed.xml") == 1 and _run_statuses(env) == ["ok"])
    loop.send_signal(signal.SIGTERM)
    out, _ = loop.communicate(timeout=30)
    assert loop.returncode == 0
    assert json.loads(out.splitlines()[0])["articles_new"] == 2


def _run_statuses(env) -> list[str]:
    with sqlite3.connect(env["NEWSKB_DB"], timeout=30) as db:
        return [row[0] for row in db.execute("SELECT status FROM runs ORDER BY id")]
