"""Simplified Chinese by default, English one click away; the catalogue cannot drift.

Source strings are English (Django's convention); ``locale/zh_Hans/.../django.po``
holds the Chinese and is compiled into the committed ``django.mo``. These tests
fail when a string in a template or in the code has no Chinese, when the
``.mo`` is older than the ``.po``, or when placeholders differ.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

import jicai.web

WEB = Path(jicai.web.__file__).parent
PO = WEB / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext"}


def po_entries() -> dict[str, str]:
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "fuzzy entries are not compiled: translate them"
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M)
    return {ast.literal_eval(f'"{k}"'): ast.literal_eval(f'"{v}"') for k, v in pairs if k}


def source_strings() -> set[str]:
    found: set[str] = set()
    for path in WEB.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'{% translate "([^"]+)"', text))
        for block in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text,
                                re.S):
            found.add(re.sub(r"{{ (\w+) }}", r"%(\1)s", block))
    for path in WEB.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in GETTEXT and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def test_every_string_has_its_chinese() -> None:
    entries = po_entries()
    missing = sorted(s for s in source_strings() if not entries.get(s))
    assert not missing, f"add these to {PO.name} (makemessages, then translate): {missing}"


def test_placeholders_match() -> None:
    for msgid, msgstr in po_entries().items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == \
            sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid


def test_the_compiled_catalogue_is_current() -> None:
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    compiled = {k: v for k, v in catalog.items() if k}
    assert compiled == po_entries(), "django.mo is stale: run compilemessages (docs/web.md)"


def test_pages_speak_chinese_by_default_and_english_on_request(world, as_) -> None:
    client = as_("county_a")
    # an English browser still gets Chinese: only the switch changes the language
    page = client.get("/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert '<html lang="zh-hans">' in page and "报量" in page and "集采执行监测" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Demand filing" in page


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "县级医保部门"),
                                                  ("en", "County bureau officer")])
def test_role_labels(language: str, label: str) -> None:
    from jicai.web.accounts.roles import Role

    with translation.override(language):
        assert str(Role.COUNTY_OFFICER.label) == label
