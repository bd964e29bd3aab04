"""``jicai createuser``, the demo users, and ``jicai serve`` in a real process."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from jicai.web.accounts.models import User
from jicai.web.audit.models import AuditEvent
from jicai.web.commands import createuser
from jicai.web.demo_seed import DEMO_PASSWORD, seed_demo_users
from tests.web.world import PASSWORD, World


def test_createuser(world: World) -> None:
    runner = CliRunner()
    result = runner.invoke(createuser, ["wang", "--role", "county_officer", "--scope", "220103",
                                        "--password", "Long-enough-9"])
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="wang")
    assert (user.role, user.region_id) == ("county_officer", "220103")
    assert AuditEvent.objects.get(action="accounts.create_user").actor_name == \
        "system (createuser)"
    for args, message in (
        (["wang", "--role", "county_officer", "--scope", "220103"], "exists"),
        (["li", "--role", "county_officer", "--scope", "220100"], "level"),
        (["li", "--role", "institution", "--scope", "NOPE"], "NOPE"),
        (["li", "--role", "company", "--scope", "220100"], "220100"),
    ):
        result = runner.invoke(createuser, [*args, "--password", "Long-enough-9"])
        assert result.exit_code != 0 and message in result.output, result.output
    result = runner.invoke(createuser, ["zhao", "--role", "admin", "--scope", "220000",
                                        "--password", "12345678"])
    assert result.exit_code != 0  # numeric passwords are refused


def test_the_admin_creates_users_in_its_region_only(world: World, as_) -> None:
    admin = as_("admin")
    admin.post("/accounts/users/", {"username": "new1", "password": "Long-enough-9",
                                    "role": "institution", "scope": "H_B"})
    assert User.objects.filter(username="new1", institution_id="H_B").exists()
    city_admin = User.objects.create(username="cityadmin", role="admin", region_id="220200")
    from django.test import Client

    client = Client()
    client.force_login(city_admin)
    client.post("/accounts/users/", {"username": "new2", "password": "Long-enough-9",
                                     "role": "institution", "scope": "H_B"})
    assert not User.objects.filter(username="new2").exists()


def test_demo_users_one_per_role(world: World) -> None:
    users = seed_demo_users()
    names = {u.username for u in users}
    assert {"admin", "province", "city", "county", "health", "hospital", "company"} <= names
    # existing accounts are left alone: the persona "hospital" keeps its password
    assert User.objects.get(username="hospital").check_password(PASSWORD)
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD) is False
    assert User.objects.get(username="county").region_id == "220102"
    assert seed_demo_users() == users  # idempotent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_migrates_and_serves(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "JICAI_HOME", "DATABASE_URL",
                        "JICAI_AUDIT_DB_GUARD")}
    code = ("import sys; from jicai.web.commands import serve; "
            "sys.exit(serve.main(standalone_mode=True))")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--home", str(tmp_path), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/",
                                            timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        assert "csrfmiddlewaretoken" in body, proc.stdout.read() if proc.poll() is not None else ""
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/jicai/app.css", timeout=2)
        assert css.status == 200
        assert (tmp_path / "web.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_serve_demo_end_to_end(tmp_path: Path) -> None:
    """``jicai serve --demo`` on an empty home: demo data, demo users, sign-in works."""
    pytest.importorskip("jicai.demo.generate")
    server = Server()
    with _serving("--home", str(tmp_path), "--demo", server=server) as base:
        homes = {name: _sign_in(base, name, DEMO_PASSWORD) for name in DEMO_USERS}
    output = server.output
    assert "hospital" in output and DEMO_PASSWORD in output
    for name, page in homes.items():
        assert "待办事项" in page and f"{name} ·" in page, name
        # the demo's data end at its as-of day, and the clock stands there (decision 0011)
        assert "演示数据：系统时间为 2025-11-30" in page, name
    # the hospital has an off-platform purchase to file, 6 working days left
    assert "备案线下采购" in homes["hospital"] and "剩 6 个工作日" in homes["hospital"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "JICAI_HOME", "DATABASE_URL",
                         "JICAI_AUDIT_DB_GUARD", "JICAI_PROFILE")}


class Server:
    """What a server started by :func:`_serving` printed (once it has stopped)."""

    output = ""


@contextlib.contextmanager
def _serving(*args: str, server: Server | None = None) -> Iterator[str]:
    """``jicai serve ARGS`` in a process of its own until the block ends; yields its URL
    (and leaves what it printed in ``server.output``)."""
    port = _free_port()
    code = "import sys; from jicai.web.commands import serve; sys.exit(serve.main())"
    proc = subprocess.Popen([sys.executable, "-c", code, *args, "--port", str(port)],
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()  # type: ignore[union-attr]
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        printed = proc.communicate(timeout=10)[0]
        if server is not None:
            server.output = printed


@pytest.mark.slow
def test_serve_demo_shows_a_saved_demo_folder_with_its_runs(tmp_path: Path) -> None:
    """`jicai demo` wrote W/home and W/out/national/; `jicai serve --home W --demo` (and
    later `--home W/home --demo`) serves that warehouse with that run, as `jicai demo
    --serve` did: the run, its figures, the demo's clock — nothing generated again."""
    work = tmp_path / "jicai-demo"
    made = subprocess.run([sys.executable, "-m", "jicai.cli", "demo", "--lines", "tiny",
                           "--profile", "national", "--dir", str(work)],
                          env=_env(), capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    snapshot = (work / "home" / "CURRENT").read_text(encoding="utf-8")
    alerts = json.loads((work / "out" / "national" / "run.json").read_text("utf-8"))["alerts"]
    pages = []
    for home in (work, work / "home"):
        with _serving("--home", str(home), "--demo") as base:
            opener, page = _signed_in(base, "province", DEMO_PASSWORD)
            runs = opener.open(base + "/monitoring/", timeout=10).read().decode()
            execution = opener.open(base + "/dashboards/execution/", timeout=30).read().decode()
        assert "演示数据：系统时间为 2025-11-30" in page
        # one run, the demo's, with its alerts: taken in once, kept the second time
        assert runs.count("<td>2025-11-30</td>") == 1 and f'<td class="num">{alerts}</td>' in runs
        assert "数据来自监测日期为 2025-11-30 的监测运行" in execution and "中州省" in execution
        pages.append(execution.split("<main>")[1])  # the same figures (not the same tokens)
    assert pages[0] == pages[1]
    assert (work / "home" / "CURRENT").read_text(encoding="utf-8") == snapshot
    assert not (work / "CURRENT").exists() and (work / "home" / "web.sqlite3").exists()


DEMO_USERS = ("admin", "province", "city", "county", "county_b", "health", "hospital",
              "company", "distributor")


def _sign_in(base: str, username: str, password: str) -> str:
    """Sign in through the real form (CSRF cookie and token) and return the home page."""
    return _signed_in(base, username, password)[1]


def _signed_in(base: str, username: str,
               password: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Sign in through the real form; the signed-in opener and the home page."""
    import http.cookiejar
    import re
    import urllib.parse

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(base + "/accounts/login/", timeout=5).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data,
                                     headers={"Referer": base + "/accounts/login/"})
    with opener.open(request, timeout=10) as response:
        assert response.url == base + "/", (username, response.url)
        return opener, str(response.read().decode())
