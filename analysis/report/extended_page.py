"""What the extended-edition page shows (``chapters/extended.md``, built only when the book
is given new cases): the counts its prose glues in (:func:`glue_values`), the links to the
new cases' own pages (:func:`case_page_links`) and the published and extended sector
summaries side by side with the sectors whose summary the new cases change
(:func:`comparison`). The sentences are the page's Markdown, except the list of links,
whose length is the number of new cases (its function says why).
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.io import extended as ext
from analysis.io.schema import SLUG


def glue_values(published: pd.DataFrame, extended: pd.DataFrame, new: pd.DataFrame) -> dict:
    """The sizes of the three samples the opening paragraph gives."""
    return {"n_new": int(len(new)), "n_published": int(len(published)), "n_extended": int(len(extended))}


def case_page_links(new: pd.DataFrame) -> tuple[str, dict]:
    """One link per new case to its profile page (``chapters/cases/<id>``), or a sentence
    saying there are none.

    In Python because the list has one item per new case, which Markdown cannot repeat.
    A link carries only the case's id, never its name: the id is a slug (the case validator
    refuses any other, :data:`analysis.io.schema.SLUG`; checked again here), and the text
    the link shows is the case page's title, which :mod:`analysis.book.casepages` writes
    through :mod:`analysis.escape`."""
    ids = [str(i) for i in new["case_id"]]
    bad = [i for i in ids if not re.fullmatch(SLUG, i)]
    if bad:
        raise ValueError(f"case ids that are not slugs cannot name a page: {bad}")
    if not ids:
        return "No new cases.", {}
    return "Each new case has its own profile page:\n\n" + "\n".join(f"- {{doc}}`cases/{cid}`" for cid in ids), {}


def comparison(page, published: pd.DataFrame, extended: pd.DataFrame) -> tuple[str, dict]:
    """The sector summaries of both samples side by side, and a sentence on the sectors whose
    summary differs (glued as ``changed_summaries``; a sentence in Python because "none" and
    a list read differently, which Markdown cannot choose between; sector labels only)."""
    comp = ext.side_by_side(ext.sector_summary(published), ext.sector_summary(extended), "Sector")
    changed = ext.changed_rows(comp)
    md = page.table(comp, "sector_comparison", "Sector summaries, published sample and extended sample",
                    "data/cases.csv and the new case files")
    said = ("The new cases change the summaries of " + ", ".join(changed["Sector"]) + "." if len(changed)
            else "The new cases change no sector's summary.")
    return md, {"changed_summaries": said}
