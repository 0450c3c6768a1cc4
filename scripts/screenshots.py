"""Take a screenshot of every explorer page, for the README (not part of the tests).

Starts ``streamlit run app.py`` on a free port over a sample database, then points
headless Chromium (Debian's ``chromium`` package) at each page:

    .venv/bin/python scripts/screenshots.py                   # the offline sample, ingested
    .venv/bin/python scripts/screenshots.py --sample fixture  # the tests' small knowledge base
    .venv/bin/python scripts/screenshots.py --db data/newskb.sqlite --out /tmp/shots

The offline sample is ingested with the real CLI (``sources import`` + ``ingest``), so
the pictures show what ``make run`` shows.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import query  # noqa: E402
from kb.query import Reader  # noqa: E402

BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,1000",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_offline_sample(db: Path) -> None:
    """Ingest the bundled offline sample into ``db`` with the newskb CLI."""
    newskb = [str(BIN / "newskb"), "--db", str(db), "-q"]
    subprocess.run([*newskb, "sources", "import", str(ROOT / "ingest/data/sample_sources.opml")], check=True)
    subprocess.run([*newskb, "ingest"], check=False)  # a failing source is still a sample


def build_fixture_sample(db: Path) -> None:
    from tests.fixtures.kb_fixture import make_sample_kb

    make_sample_kb(db)


def wait_for(url: str, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own 127.0.0.1 server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url}: the app did not start within {timeout:.0f} s")


def pages(db: Path) -> list[tuple[str, str, dict[str, object]]]:
    """(file name, url path, query parameters) of each page, with ids picked from the data."""
    reader = Reader(db)
    conn = reader.db()
    top = query.company_options(conn, limit=1)
    relations = query.find_relations(conn, limit=50, order="article_count")
    article_id = None
    for rel in relations:
        evidence = query.relation_evidence(conn, rel.id, limit=1)
        if evidence:
            article_id = evidence[0].article_id
            break
    word = top[0].name.split()[0] if top else "deal"
    reader.close()
    out: list[tuple[str, str, dict[str, object]]] = [
        ("overview", "", {}),  # the default page lives at the root URL
        ("search", "search", {"q": word}),
        ("company", "company", {"id": top[0].id} if top else {}),
        ("relations", "relations", {}),
        ("network", "network", {}),
        ("article", "article", {"id": article_id} if article_id else {}),
        ("sources", "sources", {}),
        ("curation", "curation", {"relation": relations[0].id} if relations else {}),
        ("export", "export", {}),
    ]
    return out


#: True once Streamlit has drawn the page and stopped running the script.
_READY = """(() => {
  const app = document.querySelector('[data-testid="stAppViewContainer"]');
  if (!app) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  if (status && status.innerText.trim()) return false;
  return !!document.querySelector('[data-testid="stMain"] h1');
})()"""


class Browser:
    """Headless Chromium driven over the DevTools protocol: Streamlit draws the page over a
    websocket after load, so a plain ``--screenshot`` catches only its loading skeleton."""

    def __init__(self, chromium: str, profile: Path) -> None:
        self.process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if "DevTools listening on " in line:
                self.endpoint = line.split("DevTools listening on ", 1)[1].strip()
                break
        else:
            raise SystemExit("chromium exited before opening its DevTools port")
        self._next_id = 0

    def _call(self, ws: Any, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, object] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        ws.send(json.dumps(message))
        while True:
            reply = json.loads(ws.recv(timeout=60))
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise SystemExit(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]

    def shoot(self, url: str, out: Path, *, height: int, settle: float, timeout: float) -> None:
        # websockets comes with Streamlit's server (uvicorn); the script needs nothing else
        from websockets.sync.client import connect

        with connect(self.endpoint, max_size=None) as ws:
            target = self._call(ws, "Target.createTarget", {"url": "about:blank"})
            attached = self._call(ws, "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
            session = attached["sessionId"]
            self._call(
                ws, "Emulation.setDeviceMetricsOverride",
                {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False}, session,
            )
            self._call(ws, "Page.navigate", {"url": url}, session)
            deadline = time.monotonic() + timeout
            ready_since: float | None = None
            while time.monotonic() < deadline:
                result = self._call(ws, "Runtime.evaluate", {"expression": _READY, "returnByValue": True}, session)
                ready = bool(result.get("result", {}).get("value"))
                now = time.monotonic()
                if ready and ready_since is None:
                    ready_since = now
                elif not ready:
                    ready_since = None
                if ready_since is not None and now - ready_since >= settle:  # charts draw after the script ends
                    break
                time.sleep(0.3)
            else:
                print(f"warning: {url} did not settle within {timeout:.0f} s", file=sys.stderr)
            shot = self._call(ws, "Page.captureScreenshot", {"format": "png"}, session)
            out.write_bytes(base64.b64decode(shot["data"]))
            self._call(ws, "Target.closeTarget", {"targetId": target["targetId"]})

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="use this database instead of building a sample")
    parser.add_argument("--sample", choices=("offline", "fixture"), default="offline")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/screenshots")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds the page must stay drawn before the shot")
    parser.add_argument("--only", nargs="*", help="page names to take")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install -y chromium")
    work = Path(tempfile.mkdtemp(prefix="newskb-shots-"))
    db = args.db
    if db is None:
        db = work / "sample.sqlite"
        (build_offline_sample if args.sample == "offline" else build_fixture_sample)(db)
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "NEWSKB_DB": str(db)}
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            # other work in the checkout must not show "File change. Rerun" in the pictures
            "--server.fileWatcherType", "none",
            "--", "--db", str(db),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "streamlit.log", "w"),  # noqa: SIM115 - closed with the process
        cwd=ROOT,
    )
    browser = Browser(chromium, work / "profile")
    try:
        wait_for(f"http://127.0.0.1:{port}/_stcore/health")
        heights = {"company": 2300, "overview": 1500, "relations": 1300, "article": 1300, "sources": 1500, "search": 1300}
        for name, path, params in pages(db):
            if args.only and name not in args.only:
                continue
            url = f"http://127.0.0.1:{port}/{path}" + (f"?{urlencode(params)}" if params else "")
            target = args.out / f"{name}.png"
            browser.shoot(url, target, height=heights.get(name, 1000), settle=args.settle, timeout=60)
            print(f"{target}  <- {url}")
    finally:
        browser.close()
        server.terminate()
        server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
