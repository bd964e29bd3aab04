"""Starting Django from the command line: the home, the profile, then ``django.setup()``."""

from __future__ import annotations

import os
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def configure(home: Path | None = None, profile: str | None = None,
              host: str | None = None) -> None:
    """Point the settings at ``home`` and ``profile`` and set Django up (once per process).

    When Django is already configured (a test session, an embedding program),
    its settings stay as they are.
    """
    import django
    from django.conf import settings

    if not settings.configured:
        if home is not None:
            os.environ["JICAI_HOME"] = str(Path(home).resolve())
        if profile:
            os.environ["JICAI_PROFILE"] = profile
        if host and host not in LOOPBACK and "JICAI_ALLOWED_HOSTS" not in os.environ:
            # Listening on a public address: clients reach it by names we cannot know.
            os.environ["JICAI_ALLOWED_HOSTS"] = "*" if host in ("0.0.0.0", "::") else host
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jicai.web.settings")
    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
