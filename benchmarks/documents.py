"""Timing the documents (issue 7 item 5): 一院一档 for every institution, and the circular.

``measure(home, out, as_of, profile)`` monitors the warehouse once at ``as_of`` (the
run a bureau's monthly job makes anyway; timed apart as ``monitor_s``), then times,
from that run folder:

- ``hospital_monthly_s`` — the 一院一档 XLSX of every institution for the month of
  ``as_of`` and their index (target at 10 M lines: ≤ 60 s);
- ``circular_s`` — the quarterly circular of the quarter of ``as_of``, DOCX and PDF
  (target at 10 M lines: ≤ 20 s);
- ``workbooks`` — how many 一院一档 files were written.

``as_of`` should be a month's last day (the demo's 2025-11-30 is): a month's file is
made from a run at its end. Run alone::

    .venv/bin/python benchmarks/documents.py HOME OUT 2025-11-30 henan
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path


def measure(home: Path, out: Path, as_of: date, profile: str) -> dict[str, float]:
    from jicai.policy.profiles import load_profile
    from jicai.reports import jobs
    from jicai.reports.run_data import make_run
    from jicai.warehouse.store import Warehouse

    out.mkdir(parents=True, exist_ok=True)
    run = out / "run"
    t0 = time.perf_counter()
    make_run(Warehouse(home), as_of, load_profile(profile), run)
    t1 = time.perf_counter()
    month = f"{as_of.year}-{as_of.month:02d}"
    paths = jobs.hospital_monthly(home, None, profile, out, month=month, run_dir=run)
    t2 = time.perf_counter()
    quarter = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
    jobs.circular(home, None, profile, out, quarter=quarter, run_dir=run)
    t3 = time.perf_counter()
    return {"monitor_s": round(t1 - t0, 2), "hospital_monthly_s": round(t2 - t1, 2),
            "circular_s": round(t3 - t2, 2), "workbooks": float(len(paths) - 1)}


if __name__ == "__main__":  # pragma: no cover
    home_arg, out_arg, day, prof = sys.argv[1:5]
    print(measure(Path(home_arg), Path(out_arg), date.fromisoformat(day), prof))
