"""How big the province is for a number of order lines.

A real province is ~5 000 institutions and 50–200 million order lines a year; a
demo of a few thousand lines keeps the same shape with fewer cities, so that
each institution still has enough lines for its figures to mean something.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    cities: int
    districts: int  # city districts (市辖区) per city
    counties: int  # counties and county-level cities per city
    city_hospitals: int  # municipal hospitals per city
    private_hospitals: int  # per city
    communities: int  # community health centres per district
    townships: int  # township health centres per county
    villages: int  # village clinics per county
    pharmacies: int  # retail pharmacies per county or district
    makers: int  # manufacturers of an ordinary variety (more for basic drugs)
    other_items: int  # ordinary (non-VBP) catalogue items used
    vbp_per_batch: int  # VBP varieties per batch
    nonwinners: int  # non-winning manufacturers of a VBP variety (at most)
    manufacturers: int  # size of the manufacturer pool
    distributors: int  # distributors per city


SCALES: tuple[tuple[int, Scale], ...] = (
    (20_000, Scale(2, 1, 2, 2, 1, 1, 3, 3, 2, 2, 30, 2, 2, 14, 1)),
    (500_000, Scale(4, 1, 3, 3, 2, 2, 5, 6, 3, 4, 80, 4, 3, 40, 2)),
    (5_000_000, Scale(8, 2, 4, 4, 3, 3, 8, 10, 5, 12, 200, 6, 4, 120, 2)),
    (0, Scale(17, 2, 7, 5, 4, 4, 12, 12, 8, 30, 200, 99, 5, 400, 3)),
)


def scale_for(lines: int) -> Scale:
    for limit, scale in SCALES:
        if lines <= limit:
            return scale
    return SCALES[-1][1]
