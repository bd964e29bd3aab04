"""Seeded random streams: one per part of the province, so parts do not disturb each other."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str, *index: int) -> np.random.Generator:
    """A PCG64 generator for ``name`` (and ``index``, e.g. a chunk number) under ``seed``."""
    entropy = [seed, zlib.crc32(name.encode()), *index]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    """1, 1/2^s, 1/3^s, … — a few items carry most of the weight."""
    return 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
