"""Benchmark of the regression machinery on synthetic case frames (not a test).

For 1,000, 10,000 and 100,000 synthetic cases it times, in one process per size,
building the model frame, OLS with HC3 errors for each of the five outcomes,
1,000 permutations of the OLS t-ratios for one outcome (plain outcome
permutation by default; ``--perm-method freedman_lane`` times the scheme the
book's pages use, which costs one pass per tested coefficient), and an ordered
logit for one outcome, and reports wall time per step and peak memory
(tracemalloc peak of Python/numpy allocations, and the process's maximum
resident set size). Target: under 10 s and 1 GB at 100,000 cases, growth
roughly linear in the number of cases.

Run from the repository root::

    .venv/bin/python bench/bench_models.py [--sizes 1000 10000 100000] [--perm 1000]
                                           [--perm-method outcome|freedman_lane]

Figures, machine and date of the last recorded run: ``docs/performance.md``.

Each size runs in a fresh subprocess so that ``ru_maxrss`` (a lifetime maximum)
belongs to that size alone. The subprocesses run with single-threaded BLAS
(``--blas-threads 1``, the default): the products here have only k ≈ 6 columns,
and on a small shared machine OpenBLAS threads oversubscribe the cores and
make timings several times slower and erratic; ``--blas-threads 0`` leaves the
environment alone. CPU time is printed next to wall time because wall time on a
shared machine includes waiting for other processes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc

from analysis.paths import ROOT  # noqa: E402


def run_one(n: int, n_perm: int, seed: int, perm_method: str = "outcome") -> dict:
    """Time every step for one frame size; returns seconds per step and memory in MB."""
    from analysis.stats.models import OUTCOMES, fit_ols, fit_ordered, permutation_pvalues, prepare
    from analysis.stats.variables import model_frame, synthetic_cases

    cases = synthetic_cases(n, seed=seed, missing_rate=0.02)   # input data: not timed
    times = {}
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()

    def step(name, since):
        """Record the wall time of one step; return the start of the next."""
        times[name] = time.perf_counter() - since
        return time.perf_counter()

    t = t0
    frame = model_frame(cases)
    t = step("model_frame", t)
    fits = [fit_ols(frame, o, n_perm=0, n_boot=0) for o in OUTCOMES]
    assert all(f.estimable for f in fits), [f.reason for f in fits]
    t = step("ols_hc3_x5", t)
    prep = prepare(frame, "product", fits[0].regressors)
    p = permutation_pvalues(prep.X.to_numpy(), prep.y, n_perm=n_perm, seed=seed, method=perm_method)
    t = step(f"perm_{n_perm}", t)
    ologit = fit_ordered(frame, "product", distr="logit")
    assert ologit.estimable, ologit.reason
    t = step("ologit", t)
    times["total"] = time.perf_counter() - t0
    times["total_cpu"] = time.process_time() - c0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # kilobytes on Linux
    return {"n": n, **{k: round(v, 3) for k, v in times.items()},
            "tracemalloc_peak_mb": round(peak / 2**20, 1), "maxrss_mb": round(maxrss_kb / 1024, 1),
            "ce_perm_p": float(p[1])}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--perm", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=2006)
    ap.add_argument("--perm-method", choices=["outcome", "freedman_lane"], default="outcome",
                    help="permutation scheme timed (default: outcome)")
    ap.add_argument("--blas-threads", type=int, default=1,
                    help="BLAS threads in the timed subprocesses (0: leave the environment alone)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)   # internal: run one size
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.perm, args.seed, args.perm_method)))
        return
    env = dict(os.environ)
    if args.blas_threads > 0:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(args.blas_threads)
    print(f"permutation scheme: {args.perm_method}; "
          f"BLAS threads: {env.get('OPENBLAS_NUM_THREADS', 'unset')}, cores={os.cpu_count()}, "
          f"load average before={os.getloadavg()[0]:.2f}")
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--perm", str(args.perm),
                              "--seed", str(args.seed), "--perm-method", args.perm_method],
                             capture_output=True, text=True, check=True,
                             env=env)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    keys = [k for k in rows[0] if k not in ("n", "ce_perm_p")]
    width = max(len(k) for k in keys) + 1
    print("wall seconds per step unless noted")
    print(f"{'n':>8} " + " ".join(f"{k:>{width}}" for k in keys))
    for r in rows:
        print(f"{r['n']:>8} " + " ".join(f"{r[k]:>{width}}" for k in keys))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"time growth {first['n']:,} -> {last['n']:,} cases: x{last['total'] / first['total']:.1f} "
              f"for x{last['n'] / first['n']:.0f} cases")
    big = rows[-1]
    ok = big["total"] < 10 and big["maxrss_mb"] < 1024
    print(f"target (<10 s, <1 GB at {big['n']:,}): {'met' if ok else 'NOT met'} "
          f"(load average after={os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
