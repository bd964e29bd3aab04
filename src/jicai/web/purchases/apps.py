from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "jicai.web.purchases"
    label = "purchases"
    verbose_name = _("Off-platform purchases")
