"""What the Chapter 1 page (``chapters/ch01_cases.md``: the sectors, the field studies and the
case list) shows besides its tables: the counts its prose glues in
(:func:`table_1_2_values`, :func:`table_1_3_values`) and the footnotes of Table 1.2
(:func:`table_1_2_notes`). The sentences are the page's Markdown.
"""
from __future__ import annotations

import pandas as pd

from analysis import escape
from analysis.method import tables


def table_1_2_values(t12: pd.DataFrame) -> dict:
    """Rows of Table 1.2 (from :func:`analysis.method.tables.table_1_2`), the cases they
    describe, and its missing numeric cells."""
    return {"n_field_rows": int(len(t12)), "n_field_cases": int(t12["case_id"].nunique()),
            "n_na_cells": int(t12[list(tables.TABLE_1_2_NUMERIC.values())].isna().sum().sum())}


def table_1_2_notes(notes: pd.DataFrame) -> tuple[str, dict]:
    """The footnotes of Table 1.2 as a list, marker in bold.

    In Python because the list has one item per footnote of the data file
    (``data/book/table_1_2_notes.csv``), which Markdown cannot repeat; marker and text are
    the book's, so both are escaped."""
    return "\n".join(f"- **{escape.myst(m)}**: {escape.myst(n)}" for m, n in zip(notes["marker"], notes["note"])), {}


def table_1_3_values(t13: pd.DataFrame, cases: pd.DataFrame) -> dict:
    """Rows of Table 1.3 and the distinct cases of the book in the case database."""
    return {"n_t13": int(len(t13)), "n_cases": int(len(cases[cases["origin"] == "book"]))}


def reconciliation_view(rec: pd.DataFrame, cases: pd.DataFrame, show_all: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, download) of the reconciliation table: the decisions that needed evidence (or
    every matched row, ``show_all``), each with the book table and its printed page, the
    label as printed and the case's name (linked to its page through the download's
    ``case_id``); the download holds the same rows with every column of the data file."""
    from analysis.io.bookref import book_ref

    rows = rec if show_all else rec[rec["evidence"].notna()]
    rows = rows.reset_index(drop=True)
    names = dict(zip(cases["case_id"], cases["name"]))
    shown = pd.DataFrame({"Book table": [book_ref(t) for t in rows["table"]],
                          "Printed as": rows["printed_label"],
                          "Case": [names.get(c, c) for c in rows["case_id"]],
                          "Decision": rows["decision"], "Evidence": rows["evidence"]})
    return shown, rows
