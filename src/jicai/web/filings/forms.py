from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from jicai.web import clock
from jicai.web.reference.models import Batch
from jicai.web.widgets import DateInput


class OpenWindowForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none())
    closes_on = forms.DateField(label=_("Closes on"),
                                widget=DateInput())

    def __init__(self, *args: object, batches: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if batches is not None:
            self.fields["batch"].queryset = batches  # type: ignore[attr-defined]
        self.fields["closes_on"].initial = clock.today() + dt.timedelta(days=14)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class NewClosingForm(forms.Form):
    """Extend an open window or reopen a closed one: a new closing date and the reason."""

    closes_on = forms.DateField(label=_("New closing date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)
