"""Form widgets shared by the workflow apps.

``<input type="date">`` takes its value as ``YYYY-MM-DD`` whatever the page's
language, while Django renders a date in the active locale's first input format:
in zh-hans that is ``2026/12/17``, which the browser shows as an empty field
(and, the field being required, the form then silently does nothing). Every date
field of the app uses :class:`DateInput`, which always renders ISO dates.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker whose value is ISO in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
