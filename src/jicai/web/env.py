"""Small validating readers of the environment, used by the settings module."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected 1/0, true/false, yes/no")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def jicai_home() -> Path:
    """The jicai home: ``$JICAI_HOME``, else ``./jicai-data`` (the CLI's default)."""
    return Path(os.environ.get("JICAI_HOME") or "jicai-data").resolve()


def secret_key(home: Path) -> str:
    """``$JICAI_SECRET_KEY``, else a key generated once and kept in the home.

    Kept in a file rather than in the code so that no secret is ever committed
    and sessions survive a restart.
    """
    key = os.environ.get("JICAI_SECRET_KEY")
    if key:
        return key
    path = home / "web-secret-key"
    if path.exists():
        path.chmod(0o600)  # a key from an older version may be readable by everyone
        return path.read_text(encoding="ascii").strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Created 0600 from the start: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def private_file(path: Path) -> Path:
    """``path`` made readable and writable by its owner only (0600), created empty if missing.

    For the SQLite database: SQLite gives its ``-wal`` and ``-shm`` files the
    database file's permissions, so they are private too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    path.chmod(0o600)
    return path
