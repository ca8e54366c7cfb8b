"""The book's audit: every printed derived cell recomputed and judged with
:func:`analysis.audit.rules.classify`, plus the consistency checks of the case-study chapters.

* Foundation (Chapter 9): Tables 9.1 and 9.4-9.6 from the case database.
* Case studies (Chapters 2-5 and 8): :func:`analysis.audit.casestudies.audit_all.casestudy_audit`
  on the tables in ``BookData.chapters`` (derived cells and consistency checks).

Every row has a ``kind``: ``"derived cell"`` or ``"consistency"`` (the same
figure printed twice, in two tables or a table and the text).
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.foundation import audit_table_9_1, audit_upgrading_table, foundation_audit  # noqa: F401
from analysis.audit.casestudies.audit_all import casestudy_audit
from analysis.audit.claims import structural_audit, structural_sides
from analysis.audit.judged import AUDIT_CSV_COLUMNS, AUDIT_FRAME_COLUMNS, frame, judged  # noqa: F401
from analysis.audit.prose_claims import claim_audit, claim_sides
from analysis.audit.standard import problems



def raw_audit(data) -> pd.DataFrame:
    """Every comparison as the chapter audit functions compute it, before the standard judges it."""
    parts = [foundation_audit(data), structural_audit(data)]
    if data.chapters:
        parts.append(casestudy_audit(data.chapters, data.table_1_2))
        parts.append(claim_audit(data))
    return frame(parts)


def book_audit(data) -> pd.DataFrame:
    """The full audit judged under the standard (:mod:`analysis.audit.standard`), with
    each row's erratum (kind and title of its root cause) joined in.
    Columns :data:`AUDIT_CSV_COLUMNS`."""
    sides = {**claim_sides(data.text_claims), **structural_sides(data.structural_claims)}
    return judged(raw_audit(data), data, sides)


def audit_problems(audit: pd.DataFrame, errata: pd.DataFrame) -> list[str]:
    """What the standard forbids (see :func:`analysis.audit.standard.problems`)."""
    return problems(audit, errata)


def status_counts(audit: pd.DataFrame, by_table: bool = True) -> pd.DataFrame:
    """Counts of audit rows by status (and table)."""
    keys = ["table", "status"] if by_table else ["status"]
    return audit.groupby(keys).size().unstack(fill_value=0) if by_table else audit.groupby("status").size()
