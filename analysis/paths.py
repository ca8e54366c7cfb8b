"""Where things are: the ONE place that computes the project root and the folders
under it. Every module that needs a path imports it from here.

The package is installed in editable mode (``pip install -e .``), so the root is
the folder holding this package, wherever the checkout lives.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
CHAPTERS_DATA_DIR = DATA_DIR / "chapters"
POLICY_DATA_DIR = DATA_DIR / "policy"
CASES_CSV = DATA_DIR / "cases.csv"
CHAPTERS_DIR = ROOT / "chapters"
BUILD_DIR = ROOT / "_build"
RESULTS_CACHE_DIR = BUILD_DIR / "results"  # analysis.stats.memo: slow resampling results kept between builds
