"""Policy profiles: one jurisdiction's rules, thresholds and clauses, as data.

A profile is a TOML file (``profiles/henan.toml`` …) that a bureau can copy
and edit::

    [profile]
    id = "henan"
    name = "河南省"

    [calculation]
    backup_counts_as_winning = false

    [rules."share.nonwinning_high"]
    clause = "HENAN 二(九)"
    threshold = 0.5

Every rule the profile switches on has a table; every setting the rule
declares must be given (no hidden defaults), and anything unknown — a rule id,
a setting, a section — is a :class:`~jicai.errors.ProfileError`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jicai.errors import ProfileError

BUILTIN = ("national", "henan", "ganzhou", "jilin", "guangdong")
CALCULATION_SETTINGS: dict[str, type] = {"backup_counts_as_winning": bool}


@dataclass(frozen=True)
class RuleConfig:
    clause: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    name_en: str
    source: str
    calculation: dict[str, Any]
    rules: dict[str, RuleConfig] = field(default_factory=dict)

    def setting(self, rule_id: str, key: str) -> Any:
        return self.rules[rule_id].settings[key]


def load_profile(name_or_path: str | Path) -> Profile:
    """A built-in profile by name, or a bureau's own TOML file by path."""
    text: str
    source: str
    p = Path(name_or_path)
    if str(name_or_path) in BUILTIN:
        text = resources.files("jicai.policy").joinpath(
            f"profiles/{name_or_path}.toml").read_text(encoding="utf-8")
        source = f"builtin:{name_or_path}"
    elif p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise ProfileError(f"找不到规则配置文件：{p}", f"no such profile file: {p}")
        text, source = p.read_text(encoding="utf-8"), str(p)
    else:
        raise ProfileError(
            f"未知的规则配置「{name_or_path}」；内置配置：{'、'.join(BUILTIN)}，或给出 .toml 文件路径",
            f"unknown profile {str(name_or_path)!r}; built in: {', '.join(BUILTIN)}, "
            "or give the path of a .toml file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"规则配置 {source} 不是有效的 TOML：{exc}",
                           f"profile {source} is not valid TOML: {exc}") from exc
    return parse_profile(data, source)


def _type_ok(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def parse_profile(data: dict[str, Any], source: str) -> Profile:
    from jicai.engine.registry import load_all

    registry = load_all()
    errors_zh: list[str] = []
    errors_en: list[str] = []

    def bad(zh: str, en: str) -> None:
        errors_zh.append(zh)
        errors_en.append(en)

    for section in data:
        if section not in ("profile", "calculation", "rules"):
            bad(f"未知的配置节 [{section}]", f"unknown section [{section}]")
    head = data.get("profile", {})
    pid = str(head.get("id", "")) or Path(source).stem
    calc = dict(data.get("calculation", {}))
    for key, kind in CALCULATION_SETTINGS.items():
        if key not in calc:
            bad(f"[calculation] 缺少设置 {key}", f"[calculation] lacks the setting {key}")
        elif not _type_ok(calc[key], kind):
            bad(f"[calculation] {key} 应为 {kind.__name__}", f"[calculation] {key} must be {kind.__name__}")
    for key in calc:
        if key not in CALCULATION_SETTINGS:
            bad(f"[calculation] 未知设置 {key}", f"[calculation] unknown setting {key}")
    rules: dict[str, RuleConfig] = {}
    for rid, cfg in dict(data.get("rules", {})).items():
        r = registry.get(rid)
        if r is None:
            bad(f"未知的规则 {rid}（规则表见 docs/rules.md）",
                f"unknown rule {rid} (see docs/rules.md for the rule table)")
            continue
        if not isinstance(cfg, dict):
            bad(f"规则 {rid} 应为一个表", f"rule {rid} must be a table")
            continue
        clause = cfg.get("clause")
        if not isinstance(clause, str) or not clause.strip():
            bad(f"规则 {rid} 缺少 clause（政策条款）", f"rule {rid} lacks its clause")
        settings = {k: v for k, v in cfg.items() if k != "clause"}
        for k in settings:
            if k not in r.settings:
                allowed = ", ".join(r.settings) or "—"
                bad(f"规则 {rid} 没有设置 {k}（可用：{allowed}）",
                    f"rule {rid} has no setting {k} (allowed: {allowed})")
        for k, kind in r.settings.items():
            if k not in settings:
                bad(f"规则 {rid} 缺少设置 {k}", f"rule {rid} lacks the setting {k}")
            elif not _type_ok(settings[k], kind):
                bad(f"规则 {rid} 的 {k} 应为 {kind.__name__}，而不是 {settings[k]!r}",
                    f"rule {rid}: {k} must be {kind.__name__}, not {settings[k]!r}")
        rules[rid] = RuleConfig(str(clause), settings)
    if errors_zh:
        raise ProfileError(f"规则配置 {source} 有误：\n  " + "\n  ".join(errors_zh),
                           f"Profile {source} is invalid:\n  " + "\n  ".join(errors_en))
    return Profile(pid, str(head.get("name", pid)), str(head.get("name_en", pid)), source,
                   calc, rules)
