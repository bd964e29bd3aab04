"""Refuse SQLite's REPLACE on the audit log: it removes a row without firing DELETE triggers.

``INSERT OR REPLACE`` (and ``REPLACE INTO``, ``UPDATE OR REPLACE``) resolves a
primary-key conflict by deleting the old row, and SQLite fires no DELETE
trigger for that unless ``PRAGMA recursive_triggers`` is on in the writing
connection, which no stray client can be made to set. A BEFORE INSERT trigger
that aborts when the id is already taken runs before the conflict is resolved,
so the old row stays. (A plain INSERT of a taken id fails on the key anyway;
``INSERT … ON CONFLICT DO UPDATE`` fires the UPDATE trigger of 0002.)
PostgreSQL has no REPLACE; its upsert fires the row trigger of 0002.
"""

from django.conf import settings
from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_auditevent_no_replace BEFORE INSERT ON audit_auditevent
       WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_DROP = ["DROP TRIGGER audit_auditevent_no_replace"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        # Off only where tables must be flushed between tests (JICAI_AUDIT_DB_GUARD=0).
        if not settings.JICAI_AUDIT_DB_GUARD or schema_editor.connection.vendor != "sqlite":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_DROP))]
