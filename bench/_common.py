"""Shared helpers for the benchmarks: pairwise metrics, timing and peak memory."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psutil


def pairs_of(clusters: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of record ids that share a cluster."""
    out: set[tuple[str, str]] = set()
    for members in clusters:
        for a, b in itertools.combinations(sorted(members), 2):
            out.add((a, b))
    return out


@dataclass
class Result:
    name: str
    precision: float
    recall: float
    f1: float
    seconds: float
    peak_mb: float
    predicted: set[tuple[str, str]]

    def line(self) -> str:
        return (
            f"{self.name:<28} P={self.precision:.4f} R={self.recall:.4f} F1={self.f1:.4f} "
            f"time={self.seconds:7.2f}s peak_rss={self.peak_mb:7.0f} MB"
        )


def score(
    name: str, predicted: set[tuple[str, str]], truth: set[tuple[str, str]], seconds: float, peak: float
) -> Result:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Result(name, precision, recall, f1, seconds, peak / 2**20, predicted)


class PeakRSS:
    """Samples this process's resident memory every 20 ms (numpy/duckdb allocations included)."""

    def __enter__(self) -> "PeakRSS":
        self.proc = psutil.Process()
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def timed(fn: Callable[[], set[tuple[str, str]]]) -> tuple[set[tuple[str, str]], float, float]:
    """Run ``fn``; return (its result, seconds, peak RSS in bytes of the whole process)."""
    with PeakRSS() as mem:
        start = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - start
    return out, seconds, mem.peak
