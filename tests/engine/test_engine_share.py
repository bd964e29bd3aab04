"""S1 share.nonwinning_high, worked out by hand (rules.md: non-winning share, excluded
purchases; HENAN 二(四), JILIN 第二十一条、第二十三条)."""

from __future__ import annotations

from engine_kit import agreed, assert_alerts, exemption, line

S1 = "share.nonwinning_high"
BY_VARIETY = ("institution_code", "variety_code", "severity")


def test_s1_boundary_and_every_exclusion(engine):
    # as_of 2025-06-30, threshold 0.5 (strictly above alerts). B1 agreed for H1, H2, H3 on V1.
    # share = non-winning / (winning + backup + non-winning), excluded purchases left out.
    # Supply problem for every institution (institution empty) on V1, 2025-04-01 … 04-30.
    #
    # H1: PW 50 packs (500) + PN 50 packs (500)                         → 500/1000 = 0.5
    #     + PQ 40 packs @ 10.00 = 1.00/unit = the lowest winning price per unit (PW 10.00
    #       per 10) and quality-equivalent → excluded. Share stays 0.5 → no alert
    #       (counted, it would be 900/1400).
    # H2: PW 50 packs (500) + PN 51 packs (510)                         → one pack past
    #     + PQ 10 packs @ 10.01 = 1.001/unit > 1.00 → counted (100)
    #     share = 610 / 1110 = 0.549550 → alert.
    # H3: PW 10 packs (100); PN 11 packs @ 5.00 in May (110; cheap but not
    #     quality-equivalent → counted); PN 20 packs in April (200, excluded: supply
    #     problem); PB 2 packs in April (20, backup inside the supply problem → excluded).
    #     share = 110 / (100 + 110) = 0.523810 → alert.
    #     (Backup left in: 110/230 = 0.478 — no alert; April PN left in: 310/430.)
    # B2/H2/V2 bought nothing: empty denominator → no alert, no crash.
    run = engine.monitor("2025-06-30", [S1], agreed_volumes=[
        agreed("B1", "H2", "V1", 1000), agreed("B1", "H3", "V1", 1000),
    ], exemptions=[
        exemption(None, "V1", "2025-04-01", "2025-04-30", "supply_problem"),
    ], orders=[
        line("S01", "H1", "PW", "2025-02-01 09:00", 50),
        line("S02", "H1", "PN", "2025-03-01 09:00", 50),
        line("S03", "H1", "PQ", "2025-05-01 09:00", 40, "10.00"),
        line("S04", "H2", "PW", "2025-02-01 09:00", 50),
        line("S05", "H2", "PN", "2025-03-01 09:00", 51),
        line("S06", "H2", "PQ", "2025-05-01 09:00", 10, "10.01"),
        line("S07", "H3", "PW", "2025-02-01 09:00", 10),
        line("S08", "H3", "PN", "2025-05-01 09:00", 11, "5.00"),
        line("S09", "H3", "PN", "2025-04-01 00:00", 20),
        line("S10", "H3", "PB", "2025-04-30 23:59", 2, "12.00"),
    ])
    assert_alerts(run.alerts, S1, [
        ("H2", "V1", "warning", 610 / 1110, 0.5),
        ("H3", "V1", "warning", 110 / 210, 0.5),
    ], key=BY_VARIETY)
    assert run.row("B1", "H1", "V1")["nonwinning_share"] == 0.5
    assert run.row("B1", "H1", "V1")["excluded_units"] == 400
    assert run.row("B1", "H3", "V1")["excluded_units"] == 220
    assert run.row("B2", "H2", "V2")["nonwinning_share"] is None


def test_s1_everything_excluded_is_an_empty_denominator(engine):
    # H1 bought only non-winning PN inside its own supply problem (2025-02-01 … 02-28):
    # all 300 units are excluded → winning + backup + non-winning − excluded = 0 →
    # no share, no alert, no crash. H2's supply problem (named H2) does not cover H1's
    # PN in March: B1/H2/V1 bought PN 10 packs in March and nothing else → 100/100 = 1.0.
    run = engine.monitor("2025-06-30", [S1], agreed_volumes=[
        agreed("B1", "H2", "V1", 1000),
    ], exemptions=[
        exemption("H1", "V1", "2025-02-01", "2025-02-28", "supply_problem"),
        exemption("H2", "V1", "2025-01-01", "2025-01-31", "supply_problem"),
    ], orders=[
        line("T01", "H1", "PN", "2025-02-10 09:00", 30),
        line("T02", "H2", "PN", "2025-03-10 09:00", 10),
    ])
    assert_alerts(run.alerts, S1, [("H2", "V1", "warning", 1.0, 0.5)], key=BY_VARIETY)
    row = run.row("B1", "H1", "V1")
    assert (row["nonwinning_units"], row["excluded_units"], row["nonwinning_share"]) == (
        300, 300, None)
