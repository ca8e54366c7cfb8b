"""Links from table rows to case pages (issue 12 item 6).

A table cell that names a case becomes ``{"text": ..., "doc": "/chapters/cases/<id>"}``;
the ``literal-table`` directive (:mod:`analysis.book.sphinx_fixes`) renders it as a
``pending_xref`` whose text is a literal text node, so the link is escape-safe, and as
plain text when the page is not part of the build.

:func:`link_rows` is called by :meth:`analysis.report.present.Page.table` for every
table: when the downloaded frame has a ``case_id`` column aligned with the shown rows,
the cell naming the case (the ``case_id`` column if shown, else the first name column)
links to the case's page. Nothing else about the table changes; the CSV download keeps
the plain text.
"""
from __future__ import annotations

import re

import pandas as pd

CASES_DOC = "/chapters/cases/"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: shown column names that hold a case's name, in order of preference
NAME_COLUMNS = ("case", "name", "case name", "cluster", "case_name")


def case_link(text, case_id: str):
    """One link cell, or the text unchanged when ``case_id`` cannot name a page."""
    if not isinstance(case_id, str) or not _SLUG.match(case_id) or text is None or (isinstance(text, float) and pd.isna(text)):
        return text
    return {"text": str(text), "doc": CASES_DOC + case_id}


def _name_column(shown: pd.DataFrame) -> str | None:
    cols = {str(c).strip().lower(): c for c in shown.columns}
    for n in ("case_id", "case id"):  # the raw name or its label (data/labels.csv)
        if n in cols:
            return cols[n]
    for n in NAME_COLUMNS:
        if n in cols:
            return cols[n]
    return None


def link_rows(shown: pd.DataFrame, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """``shown`` with the case-naming cell of each row linked to its case page."""
    data = shown if data is None else data
    if "case_id" not in data.columns or len(data) != len(shown) or not data.index.equals(shown.index):
        return shown
    col = _name_column(shown)
    if col is None:
        return shown
    out = shown.copy()
    out[col] = [case_link(v, cid) if not isinstance(v, dict) else v
                for v, cid in zip(shown[col], data["case_id"])]
    return out


_TOKEN = r"\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\b"
_RUN = re.compile(rf"{_TOKEN}(?:, {_TOKEN})*")


def word_in_words(token: str, names: dict | None = None) -> str:
    """One identifier for readers: a case id as the case's name (``names``: id -> name), a
    sector code as the sector's label, a column name as its label (data/labels.csv); any
    other token unchanged."""
    from analysis.vocab import SECTOR_LABELS, column_label, is_identifier

    if names and token in names:
        return str(names[token])
    if token in SECTOR_LABELS:
        return SECTOR_LABELS[token]
    return column_label(token) if is_identifier(token) else token


def in_words(text, names: dict | None = None):
    """``text`` (an audit rule's evidence) for readers: every identifier in it through
    :func:`word_in_words`, so "furniture-sao-bento-do-sul" reads "Furniture, São Bento do
    Sul" and "upgrading_process 2.67" "Process upgrading 2.67". Other text is unchanged."""
    if not isinstance(text, str):
        return text

    def run(m):  # "a-b, c-d": names hold commas themselves, so a list of cases is joined by "; "
        tokens = m.group(0).split(", ")
        sep = "; " if names and all(t in names for t in tokens) and len(tokens) > 1 else ", "
        return sep.join(word_in_words(t, names) for t in tokens)
    return _RUN.sub(run, text)
