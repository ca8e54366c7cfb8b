"""Synthetic new cases for the build benchmark and the CI smoke test.

    python bench/synthetic_cases.py N OUT_DIR [--seed 0] [--per-file 50]

Writes N valid case files' worth of cases (``synthetic-0001`` ...) into OUT_DIR as YAML
files of up to ``per-file`` cases, built from ``cases/TEMPLATE.yaml``: sectors in turn,
scores and codes drawn from a seeded generator (the same N and seed give the same bytes),
justifications short. They are benchmark load, not data: never part of the book.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SECTORS = ("traditional", "natural_resource", "complex_products", "specialized_suppliers")
HALVES = [0, 0.5, 1, 1.5, 2, 2.5, 3, None]


def synthetic_case(i: int, rng: random.Random, template: dict, i_offset: int = 0) -> dict:
    c = yaml.safe_load(yaml.safe_dump(template))  # deep copy
    n = i + i_offset
    c["id"] = f"synthetic-{n:04d}"
    c["name"] = f"Synthetic cluster {n:04d}"
    c["location"] = f"Town {n % 97}, Region {n % 13}"
    c["country"] = ["Brazil", "Mexico", "Chile", "Argentina", "Colombia", "Peru"][n % 6]
    c["sector"]["value"] = SECTORS[n % 4]
    c["sector"]["justification"] = "Synthetic benchmark case."
    c["coder"] = "bench/synthetic_cases.py"
    c["notes"] = ""
    for group, key in (("upgrading", "score"), ("ce_components", "score")):
        for item in c[group].values():
            item[key] = rng.choice(HALVES)
            item["justification"] = "Synthetic."
    for item in c["governance"].values():
        item["code"] = rng.choice([0, 1, 2, 3, None])
        item["justification"] = "Synthetic."
    c["ce_degree"] = {"value": None, "justification": "Derived from the CE index."}
    return c


def write_cases(n: int, out: Path, seed: int = 0, per_file: int = 50, offset: int = 0) -> list[Path]:
    """Write ``n`` synthetic cases into ``out``; returns the files written."""
    template = yaml.safe_load((ROOT / "cases" / "TEMPLATE.yaml").read_text(encoding="utf-8"))["cases"][0]
    rng = random.Random(seed + offset)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for start in range(0, n, per_file):
        chunk = [synthetic_case(i, rng, template, offset) for i in range(start, min(n, start + per_file))]
        path = out / f"synthetic_{offset + start:05d}.yaml"
        path.write_text(yaml.safe_dump({"cases": chunk}, sort_keys=False, allow_unicode=True), encoding="utf-8")
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-file", type=int, default=50)
    args = ap.parse_args(argv)
    write_cases(args.n, args.out, args.seed, args.per_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
