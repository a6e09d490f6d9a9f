#!/usr/bin/env python3
"""Writes exercises/data/busy-morning.csv: the arrivals of a sandwich shop's checkout service
from 10:00 to 13:00, a slow morning that builds up to a lunchtime spike.

The rate (checkouts a second) follows a piecewise-linear curve; arrivals are a non-homogeneous
Poisson process drawn by thinning (Lewis & Shedler) from Python's Mersenne Twister with a fixed
seed, so running this script again writes the same file byte for byte. Times are offsets in
seconds from 10:00, two decimals, one arrival a row under a `time` header.

    python3 scripts/make-busy-morning.py            # writes the file
    python3 scripts/make-busy-morning.py --check    # exits 1 if the file differs
"""

import math
import pathlib
import random
import sys

SEED = 20261203
# (seconds after 10:00, checkouts a second): quiet, the late-morning build-up, the lunchtime
# spike from 12:00 to 12:30, and the tail after it.
CURVE = [
    (0, 0.15),
    (3600, 0.30),
    (6300, 0.40),
    (7200, 1.10),
    (9000, 1.00),
    (9600, 0.40),
    (10800, 0.30),
]
PEAK = max(rate for _, rate in CURVE)
OUT = pathlib.Path(__file__).resolve().parent.parent / "exercises" / "data" / "busy-morning.csv"


def rate_at(t):
    for (t0, r0), (t1, r1) in zip(CURVE, CURVE[1:]):
        if t0 <= t <= t1:
            return r0 + (r1 - r0) * (t - t0) / (t1 - t0)
    return CURVE[-1][1]


def arrivals():
    rng = random.Random(SEED)
    t, end = 0.0, CURVE[-1][0]
    while True:
        t += -math.log(1.0 - rng.random()) / PEAK
        if t >= end:
            return
        if rng.random() * PEAK < rate_at(t):
            yield t


def text():
    return "time\n" + "".join(f"{t:.2f}\n" for t in arrivals())


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text() == text() else 1)
    OUT.write_text(text())
    print(f"{OUT}: {text().count(chr(10)) - 1} arrivals")
