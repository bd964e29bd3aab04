import re
from pathlib import Path

import pytest

from jicai.engine.registry import load_all
from jicai.errors import ProfileError
from jicai.policy.profiles import BUILTIN, load_profile

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "rules.md"

# rules.md, "Profiles and their defaults": the rules each profile switches on.
EXPECTED = {
    "national": "P1 P2 P3 S1 D1 D2 R1 P4",
    "henan": "P1 P2 P3 S1 D1 D2 R1 R3 T1 T2 T3 C2 S2 P4 D3 L1 R4 K1",
    "ganzhou": "P1 P2 P3 D1 D2 O1 R1 R2 F1 N1 C4",
    "jilin": "P1 P2 P3 S1 A1 M1 C2 R4 T4 H1 H2",
    "guangdong": "P1 P2 P3 R1 R3 F1 F2 F3 M1 C1 C3 C5 R4 H1 H2 H3",
}


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_profiles_switch_on_the_rules_of_the_spec(name: str) -> None:
    registry = load_all()
    p = load_profile(name)
    assert sorted(registry[r].code for r in p.rules) == sorted(EXPECTED[name].split())


def test_thresholds_of_the_defaults_table() -> None:
    assert load_profile("ganzhou").setting("demand.below_history", "ratio") == 0.8
    assert load_profile("henan").setting("demand.below_history", "ratio") == 1.0
    assert load_profile("jilin").calculation["backup_counts_as_winning"] is True
    assert load_profile("ganzhou").setting("online.rate_low", "drug") == 0.9
    assert load_profile("ganzhou").setting("online.rate_low", "hv_consumable") == 0.8
    g = load_profile("guangdong")
    assert (g.setting("filing.amount_over_limit", "drug"),
            g.setting("filing.items_over_limit", "drug_items"),
            g.setting("filing.amount_over_limit", "consumable")) == (0.01, 0.05, 0.05)
    assert g.setting("delivery.overdue", "hours") == 72


def test_v11_defaults_of_rules_a() -> None:
    # rules.md, "Profiles and their defaults": P4 60 / 60; R4 0.90 / 20 (72 h); T4 90 d / 3;
    # D3 0.3; C4/C5 hold the 0.005 yuan rounding tolerance of C1.
    for name in ("national", "henan"):
        p = load_profile(name)
        assert (p.setting("progress.forecast_short", "min_days"),
                p.setting("progress.forecast_short", "recent_days")) == (60, 60)
    for name in ("henan", "jilin", "guangdong"):
        p = load_profile(name)
        assert [p.setting("supplier.delivery_rate_low", k)
                for k in ("threshold", "min_lines", "delivery_hours")] == [0.9, 20, 72]
    j = load_profile("jilin")
    assert (j.setting("supplier.tickets_concentrated", "window_days"),
            j.setting("supplier.tickets_concentrated", "min_institutions")) == (90, 3)
    assert load_profile("henan").setting("demand.actual_deviates", "deviation") == 0.3
    assert load_profile("ganzhou").setting("price.above_award", "tolerance") == 0.005
    assert load_profile("guangdong").setting("price.offline_above_listing", "tolerance") == 0.005


@pytest.mark.skipif(not SPEC.exists(), reason=f"the spec is not beside this checkout ({SPEC})")
def test_every_rule_of_the_spec_is_registered() -> None:
    ids = set(re.findall(r"^\| `([a-z_]+\.[a-z_0-9]+)` \|", SPEC.read_text(encoding="utf-8"),
                         re.M))
    assert len(ids) == 34  # 22 of contract v1, 12 more in v1.1 (C3 and S2 in both tables)
    assert ids == set(load_all())


def test_unknown_rule_and_setting_are_errors(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        '[profile]\nid = "mine"\n[calculation]\nbackup_counts_as_winning = false\n'
        '[rules."progress.behind_schedul"]\nclause = "x"\n'
        '[rules."share.nonwinning_high"]\nclause = "x"\nthreshold = 0.5\ncolour = "red"\n',
        encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(f)
    assert "progress.behind_schedul" in err.value.zh and "colour" in err.value.en


def test_a_missing_setting_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('[calculation]\nbackup_counts_as_winning = false\n'
                 '[rules."share.nonwinning_high"]\nclause = "x"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="threshold"):
        load_profile(f)


def test_a_bureau_file_overrides(tmp_path: Path) -> None:
    f = tmp_path / "nanyang.toml"
    f.write_text('[profile]\nid = "nanyang"\n[calculation]\nbackup_counts_as_winning = false\n'
                 '[rules."share.nonwinning_high"]\nclause = "宛医保办〔2025〕18号"\n'
                 'threshold = 0.3\n', encoding="utf-8")
    p = load_profile(f)
    assert p.id == "nanyang" and p.setting("share.nonwinning_high", "threshold") == 0.3


def test_unknown_profile_name() -> None:
    with pytest.raises(ProfileError, match="hunan"):
        load_profile("hunan")
