from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import Role


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    scope = forms.CharField(label=_("Scope code (region, institution or company)"),
                            max_length=40)

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if User.objects.filter(username=name).exists():
            raise ValidationError(_("This username is taken."))
        return name


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput,
                               min_length=10)


class RescopeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    scope = forms.CharField(label=_("Scope code (region, institution or company)"),
                            max_length=40)
