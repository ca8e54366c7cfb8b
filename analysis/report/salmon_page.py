"""What is Chapter 4's own on its page (``chapters/ch04_salmon.md``, Chilean salmon): the
captions of its numeric tables and chart, our chart of Table 4.1 (:func:`figure_4_1`), the
Table 4.3 counts its prose glues in, and its qualitative tables (4.2, 4.5, 4.6: short
labels, no derived cells) and Table 4.4. What every case-study page shares is
:mod:`analysis.report.casestudy_page`; kept apart so that the page depends on Chapter 4's
code only.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.audit.casestudies import ch4_salmon as ch4
from analysis.io.bookref import book_ref
from analysis.method.cells import number
from analysis.report import casestudy_display as show
from analysis.report import casestudy_page
from analysis.report.casestudy_page import CaseStudy, table_name
from analysis import theme

if TYPE_CHECKING:  # matplotlib is imported by the figure function, only when it draws
    from matplotlib.figure import Figure


@theme.themed
def figure_4_1(cells: pd.DataFrame) -> Figure:
    """Farmed salmon and trout output (left) and export value (right), 1987-2001 (Table 4.1):
    two panels with one y-axis each, not one panel with twin axes of different baselines."""
    import matplotlib.pyplot as plt

    yrs = [int(y) for y in ch4.YEARS]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(theme.FULL_WIDTH, 3.6), sharex=True)
    ax.plot(yrs, [number(cells, y, ch4.PROD) for y in ch4.YEARS], marker="o", label="Chile")
    ax.plot(yrs, [number(cells, y, ch4.TENTH) for y in ch4.YEARS], marker="s", linestyle="--",
            label="Tenth Region (estimated)")
    ax.set(xlabel="Year", ylabel="Production (thousand tons,\neviscerated weight)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    ax2.bar(yrs, [number(cells, y, ch4.EXPORTS) for y in ch4.YEARS], color=theme.PALETTE[2], width=1.2)
    ax2.set(xlabel="Year", ylabel="Chile's export value\n(US$ millions FOB)")
    for a in (ax, ax2):  # the table's years, as printed
        a.set_xticks(yrs, [str(y) for y in yrs], rotation=45, ha="right")
    fig.tight_layout()
    return fig


#: the numeric tables, rebuilt from their cells: title and how the rows are labelled
NUMERIC_TABLES = {
    "4.1": dict(title="Book Table 4.1 — Chile and the Tenth Region: farmed salmon and trout production (eviscerated "
                "weight)", index_name="Year"),
    "4.3": dict(title="Book Table 4.3 — Number of firms and jobs in the cluster (as reconstructed)",
                split_rows=("Subsystem", "Industry")),
}
#: our chart of Table 4.1: (figure of the table's cells, caption, alt text)
CHARTS = {
    "4.1": (figure_4_1, "Farmed salmon and trout output in Chile and the Tenth Region (left) and Chile's export "
            "value (right), 1987–2001, as printed in book Table 4.1. Notebook chapters/ch04_salmon.md.",
            "Line chart of production for Chile and the Tenth Region beside a bar chart of export value, 1987-2001"),
}
#: the tables of short labels: (view of the table's rows, title, note)
LABEL_TABLES = {
    "4.2": (lambda t: ch4.table_4_2(t).reset_index().rename(columns={"dimension": "Dimension"}),
            "Book Table 4.2 — Life-cycle stages of the Chilean salmon cluster (items joined with semicolons)", ""),
    "4.5": (ch4.table_4_5, "Book Table 4.5 — Collective actions in the Chilean salmon cluster",
            "Amounts are kept as printed; several look implausibly large and their unit is doubtful (see the notes "
            "in the download)."),
    "4.6": (lambda t: ch4.table_4_6(t).reset_index(), "Book Table 4.6 — Innovation and upgrading in the Chilean "
            "salmon cluster", "The product-upgrading lines were garbled in the source text; the notes in the "
            "download say how they were split."),
}


def table_4_3_values(c: CaseStudy) -> dict:
    """How many derived cells of Table 4.3 are recomputed, and how many of them match the book."""
    a43 = show.table_audit(c.audit, "4.3")
    return {"n_43_recomputed": int(a43["computed"].notna().sum()), "n_43_match": int((a43["status"] == "match").sum())}


def prepare(data, *, show_notes: bool = True) -> CaseStudy:
    return casestudy_page.prepare(data, ch4, show_notes=show_notes, numeric=NUMERIC_TABLES, charts=CHARTS,
                                  values=table_4_3_values)


def label_table(page, c: CaseStudy, key: str) -> tuple[str, dict]:
    """A qualitative table (no derived cells, so no audit badge); the download is its rows as transcribed."""
    view, title, note = LABEL_TABLES[key]
    return page.table(view(c.tables[key]), table_name(key), title,
                      f"book {book_ref(key)}, data/chapters/{table_name(key)}.csv", data=c.tables[key], note=note), {}


#: Table 4.4's value column, named neutrally: the two printed pages of the table head it differently
VALUE_4_4 = "Value 2001 (US$ millions FOB)"
HEADER_4_4 = "header as printed"  # the column of ch4.table_4_4 that keeps each row's printed header


def table_4_4_view(cells: pd.DataFrame, businesses: pd.DataFrame) -> pd.DataFrame:
    """Table 4.4 as shown: one value column, and each row's printed header of that column (the
    two printed pages head it differently) as the heading of its block of rows, word for word."""
    t44 = ch4.table_4_4(cells, businesses)
    value = next(c for c in t44.columns if c.startswith("Value of exports"))
    return t44.rename(columns={value: VALUE_4_4, "product_location": "Products (location)",
                               "capital_structure_summary": "Capital structure (our summary)"}).assign(
        **{HEADER_4_4: lambda d: "Value column headed in print: " + d[HEADER_4_4]})


def table_4_4(page, c: CaseStudy) -> tuple[str, dict]:
    """Table 4.4, the main businesses with their exports and our summary of their capital structure."""
    return page.table(table_4_4_view(c.tables["4.4"], c.tables["4.4 businesses"]), "table_4_4",
                      "Book Table 4.4 — Main businesses of the salmon cluster and their 2001 exports "
                      "(US$ millions FOB)", f"book {book_ref('4.4')}, data/chapters/table_4_4.csv and "
                      "table_4_4_businesses.csv", audit=c.audit.iloc[0:0], data=show.cell_data(c.tables["4.4"]),
                      group_by=HEADER_4_4,
                      note="The table runs over two printed pages, which head the value column differently; each "
                           "block of rows is headed by its page's header as printed."), {}
