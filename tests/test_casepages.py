"""Case pages (analysis/book/casepages.py) and links from table rows (analysis/report/caselinks.py).

The fast tests render the pages without Sphinx and read the MyST and table JSON they
wrote; the slow ones read the built book (``site`` / ``two_books`` fixtures).
"""
import json
import re

import pandas as pd
import pytest

from analysis.report.present import Page

from analysis.book import casepages
from analysis.paths import ROOT
from analysis.report import caselinks


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("cases")
    info = casepages.write_case_pages(out, "cases/examples", log=lambda m: None)
    return out / "chapters" / "cases", info


def _table(folder, case_id, name):
    stem = Page(f"case-{case_id}").file_name(name)  # downloads carry the page's prefix
    return json.loads((folder / "downloads" / f"case-{case_id}" / f"{stem}.table.json").read_text(encoding="utf-8"))


def test_every_published_and_new_case_has_a_page(pages):
    folder, info = pages
    published = pd.read_csv(ROOT / "data" / "cases.csv", dtype=str)
    expected = set(published["case_id"]) | {"footwear-el-porvenir", "industrial-park-villa-el-salvador"}
    assert {p.stem for p in folder.glob("*.md")} == expected | {"index"}
    assert info["pages"] == len(expected)


def test_published_case_page_content(pages):
    folder, _ = pages
    md = (folder / "textile-itaji.md").read_text(encoding="utf-8")
    # an orphan page (not in the toc: the case index links it) with a stable label from the case id
    assert md.startswith("---\norphan: true\n---\n\n(case-textile-itaji)=\n# ")
    for heading in ("Scores against the sector", "Value chains", "Sources", "Where the book shows this case",
                    "Table 9.3 and regression context", "Policy priorities"):
        assert f"## {heading}" in md
    # its source, linked to the bibliography through the key of data/case_references.csv
    refs = pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str)
    key = refs.loc[refs["case_id"] == "textile-itaji", "bibkey"].iloc[0]
    assert f"{{cite:p}}`{key}`" in md
    # every table it appears in, with printed pages, and the name variants of the reconciliation
    rec = pd.read_csv(ROOT / "data" / "reconciliation.csv", dtype=str)
    tables = _table(folder, "textile-itaji", "book_tables")
    shown = [r[0] for r in tables["rows"]]
    assert len(shown) == (rec["case_id"] == "textile-itaji").sum()
    assert all(re.match(r"^Table \d+\.\d+, p\. \d+$", s) for s in shown), shown
    assert "Name variants printed in the book" in md
    # scores against the sector: the case's own printed scores
    row = pd.read_csv(ROOT / "data" / "cases.csv", dtype=str).set_index("case_id").loc["textile-itaji"]
    scores = _table(folder, "textile-itaji", "scores")
    assert scores["rows"][0][1] == row["upgrading_product"]
    # the policy menu aims at the weakest points
    assert _table(folder, "textile-itaji", "policy_menu")["rows"]
    png = folder / "downloads" / "case-textile-itaji" / "against_sector.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (png.with_suffix(".pdf")).exists()  # heavy formats only on demand


def test_new_case_page_shares_the_template_and_adds_justifications(pages):
    folder, _ = pages
    md = (folder / "footwear-el-porvenir.md").read_text(encoding="utf-8")
    assert md.startswith("---\norphan: true\n---\n\n(case-footwear-el-porvenir)=\n# ")
    for heading in ("Scores against the sector", "Value chains", "Scores and their justifications",
                    "Collective efficiency", "Sources", "Policy priorities"):
        assert f"## {heading}" in md
    assert "not coded by the book's authors" in md
    assert _table(folder, "footwear-el-porvenir", "justifications")["rows"]


def test_index_links_every_case_and_loads_the_local_filter(pages):
    folder, info = pages
    docs = []
    for name in ("published_cases", "new_cases"):
        stem = Page("case-index").file_name(name)
        spec = json.loads((folder / "downloads" / "case-index" / f"{stem}.table.json").read_text(encoding="utf-8"))
        docs += [r[0]["doc"] for r in spec["rows"]]
    assert docs == [f"/chapters/cases/{i}" for i in info["ids"]]
    md = (folder / "index.md").read_text(encoding="utf-8")
    assert '<div id="case-filters"' in md
    csv = (folder / "downloads" / "case-index" / f"{Page('case-index').file_name('published_cases')}.csv").read_text(encoding="utf-8")
    assert "{'text'" not in csv and "doc" not in csv.splitlines()[0]  # the download keeps plain text
    js = (ROOT / "_static" / "case_index.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "http" not in js


def test_index_has_a_sortable_bibliography_by_case(pages):
    folder, _ = pages
    refs = pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str)
    stem = Page("case-index").file_name("sources_by_case")
    spec = json.loads((folder / "downloads" / "case-index" / f"{stem}.table.json").read_text(encoding="utf-8"))
    assert spec["columns"] == ["Case", "Sector", "Country", "Source (as printed)", "BibTeX key"]
    # one row per (case, work) pair of data/case_references.csv, each case linked to its page
    pairs = {(r[0]["doc"].rsplit("/", 1)[1], r[4]) for r in spec["rows"]}
    assert len(spec["rows"]) == len(refs) and pairs == set(zip(refs["case_id"], refs["bibkey"]))
    assert all(r[3]["doc"] == "/bibliography" for r in spec["rows"])
    md = (folder / "index.md").read_text(encoding="utf-8")
    assert "(sources-by-case)=" in md and ":class: book-table book-table-interactive" in md.split("(sources-by-case)=")[1]
    csv = pd.read_csv(folder / "downloads" / "case-index" / f"{stem}.csv", dtype=str)
    assert list(csv["BibTeX key"]) == [r[4] for r in spec["rows"]]  # the download holds plain text


def test_case_text_goes_through_escape():
    """A hostile name is backslash-escaped in the MyST heading (analysis.escape.myst)."""
    from analysis import escape

    evil = "{{ env.srcdir }} <img src=x onerror=alert(1)> $x$"
    assert casepages.escape.myst is escape.myst
    assert "{{" not in escape.myst(evil)


def test_rerun_renders_nothing_and_changes_no_file(tmp_path):
    cache = tmp_path / "cache"
    first = casepages.write_case_pages(tmp_path / "a", cache_dir=cache, log=lambda m: None)
    page = tmp_path / "a" / "chapters" / "cases" / "textile-itaji.md"
    mtime = page.stat().st_mtime_ns
    second = casepages.write_case_pages(tmp_path / "a", cache_dir=cache, log=lambda m: None)
    assert first["rendered"] == first["pages"] and second["rendered"] == 0
    assert second["changed_files"] == 0 and page.stat().st_mtime_ns == mtime


def test_link_rows_links_the_case_column_only():
    data = pd.DataFrame({"case_id": ["textile-itaji", "bad id!"], "name": ["A", "B"], "x": [1, 2]})
    shown = caselinks.link_rows(data.copy(), data)
    assert shown.loc[0, "case_id"] == {"text": "textile-itaji", "doc": "/chapters/cases/textile-itaji"}
    assert shown.loc[1, "case_id"] == "bad id!"  # not a slug: no link
    named = caselinks.link_rows(data[["name", "x"]], data)
    assert named.loc[0, "name"]["doc"] == "/chapters/cases/textile-itaji"
    assert caselinks.link_rows(data[["x"]], data).equals(data[["x"]])  # no case column: unchanged
    assert caselinks.link_rows(data[["name"]].iloc[:1], data).loc[0, "name"] == "A"  # rows not aligned


def test_site_case_pages_and_row_links(site):
    page = (site / "chapters" / "cases" / "textile-itaji.html").read_text(encoding="utf-8")
    assert 'id="case-textile-itaji"' in page
    assert "bibliography.html#" in page  # the source links to its bibliography entry
    index = (site / "chapters" / "cases" / "index.html").read_text(encoding="utf-8")
    assert 'id="case-index-published-cases"' in index
    assert index.count('href="textile-itaji.html"') >= 1
    # a table row that names a case on another page links to the case page
    linked = [p for p in (site / "chapters").rglob("*.html")
              if "cases/" not in p.as_posix() and 'href="cases/textile-itaji.html"' in p.read_text(encoding="utf-8")]
    assert linked, "no chapter table links to a case page"
    assert "case_index.js" in index  # the filter script, served from the site
    # the sidebar lists chapters, not the 40 case pages
    assert page.count("apparel-torreon.html") <= 1


def test_ce_degrees_of_the_sector_are_listed_low_to_high(book_data):
    """The sector's degrees in their own order (low, medium, high), counted from the data."""
    cases = book_data.cases
    sector = cases[cases["sector"] == "traditional"]
    case = sector.iloc[0]
    row = casepages._scores_table(case, sector).set_index("Item").loc["Collective-efficiency degree"]
    counts = sector["ce_degree"].value_counts()
    assert row["Sector range"] == ", ".join(f"{d}: {counts[d]}" for d in ("low", "medium", "high") if d in counts)
    assert row["Cases scored"] == str(int(sector["ce_degree"].notna().sum()))


def test_a_case_without_scores_gets_no_empty_figure(pages):
    """The software cases have no published upgrading score: a sentence says so, no figure."""
    folder, _ = pages
    md = (folder / "software-monterrey.md").read_text(encoding="utf-8")
    assert "no upgrading score for this case" in md and "```{figure}" not in md
    assert not (folder / "downloads" / "case-software-monterrey" / "against_sector.png").exists()
    scored = (folder / "textile-itaji.md").read_text(encoding="utf-8")
    assert "```{figure}" in scored
