"""Printed-page references to the book: "Table 9.4, p. 279".

Readers hold the printed book, not our text extraction, so every caption,
audit row and citation names the printed page. The pages come from
``data/provenance.csv``, transcribed from the book's own lists (contents,
index of topics by chapter, lists of tables and figures).

* :func:`book_ref` is the one function captions call: ``book_ref("9.4")`` gives
  ``"Table 9.4, p. 279"``; ``book_ref("4.1", kind="figure")`` or
  ``book_ref("Figure 4.1")`` gives ``"Figure 4.1, p. 117"``;
  ``book_ref(9, kind="chapter")`` gives ``"Chapter 9, pp. 251–298"``.
* :func:`line_pages` and :func:`line_ref` turn a line of the text extraction
  (the ``line`` columns of our data) into the printed pages it can lie on:
  the exact page inside a table or figure, otherwise the page span of its
  section (a section ends on the page where the next one starts).
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from analysis.io.data import read_validated
from analysis.io.schema import PROVENANCE
from analysis.paths import DATA_DIR

KIND_LABELS = {"table": "Table", "figure": "Figure", "chapter": "Chapter"}
_PREFIX = re.compile(r"^\s*(table|figure|chapter)\s+(\S+)\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def page_index() -> pd.DataFrame:
    """``data/provenance.csv`` validated, with the line range split into ``first_line``/``last_line``."""
    frame = read_validated(DATA_DIR / "provenance.csv", PROVENANCE)
    lo_hi = frame["source_lines"].str.split("-", expand=True).astype(int)
    return frame.assign(first_line=lo_hi[0], last_line=lo_hi[1])


def _entry(number, kind: str | None) -> pd.Series:
    text = str(number).strip()
    m = _PREFIX.match(text)
    if m:
        kind, text = m.group(1).lower(), m.group(2)
    kind = kind or "table"
    if kind not in KIND_LABELS:
        raise ValueError(f"book_ref: kind {kind!r} is not one of {', '.join(KIND_LABELS)}")
    hit = _by_number().get((kind, text))
    if hit is None:
        idx = page_index()
        known = ", ".join(idx.loc[idx["kind"] == kind, "number"])
        raise KeyError(f"data/provenance.csv has no {kind} {text!r}; known {kind}s: {known}")
    return hit.copy()


@lru_cache(maxsize=1)
def _by_number() -> dict[tuple[str, str], pd.Series]:
    """The first row of each (kind, number), looked up by key: every case page cites about
    eight tables, and a boolean mask over the whole index per citation was a tenth of the
    time of writing a case page."""
    out: dict[tuple[str, str], pd.Series] = {}
    for _, row in page_index().iterrows():
        out.setdefault((row["kind"], row["number"]), row)
    return out


def pages(first: int, last: int | None = None) -> str:
    """``p. 279`` or ``pp. 276–291`` (en dash, as in print)."""
    if last is None or pd.isna(last) or int(last) == int(first):
        return f"p. {int(first)}"
    return f"pp. {int(first)}–{int(last)}"


def page_of(number, kind: str | None = None) -> int:
    """Printed page of a table or figure (first page of a chapter)."""
    return int(_entry(number, kind)["page"])


def book_ref(number, kind: str | None = None) -> str:
    """The citation form captions use: ``"Table 9.4, p. 279"``.

    ``number`` is the printed number ("9.4"), optionally prefixed with its kind
    ("Figure 4.1"); ``kind`` is ``table`` (default), ``figure`` or ``chapter``.
    Raises ``KeyError`` naming the known numbers if the book has no such item.
    """
    e = _entry(number, kind)
    label = KIND_LABELS[e["kind"]]
    where = pages(e["page"], e["page_end"] if e["kind"] == "chapter" else None)
    return f"{label} {e['number']}, {where}"


@lru_cache(maxsize=None)  # the audit asks for hundreds of lines; cleared with page_index (book.reads)
def line_pages(line: int) -> tuple[int, int]:
    """Printed pages (first, last) on which a line of the text extraction lies.

    Inside a table's or figure's line range: its listed page. Otherwise the
    span of the section holding the line, or, before a chapter's first
    section, from the chapter's first page to that section's first page.
    Raises ``ValueError`` for a line outside chapters 1-10.
    """
    line = int(line)
    idx = page_index()
    inside = (idx["first_line"] <= line) & (line <= idx["last_line"])
    for kind in ("table", "figure", "section"):
        hit = idx[inside & (idx["kind"] == kind)]
        if not hit.empty:
            e = hit.iloc[0]
            end = e["page_end"] if kind == "section" else e["page"]
            return int(e["page"]), int(end)
    chapter = idx[inside & (idx["kind"] == "chapter")]
    if chapter.empty:
        raise ValueError(f"line {line} lies outside chapters 1-10 of the text extraction")
    c = chapter.iloc[0]
    later = idx[(idx["kind"] == "section") & idx["number"].str.startswith(f"{c['number']}-s")
                & (idx["first_line"] > line)]
    return int(c["page"]), int(later["page"].min() if not later.empty else c["page_end"])


def line_ref(line: int) -> str:
    """:func:`line_pages` as text: ``p. 279`` or ``pp. 256–270``."""
    return pages(*line_pages(line))


def chapter_of_line(line: int) -> int:
    """Chapter (1-10) holding a line of the text extraction."""
    idx = page_index()
    c = idx[(idx["kind"] == "chapter") & (idx["first_line"] <= int(line)) & (int(line) <= idx["last_line"])]
    if c.empty:
        raise ValueError(f"line {line} lies outside chapters 1-10 of the text extraction")
    return int(c.iloc[0]["number"])
