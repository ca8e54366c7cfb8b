"""What the Reproduction audit page (``chapters/audit.md``) shows: the whole book's judged
audit, refused when it breaks the judging standard (``strict``); the errata by root cause;
the status counts before and after the standard; every comparison; the statuses the
standard changed; each chapter's consistency checks; and the prose and structural
statements with their verdicts.

The page computes the audit once here (:func:`prepare`), glues its counts into the
Markdown prose (:func:`glue_values`) and shows one table per section; each section
function returns ``(MyST, values to glue)`` for :func:`analysis.report.present.show`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.audit import prose_claims, standard
from analysis.audit.book_audit import audit_problems, book_audit
from analysis.audit.claims import check_claims, claims_problems
from analysis.audit.rules import STATUSES
from analysis.io.bookref import book_ref
from analysis.report import caselinks
from analysis.report import casestudy_display as show
from analysis.report.present import audit_row_ids

#: the columns of the full audit shown on the page (the download has them all)
AUDIT_SHOWN = ["kind", "table", "row", "column", "printed", "computed", "status", "page", "root_cause", "rule"]


@dataclass
class AuditPage:
    data: object                # the book's data
    audit: pd.DataFrame         # every comparison, judged
    claims: pd.DataFrame        # the structural statements, decided
    errata: pd.DataFrame        # one line per root cause
    counted: pd.DataFrame       # the mismatches counted as contradictions
    before_after: pd.DataFrame  # rows per status before and after the standard
    changed: pd.DataFrame       # the statuses the standard changed
    prose: pd.DataFrame         # the numeric statements in prose with their status


def prepare(data, *, strict: bool = True) -> AuditPage:
    """The audit and its views; with ``strict``, a ``RuntimeError`` listing every breach of the
    judging standard (a mismatch without root cause, ...) instead."""
    audit, claims = book_audit(data), check_claims(data)
    bad = audit_problems(audit, data.errata) + claims_problems(claims, data.errata)
    if strict and bad:
        raise RuntimeError("audit breaks the judging standard:\n" + "\n".join(bad))
    return AuditPage(data, audit, claims, standard.errata_view(audit, data.errata), standard.counted_mismatches(audit),
                     standard.status_before_after(data.audit_before, audit), standard.changes(data.audit_before, audit),
                     prose_claims.claims_with_status(data.text_claims, audit))


def glue_values(a: AuditPage) -> dict:
    """Every count the page's prose quotes."""
    audit, before, errata, prose = a.audit, a.data.audit_before, a.errata, a.prose
    values = {"n_root_causes": int(len(errata)), "n_genuine": int((errata["Kind"] == "genuine").sum()),
              "n_slips": int((errata["Kind"] == "rounding slip").sum()), "n_contradictions": int(len(a.counted)),
              "n_following": int(((audit["status"] == "mismatch") & (audit["role"] == "follows")).sum()),
              "n_rows": int(len(audit)), "n_changed": int(len(a.changed))}
    for s in STATUSES:
        values[f"n_{s}"] = int((audit["status"] == s).sum())
        values[f"n_before_{s}"] = int((before["status"] == s).sum())
    values.update({f"prose_{k}": v for k, v in prose_claims.prose_counts(a.data.text_scan, prose).items()})
    values.update({f"prose_{s}": int((prose["status"] == s).sum()) for s in STATUSES})
    return {**values, "n_claims": int(len(a.claims)), "n_claims_fail": int((a.claims["verdict"] != "holds").sum())}


def errata_table(page, a: AuditPage) -> tuple[str, dict]:
    return page.table(a.errata, "errata", "The book's errata, one line per root cause",
                      "data/errata.csv and the judged audit (analysis/audit/standard.py)", data=a.errata), {}


def status_before_after(page, a: AuditPage) -> tuple[str, dict]:
    return page.table(a.before_after, "status_before_after", "Audit rows per status, before and after the judging "
                      "standard", "data/book/audit_before.csv and the judged audit"), {}


def status_by_table(page, a: AuditPage) -> tuple[str, dict]:
    return page.table(show.status_summary(a.audit), "status_by_table", "Audit status counts by kind of comparison "
                      "and table", "analysis/audit/book_audit.py and analysis/audit/standard.py",
                      note="Consistency checks are labelled by what they compare, e.g. '2.1 vs 1.2' or '5.5 vs text'."), {}


def _key_in_words(text):
    """A row or measure key for readers (:func:`analysis.report.caselinks.word_in_words` on
    each part): sector codes and column names by their labels
    ("natural_resource" -> "Natural-resource-based", "7 | production_2002" -> "7 · Production
    2002 (US$ millions)"), markup of the extraction (``<sup>d</sup>``) as plain text."""
    if not isinstance(text, str):
        return text
    return " · ".join(caselinks.word_in_words(p) for p in _plain(text).split(" | "))


def _plain(text):
    """The extraction's superscript markup as words: "Puebla <sup>d</sup>" -> "Puebla (note d)"."""
    import re

    return re.sub(r"\s*<sup>(.*?)</sup>", r" (note \1)", text) if isinstance(text, str) else text


def audit_table(page, a: AuditPage) -> tuple[str, dict]:
    """Every comparison, sortable, each book table's first row an anchor for the badges."""
    shown = a.audit[AUDIT_SHOWN].assign(row=a.audit["row"].map(_key_in_words), column=a.audit["column"].map(_key_in_words))
    return page.table(shown, "audit", "The reproduction audit, comparison by comparison",
                      "analysis/audit/book_audit.py", data=a.audit, interactive=True,
                      row_ids=audit_row_ids(a.audit)), {}


def changes_table(page, a: AuditPage) -> tuple[str, dict]:
    return page.table(a.changed, "changes", "Statuses changed by the judging standard (old -> new, and why)",
                      "data/book/audit_before.csv, data/book/judgements.csv", data=a.changed, interactive=True), {}


def consistency_tables(page, a: AuditPage) -> list[tuple[str, dict]]:
    """One table of consistency checks per chapter that has any."""
    checks = a.audit[a.audit["kind"] == "consistency"]
    return [(page.table(show.consistency_view(a.audit, int(chapter), a.data), f"consistency_ch{int(chapter)}",
                        f"Consistency checks of Chapter {int(chapter)} ({book_ref(int(chapter), kind='chapter')})",
                        "analysis/audit/casestudies/audit_all.py, data/book/judgements.csv and data/errata.csv",
                        audit=checks[checks["chapter"] == chapter]), {})
            for chapter in sorted(checks["chapter"].unique())]


def prose_table(page, a: AuditPage) -> tuple[str, dict]:
    shown = a.prose.assign(quote=a.prose["quote"].map(_plain), measure=a.prose["measure"].map(_key_in_words))
    return page.table(shown, "text_claims", "The book's numeric statements in prose, each with its verdict",
                      "data/book/text_claims.csv judged by analysis/audit/standard.py", data=a.prose,
                      interactive=True), {}


def claims_table(page, a: AuditPage) -> tuple[str, dict]:
    names = dict(zip(a.data.cases["case_id"], a.data.cases["name"]))
    shown = a.claims.assign(evidence=a.claims["evidence"].map(lambda t: caselinks.in_words(t, names)))
    return page.table(shown, "claims", "Statements of the book checked against its tables",
                      "data/book/structural_claims.csv decided by analysis/audit/claims.py", data=a.claims,
                      interactive=True), {}
