from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "jicai.web.filings"
    label = "filings"
    verbose_name = _("Demand filing")
