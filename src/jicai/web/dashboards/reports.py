"""The institution's 一院一档 as the documents helper's report writes it, on request."""

from __future__ import annotations

import importlib.util


def available() -> bool:
    """Whether ``jicai report hospital-monthly`` exists in this installation."""
    return importlib.util.find_spec("jicai.reports.hospital_monthly") is not None
