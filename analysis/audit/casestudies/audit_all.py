"""The audit of all case-study chapters (2-5 and 8) in one frame: the chapter modules'
audits (:mod:`analysis.audit.casestudies.rows`) gathered. The reproduction audit page and
the tests use it; a chapter page audits its own chapter only
(:func:`analysis.audit.judged.chapter_audit`).
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.casestudies import ch2_dairy, ch3_fruit, ch4_salmon, ch5_furniture, ch8_trade, rows
from analysis.audit.casestudies.rows import COLUMNS, KINDS, first_line  # noqa: F401 - re-exported

MODULES = (ch2_dairy, ch3_fruit, ch4_salmon, ch5_furniture, ch8_trade)
#: audit function of every numeric table (tables absent here must print no derived cell)
DERIVED_AUDITS = {k: f for m in MODULES for k, f in m.AUDITS.items()}
#: chapter -> consistency function taking (tables, table_1_2)
CONSISTENCY = {m.CHAPTER: m.CONSISTENCY for m in MODULES}


def derived_cell_audit(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Audit rows of every printed derived cell of the numeric case-study tables."""
    return rows.derived_cell_audit(tables, DERIVED_AUDITS)


def consistency_audit(tables: dict[str, pd.DataFrame], table_1_2: pd.DataFrame) -> pd.DataFrame:
    """Consistency rows of Chapters 2-5 and Chapter 8's text claims on Table 8.3."""
    return rows.consistency_audit(tables, table_1_2, CONSISTENCY)


def casestudy_audit(tables: dict[str, pd.DataFrame], table_1_2: pd.DataFrame) -> pd.DataFrame:
    """Every derived-cell and consistency audit row of the case-study chapters
    (:func:`analysis.audit.casestudies.rows.chapter_rows` for all of them)."""
    return rows.combine(derived_cell_audit(tables), consistency_audit(tables, table_1_2))
