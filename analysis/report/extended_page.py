"""What the page of new cases shows (``chapters/extended.md``; in every edition: in the
published one it says how to add cases and offers the template): the case-file templates
(:func:`templates`), the counts its prose glues in (:func:`glue_values`), the links to the
new cases' own pages (:func:`case_page_links`) and the published and extended sector
summaries side by side with the sectors whose summary the new cases change
(:func:`comparison`). The sentences are the page's Markdown, except the list of links,
whose length is the number of new cases (its function says why).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.io import extended as ext
from analysis.io.schema import SLUG


#: the files a contributor starts from, offered as downloads (project-relative)
TEMPLATE_FILES = ("cases/TEMPLATE.yaml", "cases/examples/tavara_1993.yaml")


def templates(page) -> list[str]:
    """Copy the commented case template and the worked example into the page's downloads
    (``<page>-template.yaml``, ``<page>-tavara-1993.yaml``, which the page's Markdown links)
    and return the paths written. They are project files: the page declares them as inputs."""
    import shutil

    from analysis.paths import ROOT

    written = []
    for rel in TEMPLATE_FILES:
        name = page.file_name(Path(rel).stem.lower().replace("_", "-")) + Path(rel).suffix
        shutil.copyfile(ROOT / rel, page.dir / name)
        written.append(page._rel(name))
    return written


def new_cases_table(page, new: pd.DataFrame, cases_dir: str) -> tuple[str, dict]:
    """The table of the cases this build adds, or a sentence when it adds none."""
    from analysis.method.indices import with_indices
    from analysis.vocab import SECTOR_LABELS

    if not len(new):
        return "This build adds no cases: every page shows the published sample only.", {}
    shown = with_indices(new)[["case_id", "name", "country", "sector", "ce_degree", "ce_degree_source",
                               "upgrading_product", "upgrading_process", "upgrading_functional",
                               "upgrading_intersectoral", "coder", "coded_on", "source_file"]].copy()
    shown["sector"] = shown["sector"].map(SECTOR_LABELS)
    return page.table(shown, "new_cases", "Cases added in this build (coded by their contributors, "
                      "not by the book's authors)", f"case files in {cases_dir}"), {}


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
        return "", {}  # the table's place already says there are none (new_cases_table)
    return "Each new case has its own profile page:\n\n" + "\n".join(f"- {{doc}}`cases/{cid}`" for cid in ids), {}


def comparison(page, published: pd.DataFrame, extended: pd.DataFrame) -> tuple[str, dict]:
    """The sector summaries of both samples side by side, and a sentence on the sectors whose
    summary differs (glued as ``changed_summaries``; a sentence in Python because "none" and
    a list read differently, which Markdown cannot choose between; sector labels only)."""
    if len(extended) == len(published):
        return "", {"changed_summaries": "Without new cases the two samples are the same, so there is "
                                         "nothing to set side by side."}
    comp = ext.side_by_side(ext.sector_summary(published), ext.sector_summary(extended), "Sector")
    changed = ext.changed_rows(comp)
    md = page.table(comp, "sector_comparison", "Sector summaries, published sample and extended sample",
                    "data/cases.csv and the new case files")
    said = ("The new cases change the summaries of " + ", ".join(changed["Sector"]) + "." if len(changed)
            else "The new cases change no sector's summary.")
    return md, {"changed_summaries": said}
