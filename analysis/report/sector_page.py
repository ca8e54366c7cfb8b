"""What a sector page shows (``chapters/sector.md``): its numbers for the glued prose, its
grids, and the extended-sample block. The notebook reads its parameters, calls these, and
shows the results; the sentences are the notebook's Markdown, except the few whose words
depend on the data in a way Markdown cannot express (each function says why). Case names
reach the page's MyST only through :func:`analysis.escape.myst`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import escape
from analysis.io import extended as ext
from analysis.method import tables
from analysis.report import figures
from analysis.report import format as fmt
from analysis.vocab import CE_DEGREES, CHAIN_LABELS, CHAIN_ORDER, GOVERNANCE_CODES, SECTOR_LABELS, UPGRADING_TYPES


@dataclass
class Sector:
    """One sector of the published sample, with what its page needs to know about it."""

    sector: str
    cases: pd.DataFrame            # the published sample (all sectors)
    label: str
    part: pd.DataFrame             # the sector's cases
    upgrading_table: str | None    # the book table that scores its upgrading (9.4-9.6), if any
    has_scores: bool

    @classmethod
    def of(cls, cases: pd.DataFrame, sector: str) -> "Sector":
        return cls(sector, cases, SECTOR_LABELS[sector], cases[cases["sector"] == sector],
                   tables.published_upgrading_table(sector), figures.has_upgrading_scores(cases, sector))

    def glue_values(self, printed: pd.DataFrame) -> dict:
        """Values the page's prose glues in (plain words and numbers, no markup)."""
        countries = self.part["country"].value_counts()
        t91 = tables.table_9_1_printed(printed, as_printed=True)
        row = t91[t91["Sector"] == self.label].iloc[0]
        deg = self.part["ce_degree"].value_counts().reindex(list(CE_DEGREES), fill_value=0)
        return {
            "clusters": fmt.count(len(self.part), "cluster"),
            "countries": fmt.count(int(countries.size), "country", "countries"),
            "top_country": str(countries.index[0]), "top_country_n": int(countries.iloc[0]),
            "label_lower": self.label.lower(),
            "ee_printed": str(row["External economies (EE)"]), "ja_printed": str(row["Joint actions (JA)"]),
            "ce_printed": str(row["Collective Efficiency Index"]),
            "degree_table": f"book Table {self.upgrading_table}" if self.upgrading_table else "the book",
            "deg_low": fmt.count(int(deg["low"]), "cluster"), "deg_low_n": int(deg["low"]), "deg_medium": int(deg["medium"]),
            "deg_high": int(deg["high"]), "has_degrees": bool(self.part["ce_degree"].notna().any()),
            "what_it_shows": what_it_shows(self.has_scores),
        }

    def upgrading_grid(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(grid, long): mean score and number of scored cases by CE degree × upgrading type."""
        by_ce = tables.upgrading_by_ce_degree(self.cases, self.sector)
        cells = by_ce.assign(cell=[f"{fmt.number(m, 2)} ({int(n)})" for m, n in zip(by_ce["mean_score"], by_ce["n_cases"])])
        grid = (cells.pivot(index="ce_degree", columns="type", values="cell")
                .reindex(index=[d for d in CE_DEGREES if d in set(cells["ce_degree"])], columns=list(UPGRADING_TYPES))
                .rename_axis(index="CE degree", columns=None).reset_index())
        return grid, by_ce

    def governance_grid(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(grid, long): number of clusters by chain type × governance code."""
        prof = tables.governance_profile(self.cases, self.sector)
        grid = prof.pivot(index="chain", columns="code", values="n_cases").reindex([CHAIN_LABELS[c] for c in CHAIN_ORDER])
        grid.columns = [f"{c} {GOVERNANCE_CODES[c]}" if c in GOVERNANCE_CODES else "not published" for c in grid.columns]
        return grid.rename_axis("Chain type").reset_index(), prof


def what_it_shows(has_scores: bool) -> str:
    """The opening paragraph's account of the page's sections (glued as ``what_it_shows``).

    In Python because the page has different sections for a sector whose upgrading the book
    scores and for one it does not (the software clusters), and Markdown cannot choose
    between two phrasings."""
    if has_scores:
        return ("each case's degree of collective efficiency, its upgrading scores and the value chains it takes "
                "part in, then the sector's averages as the book prints them and its reading in Table 9.3")
    return ("the cases and their value-chain governance (the book scores these chains but not the cases' "
            "upgrading), then the sector's printed averages and its reading in Table 9.3")


def degree_sentence(v: dict) -> tuple[str, dict]:
    """The sentence on CE degrees, from :meth:`Sector.glue_values`.

    In Python because a sector without published degrees (software) gets a different
    sentence, not counts of zero, and Markdown cannot choose between the two."""
    if not v["has_degrees"]:
        return "The book publishes no per-case degree of collective efficiency for this sector.", {}
    counts = {"low": v["deg_low_n"], "medium": v["deg_medium"], "high": v["deg_high"]}
    said = [(d, n) for d, n in counts.items() if n]
    parts = [f"{d} in {fmt.count(n, 'cluster') if i == 0 else n}" for i, (d, n) in enumerate(said)]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    none = [d for d, n in counts.items() if not n]
    tail = f"; no cluster's is {' or '.join(none)}" if none else ""
    return f"By {v['degree_table']}, the degree of collective efficiency is {text}{tail}.", {}


def unpublished_list(s: Sector) -> tuple[str, dict]:
    """The section 'Not published by the book': one list item per gap
    (:func:`analysis.method.tables.unpublished_items`).

    In Python because how many items there are, and which cases they name, depends on the
    data; each item is plain text naming book cases, so the whole item is escaped."""
    return "\n".join(f"- {escape.myst(item)}" for item in tables.unpublished_items(s.cases, s.sector)), {}


def upgrading_section(page, s: Sector) -> tuple[str, dict]:
    """MyST of the 'Upgrading' section: the CE degree × type grid and its figure, or why there
    is none (a sentence in Python because it replaces the table and figure of a sector the
    book does not score, which Markdown cannot leave out)."""
    if not s.has_scores:
        return ("The book does not publish per-case upgrading scores for this sector, so there is "
                "no upgrading table or figure here. Chapter 9 describes its upgrading in words only."), {}
    grid, by_ce = s.upgrading_grid()
    source = f"book Table {s.upgrading_table}"
    return "\n\n".join([
        page.table(grid, "upgrading_by_ce", f"{s.label}: mean upgrading score (0 absent – 3 high) by degree of "
                   "collective efficiency and type of upgrading; in brackets, the number of cases with a score",
                   f"computed from {source} (data/cases.csv)", data=by_ce),
        page.figure(figures.figure_upgrading_by_type_and_ce(s.cases, s.sector, source), "upgrading_by_type_and_ce",
                    f"{s.label}: upgrading scores by type (0 absent – 3 high); bars are means per degree of collective "
                    f"efficiency, dots are cases. Data: {source}; notebook chapters/sector.md.",
                    f"Bar chart of upgrading scores by type and CE degree for {s.label}")]), {}


def governance_section(page, s: Sector) -> tuple[str, dict]:
    """MyST of the 'Governance' section: the chain type × code grid and its figure."""
    grid, prof = s.governance_grid()
    return "\n\n".join([
        page.table(grid, "governance_profile", f"{s.label}: number of clusters by chain type and governance code",
                   "book Table 9.2 (data/cases.csv)", data=prof),
        page.figure(figures.figure_governance_mix(s.cases, s.sector, "book Table 9.2"), "governance_mix",
                    f"{s.label}: how many clusters take part in each type of value chain, by governance code. "
                    "Data: book Table 9.2; notebook chapters/sector.md.",
                    f"Stacked bar chart of governance codes for {s.label}")]), {}


def extended_block(page, s: Sector, extended_cases: pd.DataFrame, new_cases: pd.DataFrame, data) -> tuple[str, dict]:
    """MyST of the sector page's 'Extended sample' section: empty when no new case is in the
    sector (the reconciliation of the book's tables is read only then).

    In Python because the whole section, its heading and its sentence naming the new cases
    exist only when the build has new cases in this sector, which Markdown cannot test.
    Case names go through :func:`analysis.escape.myst`, tables through ``page``."""
    new_here = new_cases[new_cases["sector"] == s.sector] if len(new_cases) else new_cases
    if not len(new_here):
        return "", {}
    parts = ["## Extended sample\n\nThis build adds " + ", ".join(escape.myst(n) for n in new_here["name"])
             + " to this sector (coded by contributors, not by the book's authors). Everything above is the "
               "published sample; below, the published and extended samples side by side."]
    row = ext.side_by_side(ext.sector_summary(s.cases), ext.sector_summary(extended_cases), "Sector")
    parts.append(page.table(row[row["Sector"] == s.label], "extended_summary",
                            f"{s.label}: published and extended samples", "data/cases.csv and the new case files"))
    if s.upgrading_table:
        parts.append(page.table(
            ext.extended_upgrading_table(s.cases, data.reconciliation, new_cases, s.upgrading_table, s.sector).drop(columns="case_id"),
            "extended_upgrading_table",
            f"Book Table {s.upgrading_table} extended with the new cases (totals and averages over all rows)",
            f"book Table {s.upgrading_table} and the new case files"))
    if figures.has_upgrading_scores(extended_cases, s.sector):
        parts.append(page.figure(
            figures.figure_upgrading_by_type_and_ce(extended_cases, s.sector,
                                                    f"book Table {s.upgrading_table or '–'} plus new cases"),
            "extended_upgrading", f"{s.label}, extended sample: upgrading scores by type and CE degree, new cases "
            "included. Data: book tables and the new case files; notebook chapters/sector.md.",
            "Bar chart of upgrading scores for the extended sample"))
    return "\n\n".join(parts), {}
