"""Where the PostgreSQL tests find their server; they skip without one, except in CI."""

from __future__ import annotations

import os

import pytest

URL = os.environ.get("JICAI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def require_postgres() -> str:
    """The server's URL; skip (or, when ``CI=true``, fail) if it does not answer."""
    import psycopg

    try:
        with psycopg.connect(URL.replace("postgres://", "postgresql://"), connect_timeout=3):
            return URL
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {URL} ({exc.__class__.__name__})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " — CI must run the PostgreSQL tests")
        pytest.skip(reason + "; start it or set JICAI_TEST_POSTGRES_URL")
