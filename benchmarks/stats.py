"""The arithmetic behind the figures: percentiles and the latency summary every figure is reported in."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without numpy: the bench reports many of them."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def summarize(seconds: Sequence[float]) -> dict[str, float]:
    """n, p50/p95/p99 and mean in milliseconds of latencies given in seconds."""
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(sum(ms) / len(ms), 2) if ms else math.nan,
    }


def duplicate_replies(threads: Sequence[tuple[str, str]]) -> int:
    """Replies beyond the first in any (channel, thread): each is one the user would see twice."""
    return sum(count - 1 for count in Counter(threads).values() if count > 1)
