"""The worker as a process: ``jicai serve`` runs a queued monitor run (loopback only, a free
port, bounded waits), and a worker killed mid-run leaves a run that the next start fails.

The home's SQLite database is read with the standard library, as another process would.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JICAI = Path(sys.executable).parent / "jicai"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "JICAI_HOME", "DATABASE_URL", "JICAI_HTTPS")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _queued_home(home: Path, *extra: str) -> int:
    out = subprocess.run([sys.executable, "-m", "tests.web.jobs_home", str(home), *extra],
                         cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=180,
                         check=True)
    return int(out.stdout.split()[-1]) if out.stdout.strip() else 0


def _job(home: Path, run_id: int) -> tuple[str, str, str, int]:
    with sqlite3.connect(f"file:{home / 'web.sqlite3'}?mode=ro", uri=True, timeout=20) as db:
        row = db.execute("SELECT j.status, r.status, r.message, r.alert_count FROM jobs_job j "
                         "JOIN alerts_monitorrun r ON r.id = j.run_id WHERE r.id = ?",
                         (run_id,)).fetchone()
    return row  # type: ignore[no-any-return]


def _wait(home: Path, run_id: int, statuses: set[str], seconds: float) -> tuple[str, str, str, int]:
    deadline = time.monotonic() + seconds
    while True:
        row = _job(home, run_id)
        if row[0] in statuses or time.monotonic() > deadline:
            return row
        time.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_jicai_serve_runs_the_queued_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_id = _queued_home(home)
    assert _job(home, run_id)[0] == "queued"
    server = subprocess.Popen([str(JICAI), "serve", "--home", str(home), "--host", "127.0.0.1",
                               "--port", str(_free_port())], cwd=ROOT, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        job, run, message, alerts = _wait(home, run_id, {"succeeded", "failed"}, 240)
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    assert (job, run) == ("succeeded", "succeeded"), (message, err)
    assert alerts > 0
    assert "background jobs: the worker runs in this server" in err
    assert server.returncode == 0, err


def test_a_worker_killed_mid_run_leaves_a_failed_run_at_the_next_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_id = _queued_home(home)
    worker = subprocess.Popen([sys.executable, "-m", "jicai.web.jobs", "--home", str(home)],
                              cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        job = _wait(home, run_id, {"running", "succeeded", "failed"}, 180)[0]
        assert job == "running", "the worker took the run"
    finally:
        worker.kill()  # SIGKILL: no chance to tidy up
        worker.communicate(timeout=30)
    assert _job(home, run_id)[:2] == ("running", "running")  # left as the kill found it
    again = subprocess.Popen([sys.executable, "-m", "jicai.web.jobs", "--home", str(home)],
                             cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        job, run, message, alerts = _wait(home, run_id, {"failed", "succeeded"}, 120)
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=60)
    assert (job, run) == ("failed", "failed")
    assert "interrupted by a server restart" in message and alerts == 0


def test_the_run_page_follows_the_run_in_a_real_browser(tmp_path: Path) -> None:
    """Chromium against ``jicai serve``: a run started from the page, its tab closed at
    once, goes on and is shown done later; a second run's page refreshes itself to the
    result without being reloaded by anyone."""
    import shutil

    import pytest

    from tests.web.world import PASSWORD

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian chromium is not installed — CI must run the browser tests")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    home = tmp_path / "home"
    _queued_home(home, "--no-queue")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(JICAI), "serve", "--home", str(home), "--host", "127.0.0.1",
                               "--port", str(port)], cwd=ROOT, env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "serve started"
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
                "--headless", "--no-sandbox", "--disable-gpu"])
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "province")
            page.fill("#id_password", PASSWORD)
            page.click("#signin")
            page.wait_for_url(base + "/")

            def start(as_of: str) -> str:
                page.goto(base + "/monitoring/")
                page.fill("#id_as_of", as_of)
                page.click("#run")
                page.wait_for_url(base + "/monitoring/run/*/")
                return page.url

            first = start("2025-09-30")
            assert page.get_attribute("#job-status", "data-status") in ("queued", "running")
            page.close()  # the browser tab goes away mid-run
            run_id = int(first.rstrip("/").rsplit("/", 1)[-1])
            job, run, message, alerts = _wait(home, run_id, {"succeeded", "failed"}, 240)
            assert (job, run) == ("succeeded", "succeeded"), message
            page = context.new_page()
            page.goto(first)
            assert page.get_attribute("#job-status", "data-status") == "succeeded"
            assert page.locator("dl.facts").inner_text().count(str(alerts)) >= 1

            second = start("2025-08-31")
            assert second != first
            # nobody reloads: the page's own refresh brings the result
            page.wait_for_selector("#job-status[data-status=succeeded]", timeout=240_000)
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
