"""A queryset seen through a function, so that pagination fetches only one page.

>>> len(Mapped([1, 2, 3], str))
3
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Mapped:
    def __init__(self, items: Any, fn: Callable[[Any], dict[str, Any]]) -> None:
        self.items, self.fn = items, fn

    def __len__(self) -> int:
        count = getattr(self.items, "count", None)
        return int(count()) if callable(count) and not isinstance(self.items, list) \
            else len(self.items)

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.fn(x) for x in self.items[index]]
