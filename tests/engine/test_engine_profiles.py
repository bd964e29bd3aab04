"""The five built-in profiles on one data set: five different alert sets, each by hand.

Rules on (rules.md, "Profiles and their defaults"):
  national  P1 P2 P3 S1 D1 D2 R1
  henan     P1 P2 P3 S1 D1 D2 R1 R3 T1 T2 T3 C2 S2 K1
  ganzhou   P1 P2 P3 D1 D2 O1 R1 R2 F1 (D1 ratio 0.8)
  jilin     P1 P2 P3 S1 A1 M1 C2 H1 H2 (backup counts as winning)
  guangdong P1 P2 P3 R1 R3 F1 F2 F3 M1 C1 C3 H1 H2 H3

The data, as_of 2025-06-30 (B1 schedule 181/365 = 0.4959, B2 schedule 122/365 = 0.3342):
  L01 H1 PW 20 × 10.00, 02-10 09:00, answered 10:00, delivered 02-11 09:00, received
      02-11 10:00 (due 03-31), paid 100.00 of 200.00 on 03-20
  L02 H1 PB 30 × 12.00, 03-10 09:00, answered 10:00, delivered 03-11 09:00
  L03 H1 PN 60 × 11.00, 06-20 10:00, answered 06-22 11:00 (49 h), delivered 06-22 15:00 (53 h)
  L04 H1 PW  1 × 10.50, 06-20 08:00, answered 12:00, delivered 06-24 08:00 (96 h)
  L05 H2 CW 40 × 700.00, 03-05 09:00, answered 10:00, delivered 03-06 09:00
  L06 H2 CW  1 × 700.00, 06-23 09:00, never answered
  L07 H3 PW  5 × 10.00, 04-01 09:00, off-platform
  history 2024: H1/V1 1000, H2/V1 50, H2/V2 100; demand filed: B1 H1/V1 900, B2 H2/V2 70
  agreements: B1 H1/M1 signed 01-15; B2 H2/M1 none (B2 starts 03-01, deadline 03-31)
  filings: G1 H1 drug 10.00 (bought 06-09, filed 06-10); G2 H2 hv_consumable 2000.00
           (bought Mon 06-09, filed Fri 06-20)
  ticket K1 H1: reported 06-09 10:00, replied 06-12 10:00, fix promised 06-27, unsolved
  listings: PW 10.00 from 01-01; PN 11.00 with cap 10.00 from 01-01

Figures:
  P1 B1/H1/V1: winning L01 200 + L04 10 = 210, backup 300, non-winning 600.
     backup not credited → 210/1000 = 0.21 < 0.4959 → alert; JILIN credits backup →
     510/1000 = 0.51 → none. B2/H2/V2: 41/100 = 0.41 ≥ 0.3342 → none. P2, P3: none.
  S1 H1/V1: 600 / (210 + 300 + 600) = 0.5405 > 0.5 → alert.
  D1 (ratio 1.0): H1/V1 900/1000 = 0.9, H2/V2 70/100 = 0.7 → both; ratio 0.8: H2/V2 only.
  D2: H2/V1 history 50, no filing → alert.
  A1: B2 H2/M1 unsigned at 06-30 > 03-31 → alert (ref = company M1).
  O1: H1 drug 100 % online, H2 hv 100 %, H3 drug 0/50.00 = 0 → alert (H3, drug).
  R1: L03 49 h (warning), L06 06-23 09:00 → 07-01 00:00 = 183 h (critical).
  R2: L06 mark Wed 06-25 09:00 → list end of Thu 06-26 → deadline 06-28 00:00 → alert.
      L03 was answered 06-22 11:00, before its deadline (mark Sun 06-22 10:00 → list end
      of Mon 06-23 → deadline 06-25 00:00) → none.
  R3: L04 96 h > 72 h → alert.
  F1: G2 working days 06-10 … 06-13, 06-16 … 06-20 = 9 > 7 → alert; G1 1 → none.
  F2: H1 drug 10.00 / 1230.50 = 0.8 % → none; H2 consumable 2000 / 28 700 = 6.97 % → alert.
  F3: H1 1 filed drug item / 3 drug products ordered (PW PB PN) = 33 % → alert.
  M1: L01 due 03-31, 100.00 of 200.00 paid → alert.
  T1: K1 replied after 3 working days > 2 → alert. T2: promise 06-27 is 11 working days
      after 06-12 > 5 → alert. T3: unsolved at 06-30 > 06-27 → alert.
  C1: L04 10.50 > 10.00 + 0.005 → alert; L01 10.00, L03 PN 11.00 = its listing → none.
  C2: PN 11.00 > cap 10.00 (in force from 2025-01-01) → alert.

Contract v1.1 data (substitutes, trace_scans, prescriptions) and the rules reading it:
  SX (variety V9, 1 unit/pack) substitutes V1; L08 H1 SX 100 × 1.00 on 2024-05-01 and L09
     H1 SX 200 × 1.00 on 2025-05-01, each answered in 1 h and delivered in 2 h.
  S2 (henan): H1/V1 (agreed in B1, in execution) 200 vs 100 units in the 90 days →
     growth 1.0 > 0.3, prev 100 ≥ 100 → alert. SX changes no other rule: no listing, not
     in V1; F3 H1 becomes 1 / 4 drug products = 25 % → still an alert; F2 H1 drug
     10.00 / 1430.50 = 0.7 % → none.
  K1 (henan): H1 doctor D1 (心内科) prescribes PN 100 units on 06-01; PN 11.00 / 10 =
     1.10 per unit > lowest winning 1.00 → share 1.0 > 0.5, 100 ≥ 100 → alert.
  C3 (guangdong): CW listed 700 (2024-08-01) → 710 (2024-12-01) → 720 (2025-03-01):
     2 rises → yellow. (C1 on CW: 700.00 paid against 720 → none.) Sales growth: no
     amount a year earlier ≥ 10 000 → none.
  H1 (jilin, guangdong): code 00000000000000000007 dispensed twice at H1 (PW) → alert.
  H2 (jilin, guangdong): L01 H1/PW 20 packs received 02-11, no receive scan → 0 < 0.95,
     20 ≥ 10 → alert. H2 has no received drug line.
  H3 (guangdong): H2 dispenses code 00000000000000000009 (PW) once, nothing received →
     excess 1 → alert; H1/PW 1 code − 20 packs → none.

The v1.1 rules of rules-A (P4 in national and henan, D3 L1 R4 in henan, N1 C4 in
ganzhou, R4 T4 in jilin, C5 R4 in guangdong):
  P4: B2/H2/V2 completion 41/100 = 0.41 ≥ schedule 0.3342 (not behind), 122 days ≥ 60;
     credited in the last 60 days (05-02 … 06-30): L06 1 → r = 1/60; 243 days remain
     (→ 2026-02-28) → projected (41 + 243/60)/100 = 0.4505 < 1 → alert. B1/H1/V1 is
     behind (0.21 < 0.4959) → none.
  C4 (ganzhou): L04 PW 10.50 > award 10.00 + 0.005 → alert; L01, L07 at 10.00 → none.
  D3: no cycle has ended by 06-30 → none. L1: M1's other products (SX) are not of V1 or
     V2 → none. N1: every institution buying V1 bought PW → none. R4: DS has 7 lines
     due (< 20) → none. T4: one institution with a ticket → none. C5: L07 (off
     platform) 10.00 = its listing → none.
"""

from __future__ import annotations

import pytest
from engine_kit import (
    M1,
    Engine,
    agreement,
    demand,
    filing,
    history,
    line,
    listing,
    payment,
    product,
    province,
    ticket,
)

AS_OF = "2025-06-30"

NATIONAL = {
    ("progress.behind_schedule", "H1", None),
    ("progress.forecast_short", "H2", None),
    ("share.nonwinning_high", "H1", None),
    ("demand.below_history", "H1", None),
    ("demand.below_history", "H2", None),
    ("demand.missing", "H2", None),
    ("order.unresponded_48h", "H1", "L03"),
    ("order.unresponded_48h", "H2", "L06"),
}
EXPECTED = {
    "national": NATIONAL,
    "henan": NATIONAL | {
        ("delivery.overdue", "H1", "L04"),
        ("ticket.reply_overdue", "H1", "K1"),
        ("ticket.commitment_too_long", "H1", "K1"),
        ("ticket.resolution_overdue", "H1", "K1"),
        ("price.nonwinning_above_cap", None, "2025-01-01"),
        ("substitute.abnormal_growth", "H1", None),
        ("prescriber.nonwinning_high", "H1", "D1"),
    },
    "ganzhou": {
        ("progress.behind_schedule", "H1", None),
        ("demand.below_history", "H2", None),
        ("demand.missing", "H2", None),
        ("online.rate_low", "H3", "drug"),
        ("order.unresponded_48h", "H1", "L03"),
        ("order.unresponded_48h", "H2", "L06"),
        ("order.escalation_24h", "H2", "L06"),
        ("filing.late", "H2", "G2"),
        ("price.above_award", "H1", "L04"),
    },
    "jilin": {
        ("share.nonwinning_high", "H1", None),
        ("agreement.unsigned", "H2", M1),
        ("payment.overdue", "H1", "L01"),
        ("price.nonwinning_above_cap", None, "2025-01-01"),
        ("trace.duplicate_dispense", "H1", "00000000000000000007"),
        ("trace.receipt_unscanned", "H1", None),
    },
    "guangdong": {
        ("progress.behind_schedule", "H1", None),
        ("order.unresponded_48h", "H1", "L03"),
        ("order.unresponded_48h", "H2", "L06"),
        ("delivery.overdue", "H1", "L04"),
        ("filing.late", "H2", "G2"),
        ("filing.amount_over_limit", "H2", "consumable"),
        ("filing.items_over_limit", "H1", "drug"),
        ("payment.overdue", "H1", "L01"),
        ("price.above_listing", "H1", "L04"),
        ("price.risk", None, "rises"),
        ("trace.duplicate_dispense", "H1", "00000000000000000007"),
        ("trace.receipt_unscanned", "H1", None),
        ("trace.dispensed_over_received", "H2", None),
    },
}
# Every rule a built-in profile names runs on this folder (none is declared only).
UNAVAILABLE: dict[str, set[str]] = {}


def _data() -> dict:
    return province(orders=[
        line("L01", "H1", "PW", "2025-02-10 09:00", 20, "10.00",
             responded_at="2025-02-10 10:00", delivered_at="2025-02-11 09:00",
             received_at="2025-02-11 10:00"),
        line("L02", "H1", "PB", "2025-03-10 09:00", 30, "12.00",
             responded_at="2025-03-10 10:00", delivered_at="2025-03-11 09:00"),
        line("L03", "H1", "PN", "2025-06-20 10:00", 60, "11.00",
             responded_at="2025-06-22 11:00", delivered_at="2025-06-22 15:00"),
        line("L04", "H1", "PW", "2025-06-20 08:00", 1, "10.50",
             responded_at="2025-06-20 12:00", delivered_at="2025-06-24 08:00"),
        line("L05", "H2", "CW", "2025-03-05 09:00", 40, "700.00",
             responded_at="2025-03-05 10:00", delivered_at="2025-03-06 09:00"),
        line("L06", "H2", "CW", "2025-06-23 09:00", 1, "700.00"),
        line("L07", "H3", "PW", "2025-04-01 09:00", 5, "10.00", on_platform=False),
        line("L08", "H1", "SX", "2024-05-01 09:00", 100, "1.00",
             responded_at="2024-05-01 10:00", delivered_at="2024-05-01 11:00"),
        line("L09", "H1", "SX", "2025-05-01 09:00", 200, "1.00",
             responded_at="2025-05-01 10:00", delivered_at="2025-05-01 11:00"),
    ], products=[
        product("SX", "V9"),
    ], substitutes=[
        {"variety_code": "V1", "product_code": "SX", "note": None},
    ], prescriptions=[
        {"prescription_line_id": "RX1", "institution_code": "H1", "department": "心内科",
         "doctor_code": "D1", "product_code": "PN", "prescribed_at": "2025-06-01 09:00",
         "units": 100},
    ], trace_scans=[
        {"scan_id": f"SC{i}", "trace_code": code, "institution_code": inst,
         "product_code": "PW", "event": "dispense", "scanned_at": at, "split": False,
         "order_line_id": None}
        for i, (code, inst, at) in enumerate([
            ("00000000000000000007", "H1", "2025-06-10 09:00"),
            ("00000000000000000007", "H1", "2025-06-11 09:00"),
            ("00000000000000000009", "H2", "2025-06-12 09:00")])
    ], payments=[
        payment("Pm1", "L01", "100.00", "2025-03-20"),
    ], historical_volumes=[
        history("H1", "V1", 2024, 1000), history("H2", "V1", 2024, 50),
        history("H2", "V2", 2024, 100),
    ], demand_filings=[
        demand("B1", "H1", "V1", 900, "2024-12-01 10:00"),
        demand("B2", "H2", "V2", 70, "2025-02-01 10:00"),
    ], agreements=[
        agreement("B1", "H1", M1, "2025-01-15"),
    ], filings=[
        filing("G1", "H1", "10.00", "2025-06-09", "2025-06-10", product_name="某药"),
        filing("G2", "H2", "2000.00", "2025-06-09", "2025-06-20", category="hv_consumable",
               product_name="某耗材"),
    ], tickets=[
        ticket("K1", "2025-06-09 10:00", "2025-06-12 10:00", "2025-06-27"),
    ], listing_prices=[
        listing("PW", "2025-01-01", "10.00"),
        listing("PN", "2025-01-01", "11.00", "10.00"),
        listing("CW", "2024-08-01", "700.00"),
        listing("CW", "2024-12-01", "710.00"),
        listing("CW", "2025-03-01", "720.00"),
    ])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    eng = Engine(tmp_path_factory.mktemp("profiles"))
    return eng, eng.load(_data())


def test_the_five_expected_sets_differ():
    assert len({frozenset(s) for s in EXPECTED.values()}) == 5


@pytest.mark.parametrize("name", [
    "national", "henan", "ganzhou", "jilin", "guangdong"])
def test_builtin_profile_alert_set(world, name):
    eng, wh = world
    run = eng.run_profile(wh, AS_OF, name)
    got = {(a["rule_id"], a["institution_code"], a["ref"]) for a in run.alerts}
    assert got == EXPECTED[name]
    assert len(run.alerts) == len(EXPECTED[name])  # no duplicates hidden by the set
    assert {r.rule_id for r in run.result.rules if r.status != "ran"} == UNAVAILABLE.get(
        name, set())



def test_messages_name_the_notice_in_chinese_and_the_clause_column_keeps_it_cited(world):
    eng, wh = world
    run = eng.run_profile(wh, AS_OF, "henan")
    p1 = next(a for a in run.alerts if a["rule_id"] == "progress.behind_schedule")
    assert p1["clause"] == "HENAN 二(九)"
    assert p1["message"].endswith("（河南 二(九)）")
    assert not any("HENAN" in a["message"] for a in run.alerts)
