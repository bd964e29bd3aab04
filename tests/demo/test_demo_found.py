"""The monitor finds exactly the lapses the demo province plants, under every profile."""


import pytest

from jicai.demo.generate import generate
from jicai.demo.summary import DemoSummary
from jicai.engine.run import run_monitor
from jicai.policy.profiles import BUILTIN, load_profile
from jicai.warehouse.store import Warehouse

# The alert columns a planted case is keyed by (see jicai.demo.summary).


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoSummary, Warehouse]:
    root = tmp_path_factory.mktemp("demo")
    summary = generate(root / "data", lines="tiny", fmt="csv")
    w = Warehouse(root / "home")
    w.import_folder(root / "data")
    return summary, w


@pytest.mark.parametrize("profile", BUILTIN)
def test_every_planted_lapse_is_found_and_nothing_else(
        province: tuple[DemoSummary, Warehouse], profile: str) -> None:
    summary, w = province
    p = load_profile(profile)
    result = run_monitor(w, summary.as_of, p)
    alerts = result.alerts.to_pylist()
    checked = 0
    for run in result.rules:
        if run.status != "ran":
            continue
        planted = summary.planted[run.rule_id]
        assert planted.cases is not None
        expected = dict(planted.cases)
        if run.rule_id == "demand.below_history":  # cases carry their ratio; profiles differ
            ratio = p.setting(run.rule_id, "ratio")
            expected = {k: v for k, v in expected.items() if v < ratio}
        found = {tuple(a[f] for f in planted.fields): a["value"]
                 for a in alerts if a["rule_id"] == run.rule_id}
        assert set(found) == set(expected), run.rule_id
        for key, value in expected.items():
            assert found[key] == pytest.approx(value, rel=1e-6, abs=1e-6), (run.rule_id, key)
        checked += 1
    assert checked >= 7


def test_planted_rates_are_the_configured_rates(province: tuple[DemoSummary, Warehouse]) -> None:
    summary, _w = province
    for rule_id, planted in summary.planted.items():
        if planted.rate is None or planted.population < 2000:
            continue  # too few to hold a rate (tiny province); see the generator's own tests
        assert planted.planted_rate == pytest.approx(planted.rate, rel=0.25), rule_id
