"""Turning case-study tables and audit rows into what the chapter pages show.

The chapter notebooks (``chapters/ch02_dairy.md`` ...) call these functions and
hand the results to :class:`analysis.report.present.Page`; nothing here reads files.

* :func:`rebuilt_table`: a printed table rebuilt from its cells. Input cells are
  shown as printed (ranges such as "60–90" and lower bounds such as "150+" stay
  text, ``n.a.`` and dashes become missing). A derived cell the audit could
  recompute shows the *computed* value; a derived cell whose inputs the book
  does not publish is shown as printed, and the caption note says how many.
* :func:`cell_notes`: the notes of a cells file (footnotes, reconstruction
  decisions) as a de-duplicated list, each with the cells it applies to.
* :func:`consistency_view`: a chapter's consistency checks for display.
* :func:`select_panels`, :func:`classification_view`, :func:`text_comparison_view`,
  :func:`disagreements`: the Chapter 8 page.
* :func:`md_escape`: text shown literally in a MyST paragraph (:func:`analysis.escape.myst`).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from analysis import escape
from analysis.report import format as fmt
from analysis.method.printed import parse_printed

def md_escape(text) -> str:
    """Text shown exactly as written in a MyST paragraph (the project's one escaper)."""
    return escape.myst(text)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _shown_printed(text):
    """A printed cell for display: missing markers become None, everything else stays text."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    return None if parse_printed(text).is_missing else str(text)


def rebuilt_table(cells: pd.DataFrame, audit: pd.DataFrame | None = None,
                  index_name: str = "", split_rows: tuple[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """The table of ``cells`` with every derivable derived cell replaced by its recomputed value.

    ``audit`` holds the table's derived-cell audit rows (columns row, column,
    computed). ``split_rows`` names two columns to split row labels of the form
    ``"A | B"`` into. Returns ``(frame, counts)``; ``frame`` has the row label(s)
    as ordinary columns, ``counts`` the numbers of ``input``, ``recomputed`` and
    ``derived_as_printed`` cells.
    """
    computed = {}
    if audit is not None and len(audit):
        computed = {(r, c): v for r, c, v in zip(audit["row"], audit["column"], audit["computed"])
                    if not _missing(v)}
    counts = {"input": 0, "recomputed": 0, "derived_as_printed": 0}
    values = {}
    for r, c, text, kind in zip(cells["row"], cells["column"], cells["printed"], cells["kind"]):
        if kind == "derived" and (r, c) in computed:
            values[(r, c)] = float(computed[(r, c)])
            counts["recomputed"] += 1
        else:
            values[(r, c)] = _shown_printed(text)
            counts["input" if kind == "input" else "derived_as_printed"] += 1
    rows = list(dict.fromkeys(cells["row"]))
    cols = list(dict.fromkeys(cells["column"]))
    frame = pd.DataFrame([[values.get((r, c)) for c in cols] for r in rows], columns=cols, dtype=object)
    if split_rows:
        parts = [r.split(" | ", 1) if " | " in r else [r, ""] for r in rows]
        frame.insert(0, split_rows[1], [p[1] for p in parts])
        frame.insert(0, split_rows[0], [p[0] for p in parts])
    else:
        frame.insert(0, index_name or "Row", rows)
    return frame, counts


def rebuilt_note(counts: dict) -> str:
    """One sentence saying which cells are recomputed and which are shown as printed."""
    parts = []
    if counts["recomputed"]:
        parts.append(f"{fmt.count(counts['recomputed'], 'derived cell')} recomputed from the inputs (the printed values are in the audit)")
    if counts["derived_as_printed"]:
        parts.append(f"{fmt.count(counts['derived_as_printed'], 'derived cell')} shown as printed because their inputs are not published")
    if not parts:
        return "Every cell is a printed input."
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "; a dash marks a cell printed as n.a., a dash or blank."


def cell_data(cells: pd.DataFrame, audit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long frame for download: every cell with its kind, printed text, value used and audit status."""
    out = cells[["row", "column", "kind", "printed", "line", "note"]].copy()
    out["value"] = [parse_printed(t).value for t in out["printed"]]
    if audit is not None and len(audit):
        a = audit[["row", "column", "computed", "status"]]
        out = out.merge(a, on=["row", "column"], how="left")
    else:
        out["computed"] = None
        out["status"] = None
    return out


def _split_segments(note: str) -> list[str]:
    """Split a note on '; ' outside parentheses."""
    out, depth, cur = [], 0, ""
    i = 0
    while i < len(note):
        ch = note[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and note.startswith("; ", i):
            out.append(cur.strip())
            cur = ""
            i += 2
            continue
        cur += ch
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out


def _listing(items: list[str], limit: int = 6) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _where(cells_of: set, all_rows: list, all_cols: list, by_row: dict, by_col: dict) -> str:
    """Where a note applies, in words: all cells, whole rows or columns, or a list of cells."""
    rows = [r for r in all_rows if any(k[0] == r for k in cells_of)]
    cols = [c for c in all_cols if any(k[1] == c for k in cells_of)]
    if len(cells_of) == sum(map(len, by_row.values())):
        return "All cells"
    if all(by_row[r] <= cells_of for r in rows):
        return ("Rows " if len(rows) > 1 else "Row ") + _listing(rows)
    if all(by_col[c] <= cells_of for c in cols):
        return ("Columns " if len(cols) > 1 else "Column ") + _listing(cols)
    if len(cols) == 1:
        return f"Column {cols[0]}, " + ("rows " if len(rows) > 1 else "row ") + _listing(rows)
    if len(rows) == 1:
        return f"Row {rows[0]}, " + ("columns " if len(cols) > 1 else "column ") + _listing(cols)
    return "Cells " + _listing([f"{r} / {c}" for r in all_rows for c in all_cols if (r, c) in cells_of])


def cell_notes(cells: pd.DataFrame, keep=None) -> list[str]:
    """De-duplicated notes of a cells file, each prefixed by where it applies.

    Notes are split into their '; '-separated parts so that a footnote shared by
    many cells is listed once; parts that apply to exactly the same cells are
    joined again. ``keep`` is an optional predicate on a part (e.g. to drop
    parts that only restate the printed text). Returns plain strings (not escaped).
    """
    all_rows = list(dict.fromkeys(cells["row"]))
    all_cols = list(dict.fromkeys(cells["column"]))
    by_row = {r: set() for r in all_rows}
    by_col = {c: set() for c in all_cols}
    seg_cells: dict[str, set] = {}
    for r, c, note in zip(cells["row"], cells["column"], cells["note"].fillna("")):
        by_row[r].add((r, c))
        by_col[c].add((r, c))
        for seg in _split_segments(str(note)):
            if keep is None or keep(seg):
                seg_cells.setdefault(seg, set()).add((r, c))
    merged: dict[frozenset, list[str]] = {}
    for seg, where in seg_cells.items():
        merged.setdefault(frozenset(where), []).append(seg)
    return [f"{_where(set(w), all_rows, all_cols, by_row, by_col)}: {'; '.join(segs)}" for w, segs in merged.items()]


def notes_markdown(notes: list[str]) -> str:
    """A bullet list of notes, escaped for MyST (empty string for no notes)."""
    return "\n".join(f"- {md_escape(n)}" for n in notes)


# ---------------------------------------------------------------- audit views
def table_audit(audit: pd.DataFrame, table: str) -> pd.DataFrame:
    """Derived-cell audit rows of one book table."""
    return audit[(audit["table"] == table) & (audit["kind"] == "derived cell")]


def consistency_view(audit: pd.DataFrame, chapter: int) -> pd.DataFrame:
    """A chapter's consistency checks for display: verdict in words, source line, explanation.

    ``verdict`` is ``consistent`` (match or rounding), ``inconsistent``
    (mismatch) or ``cannot be checked`` (not derivable). The explanation is the
    errata entry for an inconsistency, otherwise the rule that was applied.
    """
    c = audit[(audit["chapter"] == chapter) & (audit["kind"] == "consistency")]
    verdict = c["status"].map({"match": "consistent", "rounding": "consistent",
                               "mismatch": "inconsistent", "not_comparable": "different quantities",
                               "not_derivable": "cannot be checked"})
    explanation = [e if isinstance(e, str) and e else rule for e, rule in zip(c["erratum"], c["rule"])]
    if "reason" in c.columns:  # the judging standard's reason, where it says more than the rule
        explanation = [f"{x} ({r})" if isinstance(r, str) and r and r not in x else x
                       for x, r in zip(explanation, c["reason"])]
    return pd.DataFrame({
        "Check": c["table"].to_numpy(), "Item": c["row"].to_numpy(), "Measure": c["column"].to_numpy(),
        "Stated": c["printed"].to_numpy(), "From the tables": c["computed"].to_numpy(),
        "Verdict": verdict.to_numpy(),
        "Page": (c["page"] if "page" in c.columns else pd.Series([""] * len(c))).to_numpy(),
        "Source line": c["line"].to_numpy(),
        "Why": explanation,
    })


def status_summary(audit: pd.DataFrame) -> pd.DataFrame:
    """Counts of audit rows by kind, chapter, table and status (one column per status, plus total)."""
    out = audit.groupby(["kind", "chapter", "table", "status"]).size().unstack(fill_value=0)
    statuses = ["match", "rounding", "mismatch", "not_comparable", "not_derivable"]
    for s in statuses:
        if s not in out.columns:
            out[s] = 0
    out = out[statuses]
    out["total"] = out.sum(axis=1)
    return out.reset_index()

def table_block(page, cells: pd.DataFrame, audit: pd.DataFrame, key: str, title: str, source: str,
                index_name: str = "", split_rows: tuple[str, str] | None = None, keep=None,
                show_notes: bool = True) -> str:
    """MyST for one rebuilt numeric table: audit badge, numbered table, download, notes.

    ``page`` is an :class:`analysis.report.present.Page`; ``audit`` the full audit frame
    (this table's derived-cell rows are picked out); ``key`` the book table
    number ("2.1"). The download holds every cell in long form
    (:func:`cell_data`).
    """
    rows = table_audit(audit, key)
    frame, counts = rebuilt_table(cells, rows, index_name=index_name, split_rows=split_rows)
    name = "table_" + key.replace(".", "_")
    out = page.table(frame, name, title, source, audit=rows, data=cell_data(cells, rows), note=rebuilt_note(counts))
    notes = cell_notes(cells, keep=keep) if show_notes else []
    if notes:
        out += "\n\nNotes on the cells (footnotes of the book and our transcription decisions, in our words):\n\n"
        out += notes_markdown(notes) + "\n"
    return out
