from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Company
from jicai.web.widgets import DateInput


class RecordForm(forms.Form):
    distributor = forms.ModelChoiceField(
        label=_("Distributor"), queryset=Company.objects.exclude(role="manufacturer"),
        required=False)
    signed_at = forms.DateField(label=_("Signed on"),
                                widget=DateInput())
