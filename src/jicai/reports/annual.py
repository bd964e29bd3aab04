"""年度报告: 加强集采监管工作落实情况报告 (GANZHOU 三(二) and its 附件2 template).

The template's four parts, in its order and with its headings:

一、总体进展 — the year's figures of the region (year to date at the report's day);
二、具体工作落实情况 — "对照文件要求，逐条回应落实情况": one numbered paragraph per
   clause of the profile's rules, saying what was monitored (the rule, its setting)
   and what was found (alerts, institutions concerned, the clause's figure);
三、存在的问题 — drawn from the indicators that miss the profile's requirement and the
   rules with the most alerts;
四、下一步打算 — one heading per problem, left for the officer to fill in;
then 单位落款（盖章） and the date.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from jicai.policy.notices import clause_zh
from jicai.reports import charts, labels, numbers
from jicai.reports.document import Doc, Heading, Image, Para, Signature, Table
from jicai.reports.periods import Period
from jicai.reports.requirements import requirements
from jicai.reports.run_data import RunData
from jicai.reports.selection import Row, scope_for

#: The figures that show what a rule watches (for 二、 and 三、).
RULE_FIGURES: dict[str, tuple[str, ...]] = {
    "progress.behind_schedule": ("completion", "schedule", "status_behind_share"),
    "progress.incomplete_at_end": ("completion",),
    "entry.not_entered": ("entry_rate",),
    "share.nonwinning_high": ("nonwinning_share", "nonwinning_over"),
    "purchase.nonwinning_only": ("nonwinning_amount",),
    "online.rate_low": ("online_rate_drug", "online_rate_hv"),
    "order.unresponded_48h": ("response_48h_rate",),
    "order.escalation_24h": ("response_48h_rate",),
    "delivery.overdue": ("timely_delivery_rate",),
    "supplier.delivery_rate_low": ("delivery_rate",),
    "payment.overdue": ("payment_on_time_rate", "overdue_amount"),
    "filing.amount_over_limit": ("filing_amount_share_drug", "filing_amount_share_consumable"),
    "filing.items_over_limit": ("filing_item_share",),
    "substitute.abnormal_growth": ("substitutes_bought",),
}
SETTING_ZH = {"threshold": "阈值", "tolerance": "容差", "hours": "时限（小时）",
              "list_hours": "清单时限（小时）", "working_days": "时限（工作日）",
              "days": "时限（日）", "ratio": "与历史采购量之比", "months_after_start": "执行满（月）",
              "drug": "药品", "hv_consumable": "高值耗材", "consumable": "耗材",
              "drug_items": "药品品种", "growth": "增长率", "window_days": "统计期（日）",
              "min_units": "最低采购量", "min_lines": "最少订单数",
              "min_institutions": "最少机构数", "min_days": "最少天数",
              "recent_days": "近期天数", "min_amount": "最低金额（元）",
              "delivery_hours": "配送时限（小时）", "deviation": "偏差比例",
              "yellow_rises": "黄标连续涨价次数", "red_rises": "红标连续涨价次数",
              "yellow_growth": "黄标增长率", "red_growth": "红标增长率"}
SHARE_SETTINGS = {"threshold", "tolerance", "ratio", "drug", "hv_consumable", "consumable",
                  "drug_items", "growth", "yellow_growth", "red_growth", "deviation"}


def _setting_text(key: str, value: Any) -> str:
    label = SETTING_ZH.get(key, key)
    if key in SHARE_SETTINGS and isinstance(value, int | float):
        return f"{label} {numbers.pct(float(value))}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{label} {value}"


def build(run: RunData, period: Period, work: Path, region: str | None = None) -> Doc:
    scope = scope_for(run, region, period.code)
    names = run.names
    own = scope.own()
    insts = scope.institutions()
    reqs = requirements(run.profile)
    year = period.code[:4]
    t = labels.text

    doc = Doc(title=f"{scope.name}{year}年加强集采监管工作落实情况报告",
              footer=f"{scope.name}{year}年加强集采监管工作落实情况报告")

    # 一、总体进展
    doc.add(Heading("一、总体进展"))
    doc.add(Para(
        f"{year}年（截至{numbers.cn_date(period.end)}），{scope.name}纳入集中带量采购监测的医疗机构 "
        f"{len(insts):,} 家，采购金额 {t('amount', own.get('amount'))} 元。按项目、批次、品种逐月"
        f"监测，约定采购量完成率 {t('completion', own.get('completion'))}，序时进度 "
        f"{t('schedule', own.get('schedule'))}，进度差 {numbers.points(own.get('gap'))}；"
        f"中选产品采购数量占比 {t('winning_unit_share', own.get('winning_unit_share'))}、金额占比 "
        f"{t('winning_amount_share', own.get('winning_amount_share'))}，非中选产品采购量占比 "
        f"{t('nonwinning_share', own.get('nonwinning_share'))}；进院率 "
        f"{t('entry_rate', own.get('entry_rate'))}。"))
    doc.add(Para(
        f"药品网采率 {t('online_rate_drug', own.get('online_rate_drug'))}，高值耗材网采率 "
        f"{t('online_rate_hv', own.get('online_rate_hv'))}；订单48小时响应率 "
        f"{t('response_48h_rate', own.get('response_48h_rate'))}，配送率 "
        f"{t('delivery_rate', own.get('delivery_rate'))}；按时回款率 "
        f"{t('payment_on_time_rate', own.get('payment_on_time_rate'))}，逾期未付金额 "
        f"{t('overdue_amount', own.get('overdue_amount'))} 元。全年监测共发现预警 "
        f"{t('alerts', own.get('alerts'))} 条，其中严重 {t('alerts_critical', own.get('alerts_critical'))} 条。"))
    kids = scope.children()
    if kids:
        cols = ["completion", "schedule", "winning_unit_share", "nonwinning_share",
                "online_rate_drug", "online_rate_hv", "payment_on_time_rate"]
        doc.add(Table(["地区", *[labels.zh(c) for c in cols]],
                      [[k.get("name") or k["code"], *[t(c, k.get(c)) for c in cols]]
                       for k in kids], numeric=tuple(range(1, len(cols) + 1)),
                      widths=(2.4, *([1.3] * len(cols))), caption=f"表1 {year}年各地区执行情况"))
    months = scope.months(upto=period.months()[-1])
    if months:
        img = charts.line_chart(
            work / "annual-trend.png",
            [numbers.period_label(m["period"]).split("年")[1] for m in months],
            {labels.zh(c): [m.get(c) for m in months]
             for c in ("completion", "schedule", "winning_unit_share", "online_rate_drug")},
            f"{scope.name}{year}年各月执行情况")
        doc.add(Image(img, f"图1 {scope.name}{year}年各月主要指标"))

    # 二、具体工作落实情况
    doc.add(Heading("二、具体工作落实情况"))
    doc.add(Para("对照文件要求，逐条回应落实情况如下。"))
    for i, (clause, rules) in enumerate(_by_clause(run).items(), start=1):
        doc.add(Para(_clause_text(run, scope.code, own, clause, rules), bold_lead=f"{i}. "))

    # 三、存在的问题
    doc.add(Heading("三、存在的问题"))
    problems = _problems(run, own, reqs, scope.code)
    if not problems:
        problems = ["本年度各项监测指标均达到要求，未发现突出问题。"]
    for i, p in enumerate(problems, start=1):
        doc.add(Para(p, bold_lead=f"{i}. "))

    # 四、下一步打算
    doc.add(Heading("四、下一步打算"))
    doc.add(Para("（针对存在问题，提出改进措施）", indent=False))
    for i, p in enumerate(problems, start=1):
        topic = p.split("：")[0].split("，")[0]
        doc.add(Para("", bold_lead=f"{i}. 针对{topic}："))
    doc.add(Signature([f"{scope.name}医疗保障局（盖章）", numbers.cn_date(period.end)]))
    del names
    return doc


def _by_clause(run: RunData) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for rid, cfg in run.profile.rules.items():
        out[clause_zh(cfg.clause)].append(rid)
    return dict(out)


def why_not(status: dict[str, Any]) -> str:
    """Why a rule did not run, in Chinese (run.json's note is bilingual)."""
    note = str(status.get("note") or "")
    if status.get("status") == "off" and "missing tables:" in note:
        return "缺少数据表（" + note.split("missing tables:")[1].strip() + "）"
    if status.get("status") == "unavailable":
        return (note.split(" / ")[0] if note else "数据契约尚未定义所需数据")
    return note.split(" / ")[0] if note else "未运行"


def _alerts_of(run: RunData, rule_id: str, region: str) -> list[dict[str, Any]]:
    names = run.names
    got = []
    for a in run.alerts_of(rule_id):
        inst = names.institutions.get(a["institution_code"] or "")
        if inst is None or names.within(inst.region_code, region):
            got.append(a)
    return got


def _clause_text(run: RunData, region: str, own: Row, clause: str, rules: list[str]) -> str:
    from jicai.engine.registry import RULES, load_all

    load_all()
    status = {r["rule_id"]: r for r in run.rules}
    parts = []
    for rid in rules:
        r = RULES[rid]
        cfg = run.profile.rules[rid]
        setting = "，".join(_setting_text(k, v) for k, v in cfg.settings.items())
        st = status.get(rid, {})
        head = f"{r.title_zh}（{r.code}{'，' + setting if setting else ''}）"
        if st.get("status") != "ran":
            why = why_not(st)
            parts.append(f"{head}：因{why}，本年度未能监测")
            continue
        found = _alerts_of(run, rid, region)
        insts = {a["institution_code"] for a in found if a["institution_code"]}
        figs = "，".join(f"{labels.zh(c)} {labels.text(c, own.get(c))}"
                        for c in RULE_FIGURES.get(rid, ()))
        if found:
            text = f"{head}：发现 {len(found):,} 条预警" + (
                f"，涉及医疗机构 {len(insts):,} 家" if insts else "")
        else:
            text = f"{head}：未发现问题"
        parts.append(text + (f"（{figs}）" if figs else ""))
    return f"关于 {clause}。按月监测" + "；".join(parts) + "。"


def _problems(run: RunData, own: Row, reqs: dict[str, Any], region: str) -> list[str]:
    out = []
    schedule = own.get("schedule")
    for col, req in reqs.items():
        v = own.get(col)
        met = req.met(v, schedule)
        if met is False:
            out.append(f"{labels.zh(col)}未达到要求：全年为 {labels.text(col, v)}，"
                       f"要求 {req.text(schedule)}（{req.clause}）。")
    counts = []
    from jicai.engine.registry import RULES, load_all

    load_all()
    for rid in run.profile.rules:
        n = len(_alerts_of(run, rid, region))
        if n:
            counts.append((n, rid))
    for n, rid in sorted(counts, key=lambda x: (-x[0], x[1]))[:3]:
        out.append(f"{RULES[rid].title_zh}问题较多：全年预警 {n:,} 条"
                   f"（{clause_zh(run.profile.rules[rid].clause)}）。")
    return out


def write(run: RunData, period: Period, out: Path, work: Path,
          region: str | None = None) -> list[Path]:
    from jicai.reports.document import write_docx, write_pdf

    out.mkdir(parents=True, exist_ok=True)
    doc = build(run, period, work, region)
    stem = f"年度报告-{period.code}" + (f"-{region}" if region else "")
    return [write_docx(doc, out / f"{stem}.docx"), write_pdf(doc, out / f"{stem}.pdf", work)]
