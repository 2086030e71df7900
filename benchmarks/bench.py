"""Performance benchmarks for ktlib: ratios measured side by side in one run.

Run with ``make bench`` (or ``python benchmarks/bench.py``). Each timing is the best of
``--repeat`` interleaved runs, so the machine's load affects every contender alike. The script
prints every ratio next to its target and exits with status 1 if a target is missed.

Targets (issue "ktlib"):

1. ``simulate`` with 32 seeds (d = 1000, 1,500 steps) is at least 1.5x faster than the
   per-seed, per-step numpy loop a newcomer writes.
2. It takes at most 1.35x the time of merely drawing the same Gaussian numbers (the floor).
3. One exact ``expected_risk`` curve (d = 2000, 20,000 steps, 60 recorded times) costs no more
   than a single-seed ``simulate`` of the same SGD.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import ktlib as kt
from ktlib._simulate import _CHUNK_FLOATS


def newcomer_loop(prob, sgd, seeds, seed=0):
    """The straightforward implementation: one seed at a time, one step at a time, with
    numpy's default generator per seed, recording the risk at simulate's default times."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(seeds)]
    record = set(kt.time_grid(sgd.steps).tolist())          # the same output as simulate
    sqrt_eigs = np.sqrt(prob.eigs)
    risks = []
    for rng in rngs:
        w = np.zeros(prob.d)
        curve = [prob.risk(w)]
        for t in range(1, sgd.steps + 1):
            x = sqrt_eigs * rng.standard_normal(prob.d)
            y = x @ prob.w_star + prob.noise * rng.standard_normal()
            w += sgd.lr * (y - x @ w) * x
            if t in record:
                curve.append(prob.risk(w))
        risks.append(curve)
    return np.array(risks)


def draw_floor(prob, sgd, seeds, seed=0):
    """Only draw the Gaussian numbers simulate needs (inputs and label noise), with the same
    generators (SFC64 streams from kt.spawn_generators) and the same chunks."""
    rngs = kt.spawn_generators(seed, seeds)
    d, batch = prob.d, sgd.batch
    L = max(1, min(sgd.steps, _CHUNK_FLOATS // (seeds * batch * d)))
    raw = np.empty((seeds, L, batch, d))
    eps = np.empty((seeds, L, batch))
    done = 0
    while done < sgd.steps:
        n = min(L, sgd.steps - done)
        for s, rng in enumerate(rngs):
            rng.standard_normal(out=raw[s, :n])
            rng.standard_normal(out=eps[s, :n])
        done += n
    return raw


def best_of(fns, repeat):
    """Best wall time of each function over ``repeat`` interleaved rounds."""
    best = {name: np.inf for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (default 5)")
    args = parser.parse_args(argv)

    rows, ok = [], True

    # 1-2: Monte Carlo throughput -----------------------------------------------------------
    prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    sgd = kt.SGD(lr=0.3, steps=1500)
    t = best_of({
        "simulate": lambda: kt.simulate(prob, sgd, seeds=32, seed=0),
        "newcomer": lambda: newcomer_loop(prob, sgd, seeds=32, seed=0),
        "draw": lambda: draw_floor(prob, sgd, seeds=32, seed=0),
    }, args.repeat)
    speedup = t["newcomer"] / t["simulate"]
    over_floor = t["simulate"] / t["draw"]
    rows.append(("simulate (32 seeds, d=1000, 1500 steps)", f"{t['simulate']:.3f} s", "", ""))
    rows.append(("newcomer loop, same work", f"{t['newcomer']:.3f} s", "", ""))
    rows.append(("drawing the Gaussian numbers only", f"{t['draw']:.3f} s", "", ""))
    rows.append(("speed-up over the newcomer loop", f"{speedup:.2f}x", ">= 1.50x",
                 "ok" if speedup >= 1.5 else "MISSED"))
    rows.append(("simulate / draw floor", f"{over_floor:.2f}x", "<= 1.35x",
                 "ok" if over_floor <= 1.35 else "MISSED"))
    ok &= speedup >= 1.5 and over_floor <= 1.35

    # 3: exact curve versus one Monte Carlo run ---------------------------------------------
    prob2 = kt.power_law(d=2000, alpha=1.5, beta=2.5, noise=1.0)
    sgd2 = kt.SGD(lr=0.3, steps=20000)
    times = np.linspace(0, 20000, 60).astype(int)                     # 60 recorded times
    t2 = best_of({
        "exact": lambda: kt.expected_risk(prob2, sgd2, times=times),
        "sim1": lambda: kt.simulate(prob2, sgd2, seeds=1, times=times, seed=0),
    }, max(2, args.repeat // 2))
    ratio = t2["exact"] / t2["sim1"]
    rows.append((f"exact curve (d=2000, 20000 steps, {times.size} times)", f"{t2['exact']:.3f} s", "", ""))
    rows.append(("single-seed simulate, same SGD", f"{t2['sim1']:.3f} s", "", ""))
    rows.append(("exact / single-seed simulate", f"{ratio:.2f}x", "<= 1.00x",
                 "ok" if ratio <= 1.0 else "MISSED"))
    ok &= ratio <= 1.0

    width = max(len(r[0]) for r in rows)
    print(f"ktlib benchmarks (best of {args.repeat} interleaved rounds, numpy {np.__version__})")
    for name, value, target, verdict in rows:
        print(f"  {name:<{width}}  {value:>9}  {target:>9}  {verdict}")
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
