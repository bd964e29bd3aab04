"""Settings read from the environment by small validating helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jicai.web import dburl
from jicai.web.env import env_bool, env_list, jicai_home, secret_key


def test_postgres_urls() -> None:
    db = dburl.parse("postgres://jicai:p%40ss@db.example:5433/jicai?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "jicai", "jicai", "p@ss", "db.example", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert dburl.parse("postgresql://postgres@127.0.0.1/test")["PORT"] == ""


def test_sqlite_urls() -> None:
    assert dburl.parse("sqlite:///web.sqlite3")["NAME"] == "web.sqlite3"
    assert dburl.parse("sqlite:////var/lib/jicai/web.sqlite3")["NAME"] == \
        "/var/lib/jicai/web.sqlite3"


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgres://host", "sqlite://",
                                 "postgres://h:port/db"])
def test_anything_else_is_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        dburl.parse(url)


def test_env_helpers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
    assert env_bool("X_UNSET", True) is True
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.delenv("JICAI_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert jicai_home() == tmp_path / "jicai-data"
    monkeypatch.delenv("JICAI_SECRET_KEY", raising=False)
    key = secret_key(tmp_path / "home")
    assert key == secret_key(tmp_path / "home") and len(key) > 40
    assert oct((tmp_path / "home" / "web-secret-key").stat().st_mode)[-3:] == "600"


def test_the_default_database_lives_in_the_home(settings) -> None:
    from django.conf import settings as live

    assert live.LANGUAGE_CODE == "zh-hans" and live.TIME_ZONE == "Asia/Shanghai"
    assert str(live.HOME) in str(live.MEDIA_ROOT)
