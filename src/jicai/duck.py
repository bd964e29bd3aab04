"""DuckDB settings shared by the import and the monitor.

A province grows; the server does not. Every DuckDB connection jicai opens gets a
memory budget (``JICAI_MEMORY_LIMIT``, or ``--memory-limit`` on the CLI; default
:data:`DEFAULT_MEMORY_LIMIT`) and a spill folder: hash tables and sorts larger
than the budget go to disk instead of growing the process. Row order inside a
query is not kept (every output jicai writes is sorted explicitly), which lets
DuckDB stream without buffering.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from jicai.errors import JicaiError

DEFAULT_MEMORY_LIMIT = "4GB"
ENV = "JICAI_MEMORY_LIMIT"
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def memory_limit() -> str:
    value = os.environ.get(ENV) or DEFAULT_MEMORY_LIMIT
    check_size(value)
    return value


def check_size(value: str) -> str:
    if not _SIZE.match(value):
        raise JicaiError(f"内存上限「{value}」无法识别：应为数字加单位，如 4GB、512MB",
                         f"memory limit {value!r} not understood: give a number and a unit, "
                         "e.g. 4GB or 512MB")
    return value


def config(spill_dir: Path) -> dict[str, Any]:
    """Connection settings: the memory budget, where to spill, no order kept."""
    return {"memory_limit": memory_limit(), "temp_directory": str(spill_dir),
            "preserve_insertion_order": False}
