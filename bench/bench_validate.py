"""Benchmark: validating many contributed cases in one YAML file.

    python bench/bench_validate.py                 # 10,000 cases (the target: < 15 s, < 500 MB)
    python bench/bench_validate.py --cases 200     # a smoke size (the test suite runs this)
    python bench/bench_validate.py --json out.json

The cases are copies of ``cases/TEMPLATE.yaml``'s case with distinct ids and
varied scores, written as one file. Validation runs in a fresh child process
(``python -m analysis.io.newcases validate DIR``, what a user runs), so the peak
resident memory it reports (``ru_maxrss`` of the child) is that of validation
alone, interpreter and imports included. Figures are recorded in
``docs/performance.md``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15.0
TARGET_MB = 500.0


def write_cases(path: Path, n: int) -> int:
    """Write ``n`` valid cases to ``path``; returns the file size in bytes."""
    case = yaml.safe_load((ROOT / "cases" / "TEMPLATE.yaml").read_text(encoding="utf-8"))["cases"][0]
    one = yaml.safe_dump([case], allow_unicode=True, sort_keys=False)
    lines = ["cases:"]
    for i in range(n):
        text = one.replace(f"id: {case['id']}", f"id: bench-case-{i}", 1)
        text = text.replace("score: 1.5", f"score: {(i % 7) / 2}", 1)
        lines.append("\n".join("  " + ln for ln in text.splitlines()))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def run(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases"
        cases.mkdir()
        size = write_cases(cases / "many.yaml", n)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "analysis.io.newcases", "validate", str(cases)],
                              cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"validation failed:\n{done.stderr[-2000:]}")
    if not done.stdout.startswith(f"OK: {n} case(s)"):
        raise SystemExit(f"unexpected output: {done.stdout[:200]}")
    return {"cases": n, "file_mb": round(size / 1e6, 1), "seconds": round(seconds, 2),
            "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
            "ms_per_case": round(1000 * seconds / n, 3),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    result = run(args.cases)
    ok = result["seconds"] < TARGET_SECONDS and result["peak_rss_mb"] < TARGET_MB
    print(f"{result['cases']} cases ({result['file_mb']} MB of YAML): {result['seconds']} s, "
          f"peak {result['peak_rss_mb']} MB ({result['ms_per_case']} ms per case); "
          f"target < {TARGET_SECONDS:g} s and < {TARGET_MB:g} MB: {'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0 if ok or args.cases != 10_000 else 1


if __name__ == "__main__":
    sys.exit(main())
