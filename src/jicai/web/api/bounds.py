"""The bounds of every value the API takes, so that a bad one is a 422, never a 500.

Numbers are bounded by what the database column holds (a 64-bit id, a
``DECIMAL(18,4)`` amount), enums come from the one contract schema
(:data:`jicai.contract.schemas.TABLES`) or from the workflow's status choices,
and text is bounded in length and free of NUL characters (PostgreSQL refuses
them). Pages hold at most :data:`MAX_PAGE` items.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Path, Query, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator

from jicai.contract.schemas import TABLES

#: The largest id of a row (Django's BigAutoField: a signed 64-bit integer).
MAX_ID = 2**63 - 1
#: The most items one page of a list holds, and the default page size.
MAX_PAGE = 200
DEFAULT_PAGE = 100
#: The furthest offset into a list (beyond any real table; keeps the SQL in range).
MAX_OFFSET = 10**9
#: The most units a demand-filing line may state (a 64-bit integer column).
MAX_UNITS = 2**63 - 1
#: Dates the workflows accept: the years the working-day calendar can be asked about.
FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("text must not contain NUL (\\x00) characters / 文本不能包含空字符")
    return text


_NO_NUL = AfterValidator(_no_nul)


def _enum_doc(values: tuple[str, ...]) -> Any:
    return Field(json_schema_extra={"enum": list(values)})


def _enum_check(values: tuple[str, ...], what: str) -> Any:
    def check(value: str) -> str:
        if value not in values:
            raise ValueError(f"{what} must be one of {', '.join(values)} / "
                             f"{what} 应为 {'、'.join(values)} 之一")
        return value

    return AfterValidator(check)


#: A code of the reference data (institution, product, company, variety).
Code = Annotated[str, Field(max_length=60), _NO_NUL]
#: A name (a product's name).
Name = Annotated[str, Field(max_length=200), _NO_NUL]
#: A word (an action) and a user name.
Word = Annotated[str, Field(max_length=20), _NO_NUL]
Username = Annotated[str, Field(max_length=150), _NO_NUL]
#: Free text (a reason, a note, a reply).
Long = Annotated[str, Field(max_length=10_000), _NO_NUL]

_CATEGORY = TABLES["filings"].column("category").enum
#: A purchase's category: the contract's own list (``filings.category``).
PurchaseCategory = Annotated[str, _enum_doc(_CATEGORY),
                             _enum_check(_CATEGORY, "filings.category")]


def _in_calendar(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"the date must lie between {FIRST_DAY} and {LAST_DAY} / "
                         f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间")
    return day


#: A date the workflows accept.
Day = Annotated[dt.date, AfterValidator(_in_calendar)]
#: A record's id in a path.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: A record's id as a filter.
QueryId = Annotated[int | None, Query(None, ge=1, le=MAX_ID)]
#: Units in a demand filing.
Units = Annotated[int, Field(ge=0, le=MAX_UNITS)]
#: A purchase's quantity (``DECIMAL(14,2)``) and amount in yuan (``DECIMAL(18,4)``).
Quantity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2,
                                    allow_inf_nan=False)]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4, allow_inf_nan=False)]


class Page(LimitOffsetPagination):
    """``limit`` (1 … 200, default 100) and ``offset`` (0 … 10⁹), both documented."""

    class Input(Schema):
        limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE,
                           description=f"items per page, at most {MAX_PAGE} / 每页条数，最多 "
                                       f"{MAX_PAGE}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip / 跳过的条数")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)
