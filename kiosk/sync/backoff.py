"""Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
Jitter"): the n-th retry waits a uniform random time in [0, min(cap, base·2ⁿ)], so a store's
kiosks coming back together do not hammer the back office in step."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base_s: float = 1.0
    cap_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap_s, self.base_s * 2 ** min(self.failures, 30))
        self.failures += 1
        return self.rng.uniform(0, ceiling)

    def reset(self) -> None:
        self.failures = 0
