"""Executes every chapter notebook with papermill (through the real build) and opens the built site."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import build as b

ROOT = Path(__file__).resolve().parent.parent


# the built site: fixture `site` in tests/conftest.py (shared with tests/test_browser.py)


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc["parts"]:
        pages += [c["file"] for c in part["chapters"]]
    return pages


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.imgs, self.captions = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img":
            self.imgs.append(a.get("src"))


def parse(path):
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_run_executed_into_a_page(site):
    for run in b.read_runs():
        assert (site / f"{run.output}.html").exists(), run.output
    for page in toc_pages():
        assert (site / f"{page}.html").exists(), page


@pytest.mark.parametrize("page,min_tables", [
    ("chapters/ch01_cases", 4), ("chapters/ch09_synthesis", 7), ("chapters/sectors/traditional", 4),
    ("chapters/sectors/natural_resource", 4), ("chapters/sectors/complex_products", 4),
    ("chapters/sectors/specialized_suppliers", 2), ("chapters/cross_sector", 4), ("chapters/audit", 4),
    ("chapters/data_dictionary", 5),
])
def test_pages_have_numbered_tables_with_working_downloads(site, page, min_tables):
    path = site / f"{page}.html"
    html = path.read_text(encoding="utf-8")
    assert len(re.findall(r'caption-number">Table E', html)) >= min_tables
    links = [h for h in parse(path).hrefs if "_downloads" in h]
    csvs = [h for h in links if h.endswith(".csv")]
    assert len(csvs) >= min_tables
    for href in links:
        target = (path.parent / href).resolve()
        assert target.exists() and target.stat().st_size > 0, href
    for src in parse(path).imgs:
        if src and not src.startswith(("http", "data:")):
            assert (path.parent / src).resolve().exists(), src


def test_synthesis_page_shows_audit_badges_and_computed_cells(site):
    html = (site / "chapters/ch09_synthesis.html").read_text(encoding="utf-8")
    assert "mismatch" in html and "not derivable" in html and "rounding" in html
    assert "Book Table 9.4" in html and "Book Table 9.6" in html


def test_software_page_says_what_is_not_published(site):
    html = (site / "chapters/sectors/specialized_suppliers.html").read_text(encoding="utf-8")
    assert "does not publish per-case upgrading scores" in html
    trad = (site / "chapters/sectors/traditional.html").read_text(encoding="utf-8")
    assert trad.count('caption-number">Figure E') == 2


def test_audit_csv_download(site):
    page = site / "chapters/audit.html"
    href = next(h for h in parse(page).hrefs if h.endswith("/audit.csv"))
    audit = pd.read_csv((page.parent / href).resolve())
    assert {"table", "row", "column", "printed", "computed", "status", "rule", "note"} <= set(audit.columns)
    assert len(audit) == 74 and (audit["status"] == "mismatch").sum() == 6
