"""What a case-study chapter page shows, the parts that are alike from chapter to chapter:
the chapter's judged audit and consistency checks (:func:`prepare`), the counts its prose
glues in (:func:`glue_values`), each numeric book table rebuilt from its cells with its
audit badge (:func:`numeric_table`), our chart of it (:func:`chart`), and the section
'Figures printed more than once' (:func:`consistency`).

What differs between chapters (the captions, the charts, the chapter's own glued numbers
and its other tables) is in the chapter's page module (:mod:`analysis.report.dairy_page`
for ``chapters/ch02_dairy.md``, :mod:`analysis.report.fruit_page` for
``chapters/ch03_fruit.md``, :mod:`analysis.report.salmon_page` for
``chapters/ch04_salmon.md``, :mod:`analysis.report.furniture_page` for
``chapters/ch05_furniture.md``), which hands it to :func:`prepare`. This module imports no
chapter's audit module, so a page's cache key holds its own chapter's code only. Section
functions return ``(MyST, values to glue)`` for :func:`analysis.report.present.show`; the
pages' sentences are their Markdown.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import pandas as pd

from analysis.audit.judged import chapter_audit
from analysis.io.bookref import book_ref
from analysis.report import casestudy_display as show


@dataclass
class CaseStudy:
    """One case-study chapter as its page uses it."""

    module: ModuleType        # the chapter's audit module (analysis.audit.casestudies.ch4_salmon ...)
    tables: object            # the case-study tables (BookData.chapters)
    audit: pd.DataFrame       # the chapter's judged audit rows
    checks: pd.DataFrame      # its consistency checks for display
    show_notes: bool = True   # list the notes on each table's cells
    numeric: dict = field(default_factory=dict)  # book table -> title and row labels (table_block keywords)
    charts: dict = field(default_factory=dict)   # book table -> (figure of its cells, caption, alt text)
    values: Callable[["CaseStudy"], dict] | None = None  # the chapter's own glued numbers

    @property
    def chapter(self) -> int:
        return self.module.CHAPTER


def prepare(data, module: ModuleType, *, show_notes: bool = True, numeric: dict | None = None,
            charts: dict | None = None, values: Callable[[CaseStudy], dict] | None = None) -> CaseStudy:
    audit = chapter_audit(data, module)
    return CaseStudy(module, data.chapters, audit, show.consistency_view(audit, module.CHAPTER, data), show_notes,
                     numeric or {}, charts or {}, values)


def table_name(key: str) -> str:
    """The page's name of book table ``key`` ("4.1" -> "table_4_1", also its data file's stem)."""
    return "table_" + key.replace(".", "_")


def glue_values(c: CaseStudy) -> dict:
    """Values the page's prose glues in: the consistency counts, then the chapter's own."""
    return {"n_checks": int(len(c.checks)), "n_inconsistent": int((c.checks["Verdict"] == "inconsistent").sum()),
            **(c.values(c) if c.values else {})}


def numeric_table(page, c: CaseStudy, key: str) -> tuple[str, dict]:
    """Book table ``key`` rebuilt from its cells, with its audit badge and the notes on its cells."""
    return show.table_block(page, c.tables[key], c.audit, key, source=f"book {book_ref(key)}, data/chapters/"
                            f"{table_name(key)}.csv", show_notes=c.show_notes, **c.numeric[key]), {}


def chart(page, c: CaseStudy, key: str) -> tuple[str, dict]:
    """Our chart of book table ``key`` (the book has none for these tables)."""
    figure, caption, alt = c.charts[key]
    return page.figure(figure(c.tables[key]), "figure_" + key.replace(".", "_"), caption, alt), {}


def consistency(page, c: CaseStudy) -> tuple[str, dict]:
    """The chapter's figures printed more than once, compared."""
    a, n = c.audit, c.chapter
    return page.table(c.checks, "consistency", f"Chapter {n}: figures printed in two tables, or in a table and the "
                      "text, compared", f"{c.module.__name__.replace('.', '/')}.py ({c.module.CONSISTENCY.__name__}) "
                      "and data/errata.csv", audit=a[(a["chapter"] == n) & (a["kind"] == "consistency")]), {}
