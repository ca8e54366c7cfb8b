"""What the Chapter 9 page (``chapters/ch09_synthesis.md``) shows: the book's six synthesis
tables rebuilt from the case database (Table 9.1 as printed and checked against its own
formula, 9.2 and 9.3, the upgrading tables 9.4-9.6 with their recomputed sums), the
extended tables when the build adds new cases, and the chapter's checkable statements.

The page reads its parameters, calls one function here per section and shows the result
(:func:`analysis.report.present.show`); each function returns ``(MyST, values to glue)``
and the sentences stay the page's Markdown.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import escape
from analysis.audit.claims import check_claims
from analysis.audit.judged import foundation_judged
from analysis.io import extended as ext
from analysis.io.bookref import book_ref
from analysis.method import tables
from analysis.method.indices import EE_COMPONENTS, JA_COMPONENTS
from analysis.report import caselinks, figures
from analysis.report import format as fmt

EE, JA, CE = "External economies (EE)", "Joint actions (JA)", "Collective Efficiency Index"
IDENTITY = "0.5·EE + 0.5·JA"  # the column that checks Table 9.1 against its formula
#: the upgrading tables: book table, how it is recomputed, the sector it covers, and the sector
#: as its title names it
UPGRADING_TABLES = (("9.4", tables.table_9_4, "traditional", "traditional manufacturing"),
                    ("9.5", tables.table_9_5, "natural_resource", "natural-resource-based clusters"),
                    ("9.6", tables.table_9_6, "complex_products", "complex products clusters"))


@dataclass
class SynthesisPage:
    data: object                    # the book's data (read lazily, file by file)
    audit: pd.DataFrame             # the judged audit of the foundation tables (9.1, 9.4-9.6)
    claims: pd.DataFrame            # the structural statements of Chapters 1 and 9, decided
    upgrading: dict                 # book table -> Table 9.4, 9.5 or 9.6 recomputed from the cases
    extended_cases: pd.DataFrame    # the published and the new cases
    new_cases: pd.DataFrame         # the build's new cases (empty in the published edition)

    @property
    def cases(self) -> pd.DataFrame:
        return self.data.cases


def prepare(data, cases_dir: str = "") -> SynthesisPage:
    _, extended_cases, new_cases = ext.load_samples(cases_dir, data)
    upgrading = {t: table(data.cases, data.reconciliation) for t, table, _, _ in UPGRADING_TABLES}
    return SynthesisPage(data, foundation_judged(data), check_claims(data), upgrading, extended_cases, new_cases)


def _table_9_1(p: SynthesisPage, identity_check: bool) -> pd.DataFrame:
    """Table 9.1 as numbers, with the formula's column when asked for."""
    t91 = tables.table_9_1_printed(p.data.printed)
    if identity_check:
        t91[IDENTITY] = 0.5 * t91[EE] + 0.5 * t91[JA]
    return t91


def _sectors_phrase(n_mismatch: int, n_sectors: int) -> str:
    """How many sectors break Table 9.1's formula, as the sentence's opening words."""
    if n_mismatch == n_sectors:
        return "In all four sectors"
    return "In no sector" if n_mismatch == 0 else f"In {n_mismatch} of the {n_sectors} sectors"


def table_9_1_values(p: SynthesisPage) -> dict:
    """The numbers of Table 9.1's paragraph: the index's components and how far the printed
    index is from its formula."""
    t91 = _table_9_1(p, identity_check=False)
    n_mismatch = int((p.audit.loc[p.audit["table"] == "9.1", "status"] == "mismatch").sum())
    return {"n_ee_components": len(EE_COMPONENTS), "n_ja_components": len(JA_COMPONENTS),
            "n_91_mismatch": n_mismatch, "sectors_91_phrase": _sectors_phrase(n_mismatch, len(t91)),
            "max_gap_91": float((t91[CE] - 0.5 * t91[EE] - 0.5 * t91[JA]).abs().max())}


def table_9_1(page, p: SynthesisPage, identity_check: bool) -> tuple[str, dict]:
    """Table 9.1 as printed, with the check of its formula as a last column (``identity_check``)."""
    t91 = _table_9_1(p, identity_check)
    shown = tables.table_9_1_printed(p.data.printed, as_printed=True)
    if identity_check:
        shown[IDENTITY] = t91[IDENTITY]
    return page.table(shown, "table_9_1", "Book Table 9.1 — Collective efficiency by sector (printed sector averages; "
                      "index scale 0–12)", f"book {book_ref('9.1')}, data/book/printed_values.csv",
                      audit=p.audit[p.audit["table"] == "9.1"], data=t91, precision={IDENTITY: 3},
                      note="Cells are shown exactly as printed; the last column is our check of the table's formula "
                           "on the printed values, to three decimals."), {}


def figure_9_1(page, p: SynthesisPage) -> tuple[str, dict]:
    fig = figures.figure_ce_index_by_sector(tables.table_9_1_printed(p.data.printed), "book Table 9.1 (printed values)")
    return page.figure(fig, "figure_9_1", "Sector averages of external economies, joint action and the "
                       "collective-efficiency index, as printed in book Table 9.1.",
                       "Grouped horizontal bars of EE, JA and CE for the four sectors"), {}


def table_9_2(page, p: SynthesisPage) -> tuple[str, dict]:
    t92 = tables.table_9_2(p.cases, p.data.reconciliation)
    return page.table(t92.drop(columns="case_id"), "table_9_2", "Book Table 9.2 — Value-chain governance (0 absent, "
                      "1 domestic, 2 global, 3 domestic and global)", f"book {book_ref('9.2')}, data/cases.csv",
                      data=t92), {}


def table_9_3(page, p: SynthesisPage) -> tuple[str, dict]:
    return page.table(tables.table_9_3(p.data.table_9_3), "table_9_3", "Book Table 9.3 — Patterns of learning and "
                      "upgrading across sectors", f"book {book_ref('9.3')}, data/book/table_9_3.csv"), {}


def table_9_3_notes(p: SynthesisPage) -> tuple[str, dict]:
    """The footnotes of Table 9.3 as a list, marker and text escaped (they are the book's text)."""
    n = p.data.table_9_3_notes
    return "\n".join(f"- **\\[{escape.myst(m)}\\]** {escape.myst(t)}" for m, t in zip(n["marker"], n["note"])), {}


def upgrading_values(p: SynthesisPage) -> dict:
    """The averages the upgrading paragraph quotes: the book's arithmetic (N/A adds nothing and
    still counts) against the mean of the available scores."""
    t94, t95 = p.upgrading["9.4"], p.upgrading["9.5"]
    return {"avg_func_94": float(t94.loc[t94["Cluster"] == "Average", "Functional upgrading"].iloc[0]),
            "avail_func_94": float(p.cases.loc[p.cases.sector == "traditional", "upgrading_functional"].mean()),
            "avg_inter_95": float(t95.loc[t95["Cluster"] == "Average", "Intersectoral upgrading"].iloc[0])}


#: one precision per kind of quantity in Tables 9.4-9.6: the scores move in halves, and so do
#: their row sums and column totals (one decimal); the averages get two decimals, as the book
#: prints them. A column holds scores, a total and an average, so the precision goes by row.
SCORE_DECIMALS, AVERAGE_DECIMALS = 1, 2
UPGRADING_NOTE = ("Scores, sums and totals are shown to one decimal (the scores move in halves), averages to two "
                  "decimals, as the book prints them; the download has full precision.")


def upgrading_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Table 9.4, 9.5 or 9.6 as shown: every score, sum and total to :data:`SCORE_DECIMALS`,
    the Average row to :data:`AVERAGE_DECIMALS` (strings, so no column-wide precision applies)."""
    out = frame.drop(columns="case_id")
    average = out["Cluster"].eq("Average") & out["Industry"].eq("")
    for col in tables.UPGRADING_HEADERS.values():
        out[col] = [fmt.number(v, AVERAGE_DECIMALS if avg else SCORE_DECIMALS)
                    for v, avg in zip(out[col], average)]
    return out


def upgrading_tables(page, p: SynthesisPage) -> list[tuple[str, dict]]:
    """Tables 9.4, 9.5 and 9.6, each with its audit badge."""
    return [(page.table(upgrading_shown(p.upgrading[t]), f"table_{t.replace('.', '_')}",
                        f"Book Table {t} — Upgrading in {title} (scores 0–3; sums, totals and averages computed)",
                        f"book {book_ref(t)}, data/cases.csv", audit=p.audit[p.audit["table"] == t],
                        data=p.upgrading[t], note=UPGRADING_NOTE), {})
            for t, _, _, title in UPGRADING_TABLES]


def extended_tables(page, p: SynthesisPage) -> list[tuple[str, dict]]:
    """With new cases: a heading, the upgrading tables of their sectors extended with them, and
    Table 9.1 recomputed from rated components; nothing in the published edition."""
    if not len(p.new_cases):
        return []
    out = [("### Extended with the new cases\n\nThe published tables above are unchanged. Below, the tables with "
            "this build's new cases added, and Table 9.1 recomputed from the components of cases that rate them (none "
            "of the book's cases does).", {})]
    for t, _, sector, _ in UPGRADING_TABLES:
        if (p.new_cases["sector"] == sector).any():
            frame = ext.extended_upgrading_table(p.cases, p.data.reconciliation, p.new_cases, t, sector)
            out.append((page.table(upgrading_shown(frame), f"table_{t.replace('.', '_')}_extended",
                                   f"Book Table {t} extended with new cases", f"book Table {t} and the new case files",
                                   data=frame, note=UPGRADING_NOTE), {}))
    out.append((page.table(tables.table_9_1_from_components(p.extended_cases), "table_9_1_components",
                           "Collective efficiency by sector from rated components (new cases only; n = cases with all "
                           "eight components)", "the new case files"), {}))
    return out


def claims_table(page, p: SynthesisPage) -> tuple[str, dict]:
    """The chapter's checkable statements with their computed verdicts."""
    names = dict(zip(p.cases["case_id"], p.cases["name"]))
    shown = p.claims[["claim_id", "page", "statement", "verdict", "evidence"]]
    shown = shown.assign(evidence=shown["evidence"].map(lambda t: caselinks.in_words(t, names)))
    return page.table(shown, "claims",
                      "Quantitative statements of Chapters 1 and 9, checked",
                      "data/book/structural_claims.csv decided by analysis/audit/claims.py on the case database",
                      data=p.claims), {}
