"""N1 purchase.nonwinning_only (rules.md, "Rules added in contract v1.1"; GANZHOU 二(三)),
worked out by hand.

Per (batch, cycle, institution, variety) of a cycle started by as_of: no filing with
reported_units > 0 (its own, or its consortium lead's when it filed nothing), 0 winning
and 0 backup units in the window, and > 0 units of non-winning products whose price per
minimum unit exceeds the lowest winning award price per minimum unit (excluded purchases
left out). critical, value = those units, threshold 0.

V1 in B1: PW winning 10.00 for 10 units → 1.00 per unit; PN, PQ non-winning (10 a pack).
V2 in B2: CW winning 700.00 per piece; CN (added) a non-winning stent.
"""

from __future__ import annotations

from engine_kit import M2, assert_alerts, demand, exemption, line, product

N1 = "purchase.nonwinning_only"
KEY = ("institution_code", "batch_code", "variety_code", "severity")
CN = product("CN", "V2", "hv_consumable", 1, company_code=M2)


def test_n1_high_price_boundary_exclusions_consortium_and_window(engine):
    # H2/V1 (no filing by as_of: its filing of 300 is made 2025-07-01):
    #   N01 PN 20 packs at 15.00 → 1.50/unit > 1.00 → 200 units
    #   N02 PN 30 packs on 03-15, inside H2's verified supply problem → excluded
    #   N03 PQ at 9.00 → 0.90/unit, N04 PN at 10.00 → 1.00/unit = lowest → not high
    #   N05 (07-01, after as_of) and N06 (2024-12-31, before the window) count nowhere
    #   → critical, value 200.
    # H1/V1: only PN bought, but H1 filed 500 → none. H3/V1 (member of H1, filed nothing):
    #   covered by its lead's 500 → none.
    # B2/V2: H1 bought CN at 800 > 700 but also 1 CW → none; H3 bought 2 CN at 800, no
    #   filing by itself or H1 for B2/V2 → critical, value 2.
    run = engine.monitor("2025-06-30", [N1], products=[CN], orders=[
        line("N01", "H2", "PN", "2025-02-10 09:00", 20, "15.00"),
        line("N02", "H2", "PN", "2025-03-15 09:00", 30, "15.00"),
        line("N03", "H2", "PQ", "2025-04-01 09:00", 10, "9.00"),
        line("N04", "H2", "PN", "2025-04-02 09:00", 5, "10.00"),
        line("N05", "H2", "PN", "2025-07-01 00:00", 50, "15.00"),
        line("N06", "H2", "PN", "2024-12-31 23:59", 50, "15.00"),
        line("N07", "H1", "PN", "2025-02-10 09:00", 10, "15.00"),
        line("N08", "H3", "PN", "2025-02-11 09:00", 10, "15.00"),
        line("N09", "H1", "CN", "2025-04-01 09:00", 1, "800.00"),
        line("N10", "H1", "CW", "2025-04-02 09:00", 1, "700.00"),
        line("N11", "H3", "CN", "2025-04-01 09:00", 2, "800.00"),
    ], demand_filings=[
        demand("B1", "H1", "V1", 500, "2024-12-01 10:00"),
        demand("B1", "H2", "V1", 300, "2025-07-01 10:00"),
    ], exemptions=[exemption("H2", "V1", "2025-03-01", "2025-03-31", "supply_problem")])
    assert_alerts(run.alerts, N1, [("H2", "B1", "V1", "critical", 200.0, 0.0),
                                   ("H3", "B2", "V2", "critical", 2.0, 0.0)], key=KEY)
    h2 = next(a for a in run.of(N1) if a["institution_code"] == "H2")
    assert "约谈医疗机构负责人" in h2["message"] and "200" in h2["message"]


def test_n1_a_zero_filing_is_no_demand_and_backup_counts_as_bought(engine):
    # The lead H1 filed 0 for B1/V1: neither it nor its silent member H3 has a filing
    # > 0 → both alert (100 units each at 1.50/unit). H2 filed nothing and bought PN, but
    # also 1 pack of backup PB → it bought an awarded product → none.
    run = engine.monitor("2025-06-30", [N1], orders=[
        line("N07", "H1", "PN", "2025-02-10 09:00", 10, "15.00"),
        line("N08", "H3", "PN", "2025-02-11 09:00", 10, "15.00"),
        line("N12", "H2", "PN", "2025-02-12 09:00", 20, "15.00"),
        line("N13", "H2", "PB", "2025-05-12 09:00", 1, "12.00"),
    ], demand_filings=[demand("B1", "H1", "V1", 0, "2024-12-01 10:00")])
    assert_alerts(run.alerts, N1, [("H1", "B1", "V1", "critical", 100.0, 0.0),
                                   ("H3", "B1", "V1", "critical", 100.0, 0.0)], key=KEY)
