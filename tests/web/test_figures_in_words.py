"""Alert figures in their units, run sources and scopes by name, profiles by name:
what the walk as every persona found still raw (issue 9: ratios as 0.9354, hours as
191.0675, profile ids, 'file alerts.csv', codes in job titles)."""

from __future__ import annotations

from django.utils import translation

from jicai.web.alerts.templatetags.alert_tags import figure
from jicai.web.dashboards.templatetags.profile_tags import profile_name, run_source, scope_name
from tests.web.world import World


def test_each_rule_figure_in_its_unit() -> None:
    with translation.override("zh-hans"):
        assert figure(0.93541, "progress.behind_schedule") == "93.5%"
        assert figure(191.0675, "order.unresponded_48h") == "191.1 小时"
        assert figure(12.5, "price.above_listing") == "12.50 元"
        assert figure(37.0, "payment.overdue") == "37 天"
        assert figure(3.0, "ticket.reply_overdue") == "3 个工作日"
        assert figure(None, "payment.overdue") == "—"
        assert figure(1234.0) == "1,234"  # a count stays a number
    with translation.override("en"):
        assert figure(191.0675, "order.unresponded_48h") == "191.1 h"


def test_sources_profiles_and_scopes_by_name(world: World) -> None:
    with translation.override("zh-hans"):
        assert run_source("file alerts.csv") == "文件 alerts.csv"
        assert run_source("warehouse 20251201T000000Z") == "数据仓库快照 20251201T000000Z"
        assert profile_name("henan") == "河南省"
        assert scope_name("H_A") == "A县人民医院" and scope_name("220102") == "A县"
        assert scope_name("nowhere") == "nowhere"
