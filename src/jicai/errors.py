"""The exceptions jicai raises, in one tree.

::

    JicaiError                 anything jicai refuses to do, with a bilingual message
    ├── ContractError          input breaks the data contract; carries *every* Problem
    ├── CalendarError          a working-day calculation needs a year nobody supplied
    ├── ProfileError           a policy profile names an unknown rule or setting
    ├── WarehouseError         the warehouse folder is missing, locked or damaged
    └── EngineError            a monitor run cannot be carried out

Every message is given in Simplified Chinese first and English second, because
the people who read them are bureau officers, pharmacists and company clerks.
The CLI prints ``str(error)`` and exits non-zero; nothing else is needed to
explain the failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jicai.contract.problems import Problem


class JicaiError(Exception):
    """Base of every error jicai raises on purpose."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en


class ContractError(JicaiError):
    """Input files break the data contract; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        files = sorted({p.file for p in problems})
        super().__init__(
            f"数据不符合数据契约：{len(problems)} 个问题，涉及 {len(files)} 个文件；未导入任何数据。",
            f"The data breaks the data contract: {len(problems)} problem(s) in "
            f"{len(files)} file(s); nothing was imported.",
        )


class CalendarError(JicaiError):
    """The working-day calendar does not know a year that a calculation needs."""

    def __init__(self, year: int, detail_zh: str = "", detail_en: str = "") -> None:
        self.year = year
        super().__init__(
            f"工作日历不包含 {year} 年{detail_zh}。请在国务院办公厅发布 {year} 年节假日安排后，"
            f"升级 chinesecalendar，或用 --calendar 提供含该年每一天的日历文件"
            f"（CSV：date,is_workday）。",
            f"The working-day calendar does not know the year {year}{detail_en}. Once the "
            f"State Council publishes the {year} holiday schedule, upgrade chinesecalendar, "
            f"or pass --calendar with a file listing every day of that year "
            f"(CSV: date,is_workday).",
        )


class ProfileError(JicaiError):
    """A policy profile is malformed: unknown rule, unknown or missing setting."""


class WarehouseError(JicaiError):
    """The warehouse cannot be read or written."""


class EngineError(JicaiError):
    """A monitor run cannot be carried out."""
