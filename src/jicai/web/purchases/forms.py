from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from jicai.web.purchases.models import OffPlatformPurchase
from jicai.web.reference.models import Product
from jicai.web.widgets import DateInput, ProductChoiceField

if TYPE_CHECKING:  # generic only for the type checker; Django's class is not subscriptable
    _PurchaseModelForm = forms.ModelForm[OffPlatformPurchase]
else:
    _PurchaseModelForm = forms.ModelForm


class PurchaseForm(_PurchaseModelForm):
    product = ProductChoiceField(label=_("Product (if it is in the catalogue)"),
                                 queryset=Product.objects.select_related("company"),
                                 required=False)

    class Meta:
        model = OffPlatformPurchase
        fields = ["product", "product_name", "supplier", "category", "qty", "amount",
                  "purchased_at",
                  "is_negotiated", "is_hk_macau", "reason"]
        widgets = {"purchased_at": DateInput(),
                   "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Either a catalogue product, or a name and a category for an unlisted one.
        self.fields["product_name"].required = False
        self.fields["category"].required = False
        self.fields["supplier"].required = True
