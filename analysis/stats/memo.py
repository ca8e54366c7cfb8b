"""The slow resampling results, kept on disk between runs (joblib.Memory).

Why: the regression and Table 9.3 pages spend most of their time on permutations, bootstrap
resamples and recoding draws of the *published* sample. Those results depend only on the
published cases, the arguments and the statistics code, so when a build adds or edits a new
case (the extended edition) they are the same as in the last build; recomputing them made
adding one case cost three quarters of a clean build (issue 15). Decorated functions are
looked up by their arguments (data frames included, hashed by joblib) in a folder named by
the *code version*: a hash of this package's sources, the modules it imports
(:mod:`analysis.vocab`, :mod:`analysis.escape`), the label file and the versions of the
numerical libraries. Any edit to that code starts a new folder (older ones are removed), so a
stale result cannot be served. Results are deterministic (seeded streams), so a hit returns
exactly what a computation would.

Where: ``UPGRADING_RESULTS_CACHE`` (a folder), default ``_build/results`` under the project;
``UPGRADING_RESULTS_CACHE=off`` computes everything afresh.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path

from analysis import paths

ENV = "UPGRADING_RESULTS_CACHE"
#: what a computed result depends on besides its arguments (files under the project root)
CODE_FILES = ("analysis/stats/*.py", "analysis/vocab.py", "analysis/escape.py", "data/labels.csv")
LIBRARIES = ("numpy", "scipy", "pandas", "statsmodels", "joblib")


def location() -> Path | None:
    """The cache's root folder, or None when caching is off."""
    value = os.environ.get(ENV, "")
    if value.lower() in ("off", "0", "no", "false"):
        return None
    return Path(value) if value else paths.RESULTS_CACHE_DIR


@functools.lru_cache(maxsize=None)
def code_version() -> str:
    """Hash of everything a result depends on besides its arguments."""
    h = hashlib.sha256()
    for pattern in CODE_FILES:
        for f in sorted(paths.ROOT.glob(pattern)):
            h.update(f.relative_to(paths.ROOT).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for lib in LIBRARIES:
        h.update(f"{lib}=={metadata.version(lib)}\0".encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def _memory(root: str):
    from joblib import Memory  # imported here: pages that never resample do not pay for it

    base = Path(root)
    here = base / code_version()
    if base.is_dir():
        for old in base.iterdir():  # results of earlier code can never be served again
            if old.is_dir() and old.name != here.name:
                shutil.rmtree(old, ignore_errors=True)
    return Memory(here, verbose=0)


_INSIDE = {"depth": 0}
#: calls answered from the memo and calls computed, in this process (read by the tests)
COUNTS = {"hits": 0, "misses": 0}


def cached(func):
    """Keep ``func``'s results on disk, keyed by its arguments and the code version.

    A cached function called inside another one computes directly: a recoding analysis
    that runs a thousand cell tests must not write a thousand entries."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        root = location()
        if root is None or _INSIDE["depth"]:
            return func(*args, **kwargs)
        _INSIDE["depth"] += 1
        try:
            memoised = _memory(str(root)).cache(func)
            COUNTS["hits" if memoised.check_call_in_cache(*args, **kwargs) else "misses"] += 1
            return memoised(*args, **kwargs)
        finally:
            _INSIDE["depth"] -= 1

    wrapper.uncached = func
    return wrapper
