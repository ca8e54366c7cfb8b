"""What the Chapter 8 page (``chapters/ch08_trade.md``) shows: the book's trade panels read by
both rules, the text's verdicts against them, Table 8.3 and its check, and a reader's own
series. Section functions return ``(MyST, values to glue)`` for
:func:`analysis.report.present.show`; the page's sentences are its Markdown.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.audit.casestudies import ch8_trade as ch8
from analysis.audit.judged import chapter_audit
from analysis.io.bookref import book_ref
from analysis.io.chapter_tables import TEXT_VERDICTS
from analysis.io.trade_series import load_user_series
from analysis.method import trade
from analysis.report import casestudy_display as show
from analysis.report import format as fmt
from analysis.report import trade_display as views


@dataclass
class TradePage:
    rule_variant: str
    tables: object               # the case-study tables (BookData.chapters)
    audit: pd.DataFrame          # the chapter's judged audit rows
    classified: pd.DataFrame     # every row of Tables 8.2 and 8.4 under both rules
    chosen: list[str]            # the panels shown
    comparison: pd.DataFrame     # the text's verdicts against the rules (chosen panels)
    series: pd.DataFrame | None  # the reader's own series, classified
    series_file: str
    consistency: pd.DataFrame    # the chapter's consistency checks, for display

    @property
    def selected(self) -> pd.DataFrame:
        return self.classified[self.classified["panel"].isin(self.chosen)]

    @property
    def stated(self) -> pd.DataFrame:
        return views.text_comparison_view(self.comparison, self.rule_variant)

    @property
    def against(self) -> list[str]:
        return views.disagreements(self.comparison, self.classified, self.rule_variant)


def prepare(data, *, panels: str, rule_variant: str, series_file: str) -> TradePage:
    views.kr_column(rule_variant)  # refuses an unknown variant before anything is computed
    tables = data.chapters
    classified = pd.concat([ch8.classify_table_8_2(tables["8.2"]), ch8.classify_table_8_4(tables["8.4"])],
                           ignore_index=True)
    chosen = views.select_panels(classified, panels)
    comparison = ch8.compare_with_text(classified, tables[TEXT_VERDICTS])
    series = trade.classify_series(load_user_series(series_file)) if series_file else None
    audit = chapter_audit(data, ch8)
    return TradePage(rule_variant, tables, audit, classified, chosen,
                     comparison[comparison["panel"].isin(chosen)], series, series_file,
                     show.consistency_view(audit, 8, data))


def glue_values(p: TradePage) -> dict:
    kr, selected, stated = views.kr_column(p.rule_variant), p.selected, p.stated
    return {"n_rows": int(len(selected)), "n_panels": int(len(p.chosen)),
            "panels_phrase": fmt.count(len(p.chosen), "product panel"), "variant": p.rule_variant,
            "n_unclassifiable_kr": int((selected[kr] == trade.UNCLASSIFIABLE).sum()),
            "n_statements": int(len(stated)), "n_disagree": int(len(p.against)),
            "n_agree_81": int((stated["vs text (8.1)"] == "agree").sum()),
            "n_agree_kr": int((stated["vs text (K–R)"] == "agree").sum())}


def panel_section(page, p: TradePage, table: str, title: str) -> tuple[str, dict]:
    """One of Tables 8.2 and 8.4 under both rules, with a quadrant chart per panel."""
    part = p.selected[p.selected["table"] == table]
    if part.empty:
        return f"No panel of Table {table} is selected (parameter `panels`).", {}
    name = "table_" + table.replace(".", "_")
    parts = [page.table(views.classification_view(part, p.rule_variant), name, title,
                        f"book {book_ref(table)}, data/chapters/{name}.csv; verdicts by analysis/audit/casestudies/ch8_trade.py",
                        audit=p.audit.iloc[0:0], data=part, group_by=views.PANEL,
                        note="Rows are grouped by panel; each panel's heading gives its world market growth. Every "
                             "printed cell is an input; the share change is computed. The download has the panel and "
                             "its world market growth on every row and adds the reason for each verdict.")]
    for i, panel in enumerate(dict.fromkeys(part["panel"]), start=1):
        parts.append(page.figure(views.quadrant(p.classified, panel, p.rule_variant), f"quadrant_{name}_{i}",
                                 f"Table {table}, {panel}: change in world market share against change in unit value "
                                 f"({p.rule_variant} reading), with the Kaplinsky–Readman quadrants; the focus country "
                                 "is in red. Notebook chapters/ch08_trade.md.",
                                 f"Scatter plot of share change against unit value change for the exporters of {panel}"))
    return "\n\n".join(parts), {}


def share_sums_section(page, p: TradePage) -> tuple[str, dict]:
    sums = ch8.panel_share_sums(p.selected).rename(columns={
        "table": "Table", "panel": "Panel", "start_sum_pct": "Listed shares 1990 (%)",
        "end_sum_pct": "Listed shares 2000 (%)", "n_start_missing": "1990 shares printed n.a."})
    return page.table(sums, "share_sums", "Sum of the listed exporters' world market shares, by panel",
                      "computed from book Tables 8.2 and 8.4 (analysis/audit/casestudies/ch8_trade.py, "
                      "panel_share_sums)"), {}


def text_verdicts_section(page, p: TradePage) -> tuple[str, dict]:
    md = page.table(p.stated, "text_verdicts",
                    "The chapter's verdicts on single exporters against the two rules (agree / disagree / not stated / "
                    "unclassifiable)", "data/chapters/ch8_text_verdicts.csv (our summary of each statement, with its "
                    "source line) and analysis/audit/casestudies/ch8_trade.py", data=p.comparison)
    against = p.against
    tail = ("Disagreements between the text and the rules:\n\n" + show.notes_markdown(against) if against
            else "In the panels shown, neither rule contradicts a verdict of the text.")
    return md + "\n\n" + tail, {}


def table_8_3_section(page, p: TradePage) -> tuple[str, dict]:
    a = p.audit
    return "\n\n".join([
        show.table_block(page, p.tables["8.3"], a, "8.3",
                         "Book Table 8.3 — Iron ore production in Brazil by company, 1999 (millions of tons; market "
                         "share in percent)", f"book {book_ref('8.3')}, data/chapters/table_8_3.csv", index_name="Company"),
        page.table(p.consistency, "consistency", "Chapter 8: a figure the text derives from Table 8.3, "
                   "recomputed", "analysis/audit/casestudies/ch8_trade.py (audit_text_claims_8_3)",
                   audit=a[(a["chapter"] == 8) & (a["kind"] == "consistency")])]), {}


def series_section(page, p: TradePage) -> tuple[str, dict]:
    if p.series is None:
        return "", {}  # the page's prose says what file to give and how (chapters/ch08_trade.md)
    s, f = p.series, p.series_file
    parts = [page.table(views.series_view(s, p.rule_variant), "series",
                        f"Your trade series ({f}): changes over each product's first and last year and both rules' verdicts",
                        f"{f}, classified by analysis/method/trade.py", data=s)]
    for i, panel in enumerate(dict.fromkeys(s["panel"]), start=1):
        parts.append(page.figure(views.quadrant(s, panel, p.rule_variant), f"quadrant_series_{i}",
                                 f"Your series, {panel}: change in world market share against change in unit value "
                                 f"({p.rule_variant} reading). Notebook chapters/ch08_trade.md.",
                                 f"Scatter plot of share change against unit value change for {panel}"))
    return "\n\n".join(parts), {}
