"""Figures beside the alerts: prepayment (预付金) and the cycle-end assessment (考核).

- Prepayment, JILIN 第二十四条: agreed units × the company's winning award price
  per minimum unit × 50 % for drugs, 30 % for consumables. Where a company has
  several winning specs of the variety, the lowest price per minimum unit is
  used (the agreement does not say which spec will be bought; the lowest is
  the amount the fund can be sure of).
- Assessment, JILIN 第二十一条: a variety of an institution whose cycle has
  ended is unqualified when its agreed volume is not completed (unless a
  clinical-change exemption applies) or when its non-winning share exceeds
  the profile's threshold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa

from jicai.engine.context import Context, award_roles
from jicai.policy.profiles import Profile

PREPAY_RATE = {"drug": 0.5, "consumable": 0.3}


def prepayment(ctx: Context, con: Any) -> pa.Table:
    av = ctx.t("agreed_volumes")
    b = ctx.t("batches").select("batch_code", "cycle_no", "category")
    p = ctx.t("products").select("product_code", "company_code")
    ar = award_roles(ctx)
    ar = ar.filter(ar.role == "winning").join(p, "product_code")
    price = ar.group_by(["batch_code", "variety_code", "company_code"]).aggregate(
        price_per_unit=ar.price_per_unit.min())
    j = av.join(b, ["batch_code", "cycle_no"]).join(
        price, ["batch_code", "variety_code", "company_code"], how="left")
    j = j.select("batch_code", "cycle_no", "institution_code", "variety_code", "company_code",
                 "agreed_units", "category", "price_per_unit")
    rate = ibis.cases((j.category == "drug", PREPAY_RATE["drug"]),
                      else_=PREPAY_RATE["consumable"])
    j = j.mutate(rate=rate,
                 agreed_amount=(j.agreed_units.cast("float64") * j.price_per_unit).round(2))
    j = j.mutate(prepayment=(j.agreed_amount * j.rate).round(2))
    t = con.to_pyarrow(j)
    return t.sort_by([(k, "ascending") for k in
                      ("batch_code", "cycle_no", "institution_code", "variety_code",
                       "company_code")])


def assessment(progress: pa.Table, profile: Profile, as_of: date) -> pa.Table:
    share_rule = profile.rules.get("share.nonwinning_high")
    threshold = float(share_rule.settings["threshold"]) if share_rule else None
    rows = []
    for r in progress.to_pylist():
        if r["end_date"] is None or as_of < r["end_date"]:
            continue
        reasons = []
        if not r["has_clinical_change"] and (r["completion"] is not None and r["completion"] < 1):
            reasons.append("未完成约定采购量")
        if threshold is not None and r["nonwinning_share"] is not None \
                and r["nonwinning_share"] > threshold:
            reasons.append(f"非中选产品占比超过 {threshold * 100:.0f}%")
        rows.append({
            "batch_code": r["batch_code"], "cycle_no": r["cycle_no"],
            "institution_code": r["institution_code"], "variety_code": r["variety_code"],
            "completion": r["completion"], "nonwinning_share": r["nonwinning_share"],
            "exemption": r["exemption"],
            "result": "unqualified" if reasons else "qualified",
            "reasons": "；".join(reasons) or None,
        })
    schema = pa.schema([("batch_code", pa.string()), ("cycle_no", pa.int64()),
                        ("institution_code", pa.string()), ("variety_code", pa.string()),
                        ("completion", pa.float64()), ("nonwinning_share", pa.float64()),
                        ("exemption", pa.string()), ("result", pa.string()),
                        ("reasons", pa.string())])
    t = pa.Table.from_pylist(rows, schema=schema)
    return t.sort_by([(k, "ascending") for k in
                      ("batch_code", "cycle_no", "institution_code", "variety_code")])
