"""Checks that only make sense in the PostgreSQL pass, where the audit triggers are on.

Not collected by a plain ``pytest`` run (the name does not start with ``test_``);
``test_postgres.py`` names this file on the command line of its subprocess.
"""

from __future__ import annotations

import pytest

from tests.web.records import build_records
from tests.web.world import World


def test_the_database_itself_refuses(world: World, settings) -> None:
    from django.db import DatabaseError, connection, transaction

    assert settings.JICAI_AUDIT_DB_GUARD, "run by test_postgres.py, with the triggers on"
    build_records(world)
    for sql in ("UPDATE audit_auditevent SET note = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
