from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jicai.web.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import signals

        from jicai.web.accounts import security

        signals.user_logged_in.connect(security.on_login, dispatch_uid="jicai-login")
        signals.user_logged_out.connect(security.on_logout, dispatch_uid="jicai-logout")
        signals.user_login_failed.connect(security.on_login_failed,
                                          dispatch_uid="jicai-login-failed")
