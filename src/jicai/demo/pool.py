"""Making the order chunks: one after another, or several at once for big provinces.

A chunk depends only on the market and its own number (its random stream, its
days, the number of its first line), so chunks can be made in any order and on
any core; each worker writes its part of ``orders`` and ``payments`` itself and
hands back its tally, which is merged in chunk order. The files are the same
bytes whichever way they were made.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from jicai.demo import tables as tb
from jicai.demo.days import WorkDays
from jicai.demo.market import Market
from jicai.demo.orders import Chunk, LineRates, Tally

PARALLEL_FROM_CHUNKS = 3  # below this a pool costs more (starting workers) than it saves


@dataclass(frozen=True)
class Job:
    market: Market
    workdays: WorkDays
    seed: int
    rates: LineRates
    case_rates: dict[str, float]
    keep_cases: bool
    out_dir: Path
    fmt: str
    plan: list[tuple[int, int]]  # days of each chunk

    @property
    def firsts(self) -> list[int]:
        """Number of the first order line of each chunk."""
        counts = [int(self.market.day_counts[a:b].sum()) for a, b in self.plan]
        return [0, *np.cumsum(counts)[:-1].tolist()]


def default_workers(job: Job) -> int:
    if job.fmt == "xlsx" or len(job.plan) < PARALLEL_FROM_CHUNKS:
        return 1
    return max(1, min(os.cpu_count() or 1, 4, len(job.plan)))


def make_orders(job: Job, workers: int, report: Callable[[str, float], None]
                ) -> tuple[Tally, dict[str, list[Path]]]:
    """Write ``orders`` and ``payments`` chunk by chunk; return the merged tally and files."""
    staged = workers > 1
    sinks = {name: tb.open_sink(job.out_dir, name, job.fmt, len(job.plan), staged)
             for name in ("orders", "payments")}
    tally = Tally(job.market, job.keep_cases, job.case_rates)
    parts = _in_pool(job, workers) if staged else _here(job, sinks)
    for done, part in enumerate(parts, start=1):
        tally.merge(part)
        report("orders", done / len(job.plan))
    return tally, {name: sink.close() for name, sink in sinks.items()}


def _here(job: Job, sinks: dict[str, tb.Sink]) -> Iterator[Tally]:
    for number in range(len(job.plan)):
        yield _make(job, number, sinks)


def _make(job: Job, number: int, sinks: dict[str, tb.Sink]) -> Tally:
    m = job.market
    chunk = Chunk(m, job.workdays, job.seed, number, job.plan[number], job.firsts[number],
                  job.rates)
    tally = Tally(m, job.keep_cases, job.case_rates)
    chunk.tally(tally)
    codes = (pa.array(m.p.inst_code), pa.array(m.c.code), pa.array(m.p.company_code))
    sinks["orders"].write(chunk.orders(*codes), number)
    sinks["payments"].write(chunk.payments(), number)
    return tally


# -- worker threads -------------------------------------------------------------------------


def _work(job: Job, number: int) -> Tally:
    sinks = {name: tb.open_sink(job.out_dir, name, job.fmt, len(job.plan), staged=True)
             for name in ("orders", "payments")}
    return _make(job, number, sinks)


def _in_pool(job: Job, workers: int) -> Iterator[Tally]:
    """Tallies in chunk order, at most two chunks ahead per worker (memory stays flat).

    Threads, not processes: numpy, the random generators and Parquet writing
    release the GIL for the heavy work, and threads need no pickling, no
    re-import of ``__main__`` and no fork of a threaded process.
    """
    with ThreadPoolExecutor(workers, thread_name_prefix="jicai-demo") as pool:
        pending: deque[Future[Tally]] = deque()
        following = iter(range(len(job.plan)))
        for number in following:
            pending.append(pool.submit(_work, job, number))
            if len(pending) >= 2 * workers:
                break
        while pending:
            yield pending.popleft().result()
            for number in following:
                pending.append(pool.submit(_work, job, number))
                break
