"""Form widgets and fields shared by the workflow apps.

``<input type="date">`` takes its value as ``YYYY-MM-DD`` whatever the page's
language, while Django renders a date in the active locale's first input format:
in zh-hans that is ``2026/12/17``, which the browser shows as an empty field
(and, the field being required, the form then silently does nothing). Every date
field of the app uses :class:`DateInput`, which always renders ISO dates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker whose value is ISO in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class ProductChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A product picker that cannot confuse two products.

    The catalogue holds several SKUs with the same generic name, spec and pack (one
    per maker): each option names the maker and the product code, and the list is a
    searchable listbox (``picker.js`` filters it by whatever is typed: a name, a maker
    or a code). Give it a queryset with ``select_related("company")``.
    """

    widget = forms.Select(attrs={"size": 8, "class": "picker", "data-picker": "1",
                                 "data-placeholder": _("Type a name, maker or code")})

    def label_from_instance(self, obj: Model) -> str:
        p: Any = obj
        return f"{p.generic_name} {p.spec} {p.pack} · {p.company.name} · {p.code}"
