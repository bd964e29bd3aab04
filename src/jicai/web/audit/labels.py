"""The audit log in an officer's words: action labels and readable field changes.

Events keep their action code (``ticket.escalate``) and the record's fields as the
database has them (``escalated_to_id``): that is what an auditor can rely on. Pages
show instead what happened (上报) and which fields changed from what to what, with
the fields' own verbose names.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "access.denied": _("Refused (403)"),
    "accounts.create_user": _("Account created"),
    "accounts.disable": _("Account disabled"),
    "accounts.enable": _("Account enabled"),
    "accounts.login": _("Signed in"),
    "accounts.login_failed": _("Failed sign-in"),
    "accounts.logout": _("Signed out"),
    "accounts.rescope": _("Role and scope changed"),
    "accounts.reset_password": _("Password reset"),
    "accounts.token_issue": _("API token issued"),
    "accounts.token_revoke": _("API token revoked"),
    "agreement.confirm": _("Agreement confirmed"),
    "agreement.dispute": _("Agreement disputed"),
    "agreement.record": _("Agreement signature recorded"),
    "alert.acknowledge": _("Alert acknowledged"),
    "alert.answer": _("Alert answered"),
    "alert.assign": _("Alert assigned"),
    "alert.escalate": _("Alert escalated"),
    "alert.resolve": _("Alert resolved"),
    "exemption.create": _("Exemption created"),
    "export.download": _("Downloaded"),
    "filing.approve": _("Filing approved"),
    "filing.close_window": _("Filing closed"),
    "filing.extend_window": _("Filing extended"),
    "filing.forward": _("Filing passed to the next level"),
    "filing.letter": _("Commitment letter uploaded"),
    "filing.lines": _("Filing figures changed"),
    "filing.open_window": _("Filing opened"),
    "filing.remind": _("Reminder sent (催报)"),
    "filing.reopen_window": _("Filing reopened"),
    "filing.return": _("Filing returned for correction"),
    "filing.submit": _("Filing submitted"),
    "monitoring.publish": _("Records published to the warehouse"),
    "monitoring.run": _("Monitor run"),
    "purchase.draft": _("Off-platform purchase recorded, not yet filed"),
    "purchase.register": _("Off-platform purchase filed"),
    "purchase.withdraw": _("Off-platform purchase withdrawn"),
    "reference.sync": _("Reference data updated"),
    "ticket.escalate": _("Supply problem escalated"),
    "ticket.reply": _("Supply problem answered"),
    "ticket.report": _("Supply problem reported"),
    "ticket.resolve": _("Supply problem resolved"),
    "ticket.verify": _("Supply problem verified"),
}

# Records that are not a model of the app: a downloaded file, a warehouse snapshot.
# The app's models have no translated verbose names of their own, so they are named here.
RECORDS: dict[str, Promise] = {
    "file": _("Exported file"),
    "warehouse": _("Warehouse snapshot"),
    "url": _("Page address"),
    "accounts.user": _("Account"),
    "accounts.apitoken": _("API token"),
    "accounts.notice": _("Notice"),
    "reference.region": _("Region"),
    "reference.institution": _("Institution"),
    "reference.company": _("Company"),
    "reference.product": _("Product"),
    "reference.batch": _("Batch"),
    "filings.filingwindow": _("Filing window"),
    "filings.demandfiling": _("Demand filing"),
    "filings.demandline": _("Demand line"),
    "tickets.exemption": _("Exemption"),
    "tickets.ticket": _("Supply problem"),
    "purchases.offplatformpurchase": _("Off-platform purchase"),
    "agreements.agreement": _("Agreement"),
    "alerts.monitorrun": _("Monitor run"),
    "alerts.alert": _("Alert"),
    "monitoring.publication": _("Publication"),
    "jobs.job": _("Job"),
}

# Keys of events whose record is not a model: an export's query and rows, the counts
# of the reference data taken from the warehouse.
KEYS: dict[str, Promise] = {
    "query": _("Query"),
    "rows": _("Rows"),
    "regions": _("Regions"),
    "institutions": _("Institutions"),
    "companies": _("Companies"),
    "products": _("Products"),
    "batches": _("Batches"),
    "awards": _("Awards"),
    "historical_volumes": _("Historical volumes"),
    "agreement_duties": _("Agreed volumes"),
    # fields of models that have no verbose name of their own
    "alert_count": _("Alert count"),
    "lines_file": _("Lines file"),
    "message": _("message"),
    "rules": _("Rules"),
    # a refusal (access.denied): what was asked for
    "method": _("Request method"),
    "path": _("Page address"),
}

# How the system acted when no person did (``Actor.via``).
VIA: dict[str, Promise] = {
    "demo": _("demo"),
    "serve": _("server start"),
    "system": _("system"),
    "cli": _("command line"),
    "sweep": _("overdue sweep"),
    "web": _("web page"),
}

# Bookkeeping fields that say nothing to a reader.
_QUIET = {"id", "created", "modified", "password"}


def action_label(code: str) -> str:
    """The action in words; an action without a label shows its code (never nothing)."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def record_label(target_type: str) -> str:
    """The kind of record in words (账号, 监测运行, 文件); an unknown kind keeps its code."""
    label = RECORDS.get(target_type)
    if label is not None:
        return str(label)
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


def actor_label(name: str) -> str:
    """``system (serve)`` as 系统（服务启动）; a person's username as it is."""
    if name.startswith("system (") and name.endswith(")"):
        via = name[len("system ("):-1]
        return str(_("System (%(via)s)") % {"via": VIA.get(via, via)})
    return name


def _field(target_type: str, field: str) -> Any:
    try:
        return apps.get_model(target_type)._meta.get_field(field.removesuffix("_id"))
    except (LookupError, ValueError, FieldDoesNotExist):  # unknown model or field
        return None


def _value(f: Any, v: Any) -> str:
    """A stored value as a reader knows it: a related record by its name, a choice by
    its label, a policy profile by its name."""
    if f is not None and f.name == "profile" and isinstance(v, str) and v:
        from jicai.web.dashboards.templatetags.profile_tags import profile_name

        return profile_name(v)
    if f is not None and v not in (None, ""):
        if f.is_relation and f.related_model is not None:
            obj = f.related_model._default_manager.filter(pk=v).first()
            if obj is not None:
                return str(obj)
        elif getattr(f, "choices", None):
            return str(dict(f.choices).get(v, v))
    return _text(v)


def _text(v: Any) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return str(_("yes") if v else _("no"))
    if isinstance(v, list | dict):
        return ", ".join(f"{k}: {_text(x)}" for k, x in v.items()) if isinstance(v, dict) \
            else ", ".join(_text(x) for x in v)
    return str(v)


def changes(target_type: str, before: Any, after: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field that differs, in the fields' own names."""
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    out = []
    for key in sorted(set(a) | set(b)):
        if key in _QUIET or b.get(key) == a.get(key):
            continue
        f = _field(target_type, key)
        # a field without a verbose name of its own (a plain str Django made of its
        # name) is named here, as keys of records that are not models are
        own = f is not None and isinstance(f.verbose_name, Promise)
        name = str(f.verbose_name) if own else str(KEYS.get(key, f.verbose_name if f else key))
        out.append((name, _value(f, b.get(key)), _value(f, a.get(key))))
    return out
