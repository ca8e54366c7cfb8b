"""The audit of the case-study chapters (2-5 and 8) in one frame.

:func:`casestudy_audit` runs, on tables loaded by
:func:`analysis.io.chapter_tables.load_chapter_tables`,

* every ``audit_table_*`` function: one row per printed *derived* cell
  (``kind = "derived cell"``), recomputed from input cells;
* every ``consistency_*`` function and Chapter 8's text-claim audit: one row per
  figure the book prints twice, in two tables or in a table and its prose
  (``kind = "consistency"``).

Rows carry the audit layout of :mod:`analysis.audit.rules` plus ``kind``, ``line``
(the source line: the cell's row for derived cells, the first line number
named in the note for consistency checks) and ``chapter``. A printed derived
cell that no audit function recomputes is an error, so coverage cannot
silently shrink. No file is read here.
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.audit.rules import AUDIT_COLUMNS
from analysis.audit.casestudies import ch2_dairy, ch3_fruit, ch4_salmon, ch5_furniture, ch8_trade

KINDS = ("derived cell", "consistency")
COLUMNS = [*AUDIT_COLUMNS, "kind", "line", "chapter"]

#: audit function of every numeric table (tables absent here must print no derived cell)
DERIVED_AUDITS = {
    "2.1": ch2_dairy.audit_table_2_1, "2.2": ch2_dairy.audit_table_2_2,
    "3.1": ch3_fruit.audit_table_3_1, "3.2": ch3_fruit.audit_table_3_2,
    "4.1": ch4_salmon.audit_table_4_1, "4.3": ch4_salmon.audit_table_4_3, "4.4": ch4_salmon.audit_table_4_4,
    "5.1": ch5_furniture.audit_table_5_1, "5.2": ch5_furniture.audit_table_5_2,
    "5.3": ch5_furniture.audit_table_5_3, "5.4": ch5_furniture.audit_table_5_4,
    "5.5": ch5_furniture.audit_table_5_5,
    "8.3": ch8_trade.audit_table_8_3,
}
#: chapter -> consistency function taking (tables, table_1_2)
CONSISTENCY = {
    2: ch2_dairy.consistency_ch2, 3: ch3_fruit.consistency_ch3,
    4: ch4_salmon.consistency_ch4, 5: ch5_furniture.consistency_ch5,
}
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


def derived_cell_audit(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Audit rows of every printed derived cell of the numeric case-study tables."""
    frames = []
    for key, cells in tables.items():
        if not _is_cells(cells):
            continue
        audit = DERIVED_AUDITS.get(key)
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
        rows["chapter"] = int(key.split(".")[0])
        frames.append(rows)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def consistency_audit(tables: dict[str, pd.DataFrame], table_1_2: pd.DataFrame) -> pd.DataFrame:
    """Consistency rows of Chapters 2-5 and Chapter 8's text claims on Table 8.3."""
    frames = []
    for chapter, check in CONSISTENCY.items():
        rows = pd.DataFrame(check(tables, table_1_2), columns=AUDIT_COLUMNS)
        rows["chapter"] = chapter
        frames.append(rows)
    text_83 = pd.DataFrame(ch8_trade.audit_text_claims_8_3(tables), columns=AUDIT_COLUMNS)
    text_83["chapter"] = 8
    frames.append(text_83)
    out = pd.concat(frames, ignore_index=True)
    out["kind"] = "consistency"
    out["line"] = [first_line(n, t) for n, t in zip(out["note"], out["table"])]
    return out


def casestudy_audit(tables: dict[str, pd.DataFrame], table_1_2: pd.DataFrame) -> pd.DataFrame:
    """Every derived-cell and consistency audit row of the case-study chapters.

    ``tables`` as returned by :func:`analysis.io.chapter_tables.load_chapter_tables`;
    ``table_1_2`` is Table 1.2 with its printed strings (``BookData.table_1_2``).
    Columns :data:`COLUMNS`. Raises ``ValueError`` if two rows share the key
    (table, row, column), since errata are matched on that key.
    """
    out = pd.concat([derived_cell_audit(tables), consistency_audit(tables, table_1_2)], ignore_index=True)
    out = out[COLUMNS]
    out["line"] = out["line"].astype("Int64")
    dup = out[out.duplicated(["table", "row", "column"], keep=False)]
    if not dup.empty:
        raise ValueError("audit rows share a (table, row, column) key:\n"
                         + dup[["table", "row", "column", "printed"]].to_string())
    return out
