"""季度通报: the quarterly circular on the execution of VBP results (HENAN 二(九)).

"省级医保部门每季度对集采中选执行情况进行监测分析，定期通报执行不力、配送率低、采购进度
滞后、非中选产品采购量占比高、可替代产品采购量异常增长等问题突出的统筹地区、医疗机构和
重点品种。" The circular has:

一、总体情况 — the quarter's figures of the region, its regions one level down (统筹
   地区) in a table, the monthly trend and the regions' completion as charts;
二、问题突出的统筹地区、医疗机构和重点品种 — for each of the notice's five dimensions the
   worst regions, institutions and varieties (distributors for delivery) with their figure;
三、约谈名单 — institutions with an N1 alert (不报量不采购中选产品而只采购高价非中选产品),
   or with P1 / S1 found repeatedly: a variety behind schedule (or over the non-winning
   limit) at two or more month-ends of the quarter (the cycles file's month rows);
四、工作要求 — the follow-up the notices ask of the regions.

Every figure is read from the run's figures files at the quarter's end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jicai.reports import charts, labels, numbers
from jicai.reports.document import Doc, Heading, Image, Para, Signature, Table
from jicai.reports.periods import Period
from jicai.reports.requirements import nonwinning_threshold, requirements
from jicai.reports.run_data import RunData
from jicai.reports.selection import Row, Scope, scope_for, worst

TOP = 5
TALKS_SHOWN = 20  # the body lists the most serious; the annex lists every one
N1 = "purchase.nonwinning_only"
S2 = "substitute.abnormal_growth"
LEVEL_NAME = {"city": "统筹地区（市）", "county": "县（区）"}
ADDRESSEE = {"city": "各统筹地区医疗保障局，", "county": "各县（区）医疗保障局，"}


def _t(col: str, row: Row) -> str:
    return labels.text(col, row.get(col))


def _table(rows: list[Row], cols: list[str], first: str, *, names: list[str] | None = None,
           caption: str = "") -> Table:
    body = []
    for i, r in enumerate(rows):
        body.append([str(i + 1), names[i] if names else (r.get("name") or r["code"]),
                     *[_t(c, r) for c in cols]])
    return Table(["序号", first, *[labels.zh(c) for c in cols]], body,
                 numeric=tuple(range(2, 2 + len(cols))),
                 widths=(0.6, 3.2, *([1.4] * len(cols))), caption=caption)


def _say(col: str, row: Row) -> str:
    return numbers.points(row.get(col)) if col == "gap" else _t(col, row)


def _inst_names(scope: Scope, rows: list[Row]) -> list[str]:
    n = scope.run.names
    out = []
    for r in rows:
        chain = n.chain(r["code"])
        where = n.region(chain.get("county") or chain.get("city"))
        out.append(f"{r.get('name') or n.institution(r['code'])}（{where}）" if where
                   else (r.get("name") or r["code"]))
    return out


def build(run: RunData, period: Period, work: Path, region: str | None = None) -> Doc:
    scope = scope_for(run, region, period.code)
    names = run.names
    own = scope.own()
    kids = scope.children()
    insts = scope.institutions()
    varieties = scope.varieties()
    reqs = requirements(run.profile)
    th = nonwinning_threshold(run.profile)
    child = LEVEL_NAME.get(scope.child_level or "", "")

    doc = Doc(title=f"关于{period.label}{scope.name}集中带量采购\n中选结果执行情况的通报",
              addressee=ADDRESSEE.get(scope.child_level or "", "") + "各有关医疗机构、医药企业：",
              footer=f"{scope.name}集采执行情况通报 · {period.label}")
    doc.add(Para(
        f"为落实{run.profile.name}关于健全常态化监测机制的要求（河南 二(九)），依托医保信息平台"
        f"招采管理子系统监测数据，我们对{period.label}（{numbers.cn_date(period.start)}至"
        f"{numbers.cn_date(period.end)}）{scope.name}集中带量采购中选结果执行情况进行了监测分析。"
        "现将有关情况通报如下。"))

    # 一、总体情况
    doc.add(Heading("一、总体情况"))
    doc.add(Para(
        f"截至{numbers.cn_date(period.end)}，{scope.name}纳入监测的医疗机构 {len(insts):,} 家，"
        f"约定采购量完成率 {_t('completion', own)}，序时进度 {_t('schedule', own)}，"
        f"进度差 {numbers.points(own.get('gap'))}。在有约定采购量的品种中，零采购的占 "
        f"{_t('status_zero_share', own)}，低于序时进度的占 {_t('status_behind_share', own)}，"
        f"正常的占 {_t('status_normal_share', own)}，超量的占 {_t('status_over_share', own)}；"
        f"进院率 {_t('entry_rate', own)}。"))
    doc.add(Para(
        f"本季度中选产品采购数量占比 {_t('winning_unit_share', own)}、金额占比 "
        f"{_t('winning_amount_share', own)}；非中选产品采购量占比 {_t('nonwinning_share', own)}，"
        f"采购非中选产品 {_t('nonwinning_amount', own)} 元，非中选超量品种 "
        f"{_t('nonwinning_over', own)} 个。药品网采率 {_t('online_rate_drug', own)}，高值耗材网采率 "
        f"{_t('online_rate_hv', own)}；订单48小时响应率 {_t('response_48h_rate', own)}，配送率 "
        f"{_t('delivery_rate', own)}，及时配送率 {_t('timely_delivery_rate', own)}；按时回款率 "
        f"{_t('payment_on_time_rate', own)}，逾期未付 {_t('overdue_amount', own)} 元。"))
    if kids:
        cols = ["completion", "schedule", "gap", "winning_unit_share", "nonwinning_share",
                "online_rate_drug", "delivery_rate", "payment_on_time_rate"]
        doc.add(_table(kids, cols, child or "地区",
                       caption=f"表1 {period.label}各{child}执行情况"))
    months = scope.months(upto=period.months()[-1])
    if months:
        img = charts.line_chart(
            work / "trend.png", [numbers.period_label(m["period"]).split("年")[1] for m in months],
            {labels.zh("completion"): [m.get("completion") for m in months],
             labels.zh("schedule"): [m.get("schedule") for m in months],
             labels.zh("nonwinning_share"): [m.get("nonwinning_share") for m in months]},
            f"{scope.name}{period.code[:4]}年各月执行情况")
        doc.add(Image(img, f"图1 {scope.name}{period.code[:4]}年各月约定采购量完成率、序时进度与非中选产品占比"))
    if kids:
        img = charts.bar_chart(work / "regions.png", [k.get("name") or k["code"] for k in kids],
                               [k.get("completion") for k in kids],
                               f"各{child}约定采购量完成率",
                               threshold=own.get("schedule"),
                               threshold_label=f"{scope.name}序时进度 {_t('schedule', own)}")
        doc.add(Image(img, f"图2 {period.label}各{child}约定采购量完成率"))

    # 二、五个方面
    doc.add(Heading("二、问题突出的统筹地区、医疗机构和重点品种"))
    no = iter("一二三四五六")

    def dimension(title: str, col: str, high_is_bad: bool, intro: str, bad: Callable[[Row], bool],
                  extra: list[str] | None = None, varieties_too: bool = True) -> None:
        cols = [col, *(extra or [])]
        doc.add(Heading(f"（{next(no)}）{title}", 2))
        doc.add(Para(intro))
        bad_kids = worst(kids, col, high_is_bad=high_is_bad, n=3, where=bad)
        bad_insts = worst(insts, col, high_is_bad=high_is_bad, n=TOP, where=bad)
        if bad_kids:
            doc.add(Para("、".join(f"{k.get('name')}（{_say(col, k)}）" for k in bad_kids) + "。",
                         bold_lead=f"问题突出的{child}："))
        if bad_insts:
            doc.add(_table(bad_insts, cols, "医疗机构", names=_inst_names(scope, bad_insts),
                           caption=f"{title}：问题突出的医疗机构"))
        else:
            doc.add(Para("本季度未发现该项问题突出的医疗机构。"))
        if varieties_too:
            bad_v = worst(varieties, col, high_is_bad=high_is_bad, n=TOP, where=bad)
            if bad_v:
                doc.add(_table(bad_v, cols, "品种", caption=f"{title}：重点品种"))

    dimension("执行不力", "gap", False,
              "约定采购量完成率低于序时进度的，按二者之差（进度差）排序，差距最大的列示如下。",
              lambda r: float(r["gap"]) < -1e-9, ["completion", "schedule"])
    dimension("配送率低", "delivery_rate", False,
              "按配送率（已配送数量 / 订单数量，订单下达已满配送时限的平台订单）排序，"
              "配送率最低的医疗机构和配送企业列示如下。",
              lambda r: float(r["delivery_rate"]) < 1 - 1e-9,
              ["timely_delivery_rate", "response_48h_rate"], varieties_too=False)
    dist = scope.ranking("delivery_distributors", scope="company")
    if dist:
        bad = [r for r in reversed(dist) if r.get("value") is not None
               and float(r["value"]) < 1 - 1e-9][:TOP]
    if dist and bad:
        doc.add(Table(["序号", "配送企业", labels.zh("delivery_rate"),
                       labels.zh("response_48h_rate")],
                      [[str(i + 1), r.get("name") or names.company(r["code"]),
                        numbers.pct(r.get("value")), numbers.pct(r.get("second"))]
                       for i, r in enumerate(bad)], numeric=(2, 3), widths=(0.6, 4.4, 1.5, 1.5),
                      caption="配送率低：问题突出的配送企业"))
    dimension("采购进度滞后", "status_behind_share", True,
              "按低于序时进度品种占比（有约定采购量的品种中完成率低于序时进度的比例）排序，"
              "滞后最突出的列示如下。", lambda r: float(r["status_behind_share"]) > 1e-9,
              ["status_zero_share", "completion"])
    limit = reqs.get("nonwinning_share")
    dimension("非中选产品采购量占比高", "nonwinning_share", True,
              "按非中选产品采购量占同品种采购量的比例（不含价格低于中选产品且质量疗效相同等不纳入"
              "考核的采购）排序" + (f"，{run.profile.name}要求不超过 {numbers.pct(limit.value)}"
                                   if limit else "") + "。",
              lambda r: float(r["nonwinning_share"]) > 1e-9,
              ["nonwinning_amount_share", "nonwinning_amount"])
    _substitutes(doc, run, scope, insts, next(no))

    # 三、约谈名单
    doc.add(Heading("三、约谈名单"))
    talks = interview_list(run, scope, period, th)
    if talks:
        kinds = []
        if any("只采购高价非中选产品" in t["reason"] for t in talks):
            kinds.append("不报量不采购中选产品而只采购高价非中选产品")
        if any("低于序时进度" in t["reason"] for t in talks):
            kinds.append("本季度多个月末采购进度低于序时进度")
        if any("占比" in t["reason"] for t in talks):
            kinds.append("本季度多个月末非中选产品占比超标")
        shown = talks[:TALKS_SHOWN]
        doc.add(Para(
            f"共 {len(talks):,} 家医疗机构存在{'、'.join(kinds)}的问题，请所在地医保部门约谈其"
            "负责人（赣州 二(三)；河南 二(十)），督促限期整改。"
            + (f"问题最突出的 {len(shown)} 家列示如下，完整名单见附件。" if len(talks) > len(shown)
               else "名单如下。")))
        doc.add(_talks_table(shown))
    else:
        doc.add(Para("本季度未发现需约谈的医疗机构。"))

    # 四、工作要求
    doc.add(Heading("四、工作要求"))
    for text in (
        "各统筹地区医保部门要依托监测系统，对本通报所列问题突出的医疗机构和品种逐一核实，"
        "督促医疗机构按约定采购量和序时进度采购中选产品，优先采购使用中选产品。",
        "对配送率低、响应不及时的配送企业，要及时约谈并督促落实配送责任；情节严重的，按采购文件"
        "和有关规定处置。",
        "对无正当理由大量采购高价非中选产品的医疗机构，采取提醒教育、约谈、通报等措施；"
        "拒不整改的，将有关线索移交相关部门。",
        "各统筹地区医保部门请于下季度首月底前将整改落实情况报送。"):
        doc.add(Para(text))
    doc.add(Signature([f"{scope.name}医疗保障局", numbers.cn_date(period.end)]))
    if len(talks) > TALKS_SHOWN:
        doc.add(Heading("附件：约谈名单"), _talks_table(talks))
    return doc


def _talks_table(talks: list[dict[str, str]]) -> Table:
    return Table(["序号", "医疗机构", "所属地区", "约谈事由"],
                 [[str(i + 1), t["name"], t["where"], t["reason"]] for i, t in enumerate(talks)],
                 widths=(0.6, 3.0, 2.0, 6.0))


def _substitutes(doc: Doc, run: RunData, scope: Scope, insts: list[Row], no: str) -> None:
    doc.add(Heading(f"（{no}）可替代产品采购量异常增长", 2))
    ran = {r["rule_id"]: r for r in run.rules}
    s2 = ran.get(S2)
    alerts = [a for a in run.alerts_of(S2) if scope.run.names.within(
                  scope.run.names.institutions[a["institution_code"]].region_code
                  if a["institution_code"] in scope.run.names.institutions else "", scope.code)]
    if s2 is None or s2.get("status") != "ran":
        why = ("本规则配置未开启该项监测" if s2 is None
               else "因缺少可替代产品对照表（substitutes），该项监测未运行")
        doc.add(Para(f"{why}。采购可替代产品数按医疗机构列示如下，供核查参考。"))
    else:
        doc.add(Para(f"本季度末共有 {len(alerts):,} 个医疗机构品种的可替代产品采购量较上年同期"
                     "异常增长（河南 二(九)）。"))
    if alerts:
        by_inst: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for a in alerts:
            by_inst[a["institution_code"]].append(a)
        rows = sorted(by_inst.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP]
        n = run.names
        doc.add(Table(["序号", "医疗机构", "品种（增长率）"],
                      [[str(i + 1), n.institution(code),
                        "、".join(f"{n.variety(a['variety_code'])}（{numbers.pct(a['value'])}）"
                                 for a in items)] for i, (code, items) in enumerate(rows)],
                      widths=(0.6, 3.0, 6.0), caption="可替代产品采购量异常增长的医疗机构"))
    bought = worst(insts, "substitutes_bought", high_is_bad=True, n=TOP,
                   where=lambda r: (r.get("substitutes_bought") or 0) > 0)
    if bought:
        doc.add(_table(bought, ["substitutes_bought"], "医疗机构",
                       names=_inst_names(scope, bought), caption="采购可替代产品较多的医疗机构"))


def interview_list(run: RunData, scope: Scope, period: Period, threshold: float) -> list[dict[str, str]]:
    """Institutions for 约谈: N1 at the quarter's end, or P1 / S1 at ≥ 2 month-ends."""
    names = run.names
    reasons: dict[str, list[str]] = defaultdict(list)
    weight: dict[str, int] = defaultdict(int)
    n1: dict[str, list[str]] = defaultdict(list)
    for a in run.alerts_of(N1):
        if a["institution_code"]:
            n1[a["institution_code"]].append(names.variety(a["variety_code"]))
    for code, n1_varieties in n1.items():
        weight[code] += len(set(n1_varieties))
        reasons[code].append("不报量不采购中选产品而只采购高价非中选产品："
                             + "、".join(sorted(set(n1_varieties))))
    months = set(period.months())
    behind: dict[tuple[str, str, int, str], int] = defaultdict(int)
    over: dict[tuple[str, str, int, str], int] = defaultdict(int)
    c = run.cycles
    if c.num_rows:
        c = c.filter(pc.and_(pc.and_(pc.equal(c.column("scope"), "institution"),
                                     pc.is_in(c.column("period"),
                                              pa.array(sorted(months), pa.string()))),
                             pc.is_valid(c.column("variety_code"))))
        for r in c.to_pylist():
            key = (r["code"], r["batch_code"], r["cycle_no"], r["variety_code"])
            exempt = "clinical_change" in (r.get("exemption") or "")
            running = r["end_date"] is None or r["period_end"] < r["end_date"]
            if ("progress.behind_schedule" in run.profile.rules and running and not exempt
                    and r.get("status") in ("zero", "behind")):
                behind[key] += 1
            if ("share.nonwinning_high" in run.profile.rules and r.get("nonwinning_share")
                    is not None and r["nonwinning_share"] > threshold):
                over[key] += 1
    for label, hits in (("2 个及以上月末低于序时进度", behind),
                        (f"2 个及以上月末非中选产品占比超过 {numbers.pct(threshold)}", over)):
        per: dict[str, set[str]] = defaultdict(set)
        for (code, _b, _c, v), k in hits.items():
            if k >= 2:
                per[code].add(names.variety(v))
        for code, vs in per.items():
            weight[code] += len(vs)
            reasons[code].append(f"{label}（{len(vs)} 个品种：{'、'.join(sorted(vs)[:4])}"
                                 f"{'等' if len(vs) > 4 else ''}）")
    out = []
    for code in sorted(reasons):
        inst = names.institutions.get(code)
        if inst is None or not names.within(inst.region_code, scope.code):
            continue
        chain = names.chain(code)
        where = "".join(names.region(chain[lv]) for lv in ("city", "county") if lv in chain)
        out.append({"code": code, "name": inst.name, "where": where,
                    "reason": "；".join(reasons[code])})
    # N1 first (the notice's 约谈医疗机构负责人), then by the varieties concerned, then code
    out.sort(key=lambda t: (0 if t["code"] in n1 else 1, -weight[t["code"]], t["code"]))
    return out


def write(run: RunData, period: Period, out: Path, work: Path,
          region: str | None = None) -> list[Path]:
    from jicai.reports.document import write_docx, write_pdf

    out.mkdir(parents=True, exist_ok=True)
    doc = build(run, period, work, region)
    stem = f"季度通报-{period.code}" + (f"-{region}" if region else "")
    return [write_docx(doc, out / f"{stem}.docx"), write_pdf(doc, out / f"{stem}.pdf", work)]
