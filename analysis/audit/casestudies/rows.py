"""Audit rows of case-study chapters, for any set of chapter modules.

Each chapter module (:mod:`~analysis.audit.casestudies.ch2_dairy`, ...) declares
``CHAPTER``, ``AUDITS`` (table key -> audit function of its derived cells) and
``CONSISTENCY`` (its consistency check). The functions here run them on tables
loaded by :mod:`analysis.io.chapter_tables`:

* ``AUDITS``: one row per printed *derived* cell (``kind = "derived cell"``),
  recomputed from input cells;
* ``CONSISTENCY``: one row per figure the book prints twice, in two tables or in
  a table and its prose (``kind = "consistency"``).

Rows carry the audit layout of :mod:`analysis.audit.rules` plus ``kind``, ``line``
(the source line: the cell's row for derived cells, the first line number
named in the note for consistency checks) and ``chapter``. A printed derived
cell that no audit function recomputes is an error, so coverage cannot
silently shrink. No file is read here, and no chapter module is imported: a
page that audits one chapter depends on that chapter's module only
(:mod:`analysis.audit.casestudies.audit_all` gathers them all).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from analysis.audit.rules import AUDIT_COLUMNS

KINDS = ("derived cell", "consistency")
COLUMNS = [*AUDIT_COLUMNS, "kind", "line", "chapter"]
_LINE = re.compile(r"line (\d+)")


def _is_cells(frame: pd.DataFrame) -> bool:
    return {"row", "column", "printed", "kind"} <= set(frame.columns)


def first_line(*texts: str) -> int | None:
    """First ``line NNNN`` named in the texts (the note, then the table label), else None."""
    for t in texts:
        m = _LINE.search(str(t or ""))
        if m:
            return int(m.group(1))
    return None


def table_chapter(key: str) -> int | None:
    """Chapter of a table key ("5.2" -> 5, "4.4 businesses" -> 4); None for other keys."""
    head = key.split(" ")[0].split(".")[0]
    return int(head) if head.isdigit() and "." in key.split(" ")[0] else None


def derived_cell_audit(tables: Mapping[str, pd.DataFrame], audits: Mapping, chapters=None) -> pd.DataFrame:
    """Audit rows of every printed derived cell of the numeric case-study tables (of ``chapters``,
    when given: the other tables are not read)."""
    frames = []
    for key in list(tables.keys()):
        ch = table_chapter(key)
        if chapters is not None and ch not in chapters:
            continue
        cells = tables[key]
        if not _is_cells(cells):
            continue
        audit = audits.get(key)
        if audit is None:
            derived = cells[cells["kind"] == "derived"]
            if not derived.empty:
                raise ValueError(f"Table {key}: derived cells but no audit function "
                                 f"{list(zip(derived['row'], derived['column']))}")
            continue
        rows = pd.DataFrame(audit(cells), columns=AUDIT_COLUMNS)
        lines = cells.set_index(["row", "column"])["line"]
        rows["line"] = [int(lines.loc[(r, c)]) for r, c in zip(rows["row"], rows["column"])]
        rows["kind"] = "derived cell"
        rows["chapter"] = ch
        frames.append(rows)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def consistency_audit(tables: Mapping[str, pd.DataFrame], table_1_2: pd.DataFrame, checks: Mapping) -> pd.DataFrame:
    """Consistency rows of the chapters in ``checks`` (chapter -> check function)."""
    frames = []
    for chapter, check in checks.items():
        rows = pd.DataFrame(check(tables, table_1_2), columns=AUDIT_COLUMNS)
        rows["chapter"] = chapter
        frames.append(rows)
    out = pd.concat(frames, ignore_index=True)
    out["kind"] = "consistency"
    out["line"] = [first_line(n, t) for n, t in zip(out["note"], out["table"])]
    return out


def chapter_rows(tables: Mapping[str, pd.DataFrame], table_1_2: pd.DataFrame, modules) -> pd.DataFrame:
    """Every derived-cell and consistency audit row of the chapters of ``modules``.

    ``tables`` as loaded by :mod:`analysis.io.chapter_tables` (a lazy mapping is read only
    for the chapters' own tables); ``table_1_2`` is Table 1.2 with its printed strings.
    Columns :data:`COLUMNS`. Raises ``ValueError`` if two rows share the key
    (table, row, column), since errata are matched on that key.
    """
    audits = {k: f for m in modules for k, f in m.AUDITS.items()}
    checks = {m.CHAPTER: m.CONSISTENCY for m in modules}
    return combine(derived_cell_audit(tables, audits, {m.CHAPTER for m in modules}),
                   consistency_audit(tables, table_1_2, checks))


def combine(derived: pd.DataFrame, consistency: pd.DataFrame) -> pd.DataFrame:
    """Derived-cell and consistency rows in one frame, keys checked unique."""
    out = pd.concat([derived, consistency], ignore_index=True)
    out = out[COLUMNS]
    out["line"] = out["line"].astype("Int64")
    dup = out[out.duplicated(["table", "row", "column"], keep=False)]
    if not dup.empty:
        raise ValueError("audit rows share a (table, row, column) key:\n"
                         + dup[["table", "row", "column", "printed"]].to_string())
    return out
