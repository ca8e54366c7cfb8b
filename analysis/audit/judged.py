"""Audit rows judged under the standard, with their errata, for the whole book or one chapter.

:func:`judged` turns raw comparison rows (as the chapter audit functions compute them)
into the published audit: the judging standard (:mod:`analysis.audit.standard`) applied
with the recorded judgements and the sides of the prose statements, and each row's
erratum (kind and title of its root cause) joined in.

:func:`chapter_audit` does it for one case-study chapter, reading that chapter's tables
and the data the standard needs, nothing else: a chapter page neither reads the case
database nor depends on the other chapters' modules. It gives the same rows as the whole
book's audit (:func:`analysis.audit.book_audit.book_audit`) restricted to the chapter.
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.casestudies.rows import chapter_rows
from analysis.audit.foundation import foundation_audit
from analysis.audit.prose_claims import claim_audit, claim_sides
from analysis.audit.rules import AUDIT_COLUMNS
from analysis.audit.standard import STANDARD_COLUMNS, apply_standard

AUDIT_FRAME_COLUMNS = [*AUDIT_COLUMNS, "line", "kind", "chapter"]
#: audit.csv: the original columns first, then the judging standard's additions
AUDIT_CSV_COLUMNS = ["table", "row", "column", "printed", "computed", "status", "rule", "note", "line",
                     *STANDARD_COLUMNS, "kind", "chapter", "erratum_kind", "erratum"]


def frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Raw audit parts in one frame with the audit's columns."""
    audit = pd.concat(parts, ignore_index=True)[AUDIT_FRAME_COLUMNS]
    audit["line"] = audit["line"].astype("Int64")
    return audit


def judged(raw: pd.DataFrame, data, sides: dict, judgements: pd.DataFrame | None = None) -> pd.DataFrame:
    """``raw`` rows judged under the standard (``sides``: the prose statements' sides by audit
    key; ``judgements``: the recorded judgements, all of ``data`` unless given), with each
    row's erratum joined in. Columns :data:`AUDIT_CSV_COLUMNS`."""
    audit = apply_standard(raw, data.judgements if judgements is None else judgements, sides)
    e = data.errata.set_index("root_cause")
    audit["erratum_kind"] = audit["root_cause"].map(e["kind"])
    audit["erratum"] = audit["root_cause"].map(e["title"])
    audit["line"] = audit["line"].astype("Int64")
    return audit[AUDIT_CSV_COLUMNS]


def _judged_alone(raw: pd.DataFrame, data, sides: dict) -> pd.DataFrame:
    """``raw`` (a part of the audit) judged with the judgements of its own rows; that no
    judgement is stale is checked on the whole book (book_audit), where every row exists."""
    keys = set(zip(raw["table"], raw["row"], raw["column"]))
    j = data.judgements
    mine = j[[k in keys for k in zip(j["table"], j["row"], j["column"])]]
    return judged(raw, data, sides, mine)


def chapter_audit(data, module) -> pd.DataFrame:
    """The judged audit rows of one case-study chapter (``module``: its audit module, e.g.
    :mod:`analysis.audit.casestudies.ch2_dairy`): its tables' derived cells, its consistency
    checks and its prose statements checked by expression."""
    parts = [chapter_rows(data.chapters, data.table_1_2, [module])]
    claims = claim_audit(data, chapters={module.CHAPTER})
    if len(claims):
        parts.append(claims)
    return _judged_alone(frame(parts), data, claim_sides(data.text_claims))


def foundation_judged(data) -> pd.DataFrame:
    """The judged audit rows of Chapter 9's foundation tables (9.1 and 9.4-9.6)."""
    return _judged_alone(frame([foundation_audit(data)]), data, {})
