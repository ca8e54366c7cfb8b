"""Printed tables stored cell by cell.

The case-study tables of Chapters 2-5 and 8 have irregular layouts (panels,
subtotals, ranges, footnotes), so each is stored as one CSV of *cells*, one row
per printed cell, with columns:

``row``      the row label exactly as printed (panel prefix added as ``Panel | label`` when needed)
``column``   the column label exactly as printed
``printed``  the cell text exactly as printed ("1,005.0", "n.a.", "60–90")
``kind``     ``input`` (a primary figure) or ``derived`` (a total, share, ratio, change... that
             the book computed from other cells; derived cells are audited, never used as inputs)
``line``     line number of the cell's row in the source text of the book
``note``     our own note (footnote marker meaning, reconstruction decision), may be empty

:func:`read_cells` loads and validates such a file; :func:`number` reads the value of
an input cell. Table functions receive the loaded frame; they do no I/O.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.method.printed import parse_printed

CELLS_SCHEMA = pa.DataFrameSchema(
    {
        "row": pa.Column(str),
        "column": pa.Column(str),
        "printed": pa.Column(str, nullable=True),
        "kind": pa.Column(str, pa.Check.isin(["input", "derived"])),
        "line": pa.Column(int, pa.Check.ge(1)),
        "note": pa.Column(str, nullable=True),
    },
    strict=True,
    unique=["row", "column"],
    coerce=True,
    name="printed table cells",
)


def read_cells(path: str | Path) -> pd.DataFrame:
    """Load a cells CSV and validate it; errors name the file, row and column."""
    path = Path(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["note"] = df.get("note", "")
    try:
        df = CELLS_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValueError(f"{path}: invalid cells file:\n{exc.failure_cases.to_string()}") from exc
    # every printed text must be readable as a number, a range or a missing marker
    for i, text in enumerate(df["printed"], start=2):
        try:
            parse_printed(text)
        except ValueError as exc:
            raise ValueError(f"{path}, line {i}, field 'printed': {exc}") from exc
    df.attrs["source"] = str(path)
    return df


def number(cells: pd.DataFrame, row: str, column: str) -> float:
    """Value of one *input* cell (NaN when printed as missing).

    Refuses derived cells: the book's own totals must never feed a computation.
    """
    hit = cells[(cells["row"] == row) & (cells["column"] == column)]
    if hit.empty:
        raise KeyError(f"no cell ({row!r}, {column!r}) in {cells.attrs.get('source', 'table')}")
    rec = hit.iloc[0]
    if rec["kind"] != "input":
        raise ValueError(f"cell ({row!r}, {column!r}) is a printed derived value; it cannot be an input")
    v = parse_printed(rec["printed"]).value
    return float("nan") if v is None else v


def printed(cells: pd.DataFrame, row: str, column: str) -> str:
    """Printed text of any cell (input or derived)."""
    hit = cells[(cells["row"] == row) & (cells["column"] == column)]
    if hit.empty:
        raise KeyError(f"no cell ({row!r}, {column!r}) in {cells.attrs.get('source', 'table')}")
    return hit.iloc[0]["printed"]


def wide(cells: pd.DataFrame) -> pd.DataFrame:
    """The table as printed: rows and columns in the order they appear in the file."""
    rows = list(dict.fromkeys(cells["row"]))
    cols = list(dict.fromkeys(cells["column"]))
    out = cells.pivot(index="row", columns="column", values="printed")
    return out.reindex(index=rows, columns=cols)
