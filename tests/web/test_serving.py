"""Serving in production (issue 11, item 6): waitress, security headers, a CSP the pages keep.

``jicai serve`` is started for real as a subprocess (waitress on a free port) and
asked for the sign-in page and a static file; the main pages are loaded in Debian's
headless Chromium (zh-hans) under the Content-Security-Policy and no violation may
be reported, while ECharts and Swagger UI (both served locally) still draw.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.records import build_records
from tests.web.world import PASSWORD, World, build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
JICAI = Path(sys.executable).parent / "jicai"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:  # a redirect, not followed
        return exc.code, dict(exc.headers.items()), exc.read()


@contextlib.contextmanager
def _serving(home: Path, **extra: str) -> Iterator[tuple[int, list[str]]]:
    """``jicai serve`` as a process on a free port; stopped with SIGTERM at the end."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "JICAI_HOME", "DATABASE_URL",
                        "JICAI_AUDIT_DB_GUARD", "JICAI_HTTPS")}
    env.update(extra)
    server = subprocess.Popen([str(JICAI), "serve", "--home", str(home), "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    stderr: list[str] = []
    try:
        deadline = time.monotonic() + 120  # migrations on a busy machine
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield port, stderr
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
        stderr.append(err)
        stderr.append(f"exit {server.returncode}")


def test_jicai_serve_runs_waitress(tmp_path: Path) -> None:
    with _serving(tmp_path / "home") as (port, stderr):
        status, headers, body = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        assert headers["Server"] == "jicai"  # waitress's ident (runserver says WSGIServer/…)
        assert "登录" in body.decode()
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS
        status, headers, body = _get(f"http://127.0.0.1:{port}/static/jicai/app.css")
        assert status == 200 and "max-age=3600" in headers["Cache-Control"]  # WhiteNoise
        assert "Access-Control-Allow-Origin" not in headers
        assert b"{" in body
    assert stderr[-1] == "exit 0", stderr
    assert "stopped." in stderr[0]
    assert "Starting development server" not in stderr[0]


def test_behind_a_tls_proxy(tmp_path: Path) -> None:
    """JICAI_HTTPS=1: plain HTTP is redirected; the proxy's X-Forwarded-Proto is believed."""
    with _serving(tmp_path / "home", JICAI_HTTPS="1") as (port, stderr):
        url = f"http://127.0.0.1:{port}/accounts/login/"
        status, headers, _body = _get(url)
        assert status == 301 and headers["Location"] == f"https://127.0.0.1:{port}/accounts/login/"
        status, headers, body = _get(url, {"X-Forwarded-Proto": "https"})
        assert status == 200 and "登录" in body.decode()
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload")
        assert "Secure" in headers["Set-Cookie"] and "csrftoken" in headers["Set-Cookie"]
    assert stderr[-1] == "exit 0", stderr


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        reason = "Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " — CI must run the browser tests")
        pytest.skip(reason)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see test_browser.py
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Collects every CSP violation the page reports, from the first byte on.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""

PAGES = ["/", "/filings/", "/tickets/", "/purchases/", "/agreements/", "/alerts/",
         "/monitoring/", "/audit/", "/dashboards/", "/dashboards/execution/", "/api/docs"]


@pytest.fixture
def world_with_records(transactional_db: None) -> World:
    world = build_world()
    build_records(world)
    return world


def test_the_pages_keep_the_csp(browser: Any, live_server: Any,
                                world_with_records: World) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(20000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((live_server.url, "data:"))
            else outside.append(r.url))
    try:
        page.goto(live_server.url + "/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.fill("#id_username", "province")
        page.fill("#id_password", PASSWORD)
        page.click("#signin")
        page.wait_for_url(live_server.url + "/")
        seen: dict[str, list[str]] = {}
        for path in PAGES:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (path, response)
            policy = dict(d.strip().split(" ", 1) for d in
                          response.headers["content-security-policy"].split(";"))
            assert policy["script-src"].startswith("'self'"), policy  # a nonce only if used
            assert "unsafe" not in policy["script-src"] + policy["style-src-elem"]
            page.wait_for_load_state("networkidle")
            if path == "/dashboards/":
                page.wait_for_selector("[data-chart] svg")  # ECharts drew
                page.locator("[data-chart]").first.hover()  # a tooltip: inline styles
                page.wait_for_timeout(300)
            if path == "/api/docs":
                page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI drew
            seen[path] = page.evaluate("window.__csp")
        assert all(not v for v in seen.values()), seen
        assert not console, console
        # the watcher does see a violation: an injected inline script is refused
        page.evaluate("""() => { const s = document.createElement("script");
                                 s.textContent = "window.__ran = true";
                                 document.body.appendChild(s); }""")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__ran === undefined")
        assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
        assert not outside, outside
    finally:
        context.close()


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JICAI_HTTPS", "JICAI_DEBUG", "JICAI_SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="jicai.web.settings", JICAI_HOME=str(tmp_path), **extra)
    return subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                           "--fail-level", "WARNING"], env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_behind_tls(tmp_path: Path) -> None:
    clean = _check_deploy(tmp_path, JICAI_HTTPS="1")
    assert clean.returncode == 0, clean.stderr + clean.stdout
    assert "no issues (0 silenced)" in clean.stdout
    # Over plain HTTP (the loopback default) exactly the four TLS settings are reported.
    plain = _check_deploy(tmp_path)
    assert plain.returncode != 0
    found = sorted({w for w in ("W004", "W008", "W012", "W016", "W009", "W018", "W020")
                    if f"security.{w}" in plain.stderr + plain.stdout})
    assert found == ["W004", "W008", "W012", "W016"], plain.stderr


def test_a_client_cannot_claim_https(tmp_path: Path) -> None:
    """The same header from an address that is not the trusted proxy is stripped."""
    with _serving(tmp_path / "home", JICAI_HTTPS="1",
                  JICAI_TRUSTED_PROXY="10.255.255.1") as (port, stderr):
        status, headers, _body = _get(f"http://127.0.0.1:{port}/accounts/login/",
                                      {"X-Forwarded-Proto": "https"})
        assert status == 301 and headers["Location"].startswith("https://")
    assert stderr[-1] == "exit 0", stderr
