"""The extended edition: new cases build into side-by-side pages, published results stay as they were,
case text is escaped, and bad case files stop the build before anything changes."""
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis.book import build as b
from analysis.io import extended as ext
from analysis.method import tables
from analysis.audit.book_audit import book_audit

from analysis.paths import ROOT  # noqa: E402
EXAMPLES = ROOT / "cases" / "examples"
EVIL = ROOT / "tests" / "data" / "evil_cases"


def test_library_published_results_do_not_move(book_data):
    published, extended, new = ext.load_samples(str(EXAMPLES.relative_to(ROOT)), book_data)
    assert len(new) == 2 and len(extended) == len(published) + 2
    pd.testing.assert_frame_equal(published, book_data.cases)
    t_before = tables.table_9_4(book_data.cases, book_data.reconciliation)
    t_after = tables.table_9_4(published, book_data.reconciliation)
    pd.testing.assert_frame_equal(t_before, t_after)
    # the extended table has the new traditional cases and its own totals
    ext_t = ext.extended_upgrading_table(published, book_data.reconciliation, new, "9.4", "traditional")
    assert len(ext_t) == len(t_before) + 2
    total = ext_t[ext_t["Cluster"] == "Total"].iloc[0]
    # published product total 28 plus El Porvenir's product score 1 (Villa El Salvador has none)
    assert total["Product upgrading"] == 28 + 1


def test_project_path_refuses_escapes():
    assert ext.project_path("cases/examples") == EXAMPLES
    for bad in ("../outside", "/etc", "cases/../../x"):
        with pytest.raises(ext.UnsafePath):
            ext.project_path(bad)


def test_two_clean_builds_are_byte_identical(site, two_books):
    """Same inputs, two independent clean builds: identical CSVs, audit, model tables and figures."""
    other = two_books[0]
    files = sorted(p.relative_to(site) for p in (site / "_downloads").rglob("*")
                   if p.is_file() and p.suffix in (".csv", ".png", ".svg", ".pdf", ".tex", ".html"))
    assert len(files) > 50 and any(f.name == "audit.csv" for f in files)
    differ = [str(f) for f in files if not (other / f).exists() or (site / f).read_bytes() != (other / f).read_bytes()]
    assert not differ, differ[:10]


def test_published_downloads_identical_in_both_books(two_books):
    published, extended = two_books
    pub_files = sorted(p.relative_to(published) for p in (published / "_downloads").rglob("*.csv"))
    ext_files = {p.relative_to(extended) for p in (extended / "_downloads").rglob("*.csv")}
    assert len(pub_files) > 20
    for rel in pub_files:
        if rel.name.startswith(("audit", "status_by_table")):
            continue  # the audit page does not read new cases; it is compared below anyway
        assert rel in ext_files, f"{rel} missing or changed in the extended book"
        assert (published / rel).read_bytes() == (extended / rel).read_bytes(), rel


def test_extended_pages_exist_and_show_side_by_side(two_books):
    _, extended = two_books
    for page in ("chapters/extended", "chapters/cases/footwear-el-porvenir",
                 "chapters/cases/industrial-park-villa-el-salvador", "chapters/cases/evil-cluster"):
        assert (extended / f"{page}.html").exists(), page
    trad = (extended / "chapters/sectors/traditional.html").read_text(encoding="utf-8")
    assert "Extended sample" in trad and "(extended)" in trad
    ext_page = (extended / "chapters/extended.html").read_text(encoding="utf-8")
    assert "Traditional manufacturing" in ext_page


class Tags(HTMLParser):
    """Collects what injected case text could have turned into: script tags with our payload,
    event-handler attributes and javascript: links."""

    THEME_HANDLERS = {"window.print()", "toggleFullScreen()"}

    def __init__(self):
        super().__init__()
        self.bad, self._in_script, self.script_text = [], False, []

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for k, v in attrs:
            if k.startswith("on") and v not in self.THEME_HANDLERS:
                self.bad.append((tag, k, v))
            if k in ("href", "src") and v and v.strip().lower().startswith("javascript:"):
                self.bad.append((tag, k, v))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def test_injected_markup_is_shown_as_text(two_books):
    _, extended = two_books
    for page in extended.rglob("*.html"):
        p = Tags()
        p.feed(page.read_text(encoding="utf-8"))
        assert not p.bad, (page, p.bad)
        assert not any("alert(" in t or "pwned" in t for t in p.script_text), page
    evil = (extended / "chapters/cases/evil-cluster.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in evil            # the name is shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil.replace("&#61;", "=")


def test_bad_case_file_stops_before_anything_and_keeps_the_book(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("cases:\n  - id: Not A Slug\n    sector: {value: textiles, justification: x}\n")
    out = tmp_path / "html"
    out.mkdir()
    (out / "index.html").write_text("last good book")
    assert b.main(["--cases", str(bad), "--out", str(out), "--jobs", "1"]) == 1
    assert (out / "index.html").read_text() == "last good book"
    assert not list(tmp_path.glob("html.new-*"))
