from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Company, Product
from jicai.web.widgets import DateInput, ProductChoiceField


class ReportForm(forms.Form):
    product = ProductChoiceField(label=_("Product"), queryset=Product.objects.none())
    company = forms.ModelChoiceField(
        label=_("Addressed to a distributor instead of the manufacturer (optional)"),
        queryset=Company.objects.none(), required=False)
    description = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=4000)

    def __init__(self, *args: object, products: QuerySet[Product], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["product"].queryset = products.select_related("company")  # type: ignore[attr-defined]
        self.fields["company"].queryset = Company.objects.exclude(role="manufacturer")  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=4000)
    committed_by = forms.DateField(label=_("Promised fix date"),
                                   widget=DateInput())


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000, required=False)


class VerifyForm(forms.Form):
    start = forms.DateField(label=_("Exempt from"), widget=DateInput())
    end = forms.DateField(label=_("Exempt until"), widget=DateInput())
