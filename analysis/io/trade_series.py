"""A reader's own trade series for the Chapter 8 page: a CSV inside the project, validated by
the Chapter 8 rules' reader (:func:`analysis.method.trade.read_trade_series`).

Apart from :mod:`analysis.io.chapter_tables` so that only the Chapter 8 page depends on
:mod:`analysis.method.trade` through it.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.method import trade
from analysis.paths import ROOT as PROJECT_ROOT


def resolve_project_path(relative: str, root: str | Path = PROJECT_ROOT) -> Path:
    """``relative`` (a path relative to the project root) as an absolute path inside the project.

    Raises ``ValueError`` for an absolute path or one that leads outside the
    project (``..``, symbolic links), and ``FileNotFoundError`` when the file
    does not exist.
    """
    root = Path(root).resolve()
    if not relative or Path(relative).is_absolute():
        raise ValueError(f"series_file {relative!r}: give a path relative to the project root {root}")
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"series_file {relative!r} points outside the project ({path}); "
                         f"only files under {root} can be read")
    if not path.is_file():
        raise FileNotFoundError(f"series_file {relative!r}: no such file under {root}")
    return path


def load_user_series(relative: str, root: str | Path = PROJECT_ROOT) -> pd.DataFrame:
    """A reader's trade-series CSV (path relative to the project root), validated by
    :func:`analysis.method.trade.read_trade_series`."""
    return trade.read_trade_series(resolve_project_path(relative, root))
