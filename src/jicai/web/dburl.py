"""Turn a ``DATABASE_URL`` into a Django ``DATABASES`` entry.

Only the two databases the app supports are understood::

    postgres://USER:PASSWORD@HOST:PORT/NAME?sslmode=require   (also postgresql://)
    sqlite:///relative/or/absolute/path.sqlite3                (sqlite:////abs/path)

>>> parse("postgres://postgres@127.0.0.1:5432/test")["NAME"]
'test'
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def parse(url: str) -> dict[str, Any]:
    """The DATABASES entry for ``url``; ImproperlyConfigured for anything else."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///a.db is the relative path a.db; sqlite:////a.db is /a.db.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r}: no SQLite file path")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r}: no database name")
        try:
            port = parts.port
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r}: bad port") from exc
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL {url!r}: only postgres://… and sqlite:///… are supported"
    )
