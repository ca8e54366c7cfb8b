"""The accepted hostile cases, built into the book and opened in Chromium (issue 9).

One build (the ``two_books`` fixture's extended book, which includes every
accepted file of tests/data/hostile) is served on 127.0.0.1. For each accepted
case its profile page, the extended-edition page and its sector page are
opened with every dialog recorded, every request to another host blocked and
recorded, and console errors recorded; then the payload must be visible,
character for character, in the page text, and nothing may have run.
The same build's files are checked for spreadsheet-safe CSVs and for machine paths.
"""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_support import CHROMIUM, SKIP_REASON, chromium, local_only, serve

from analysis.io import newcases as nc

from analysis.paths import ROOT  # noqa: E402
HOSTILE = ROOT / "tests" / "data" / "hostile"
ACCEPTED = [r for r in csv.DictReader((HOSTILE / "expected.csv").open(encoding="utf-8"))
            if r["outcome"] == "accepted"]
THEME_HANDLERS = {"window.print()", "toggleFullScreen()"}


def flat(text: str) -> str:
    """Whitespace collapsed, as a browser lays text out."""
    return " ".join(text.split())


def case_of(row: dict) -> dict:
    """The accepted case of a manifest row, as the validator reads it."""
    frame, problems = nc.validate_new_cases(_single(row["file"]))
    assert not problems
    return frame.iloc[0].to_dict()


@functools.lru_cache(maxsize=None)
def _single(name: str) -> Path:
    import tempfile
    import shutil

    d = Path(tempfile.mkdtemp(prefix="hostile-one-"))
    shutil.copy(HOSTILE / name, d)
    return d


# ------------------------------------------------------------------ files of the build (no browser)

def test_csv_downloads_are_spreadsheet_safe(two_books):
    _, extended = two_books
    plain_number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    files = sorted((extended / "_downloads").rglob("*.csv"))
    assert len(files) > 20
    seen_neutralised = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert plain_number.fullmatch(cell), f"{path.name}: live formula cell {cell[:60]!r}"
                    seen_neutralised += cell.startswith(("'=", "'+", "'-", "'@", "'\t"))
    assert seen_neutralised >= 5  # the hostile formulas are there, neutralised
    new_cases = next(p for p in files if p.name == "extended-new-cases.csv").read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in new_cases and "'=HYPERLINK(" in new_cases


def test_no_machine_paths_in_pages_or_downloads(two_books):
    _, extended = two_books
    machine = [str(ROOT), str(extended.parent), "/tmp/", "/home/", "/root/"]
    for path in extended.rglob("*"):
        if path.suffix in (".html", ".csv", ".json", ".tex", ".txt", ".js") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in machine:
                assert m not in text, f"{path.relative_to(extended)} contains the machine path {m}"


def test_same_cases_from_two_directories_give_the_same_runs(tmp_path):
    """prepare_cases copies into _build/cases/<digest of names and bytes>: the notebooks see the
    same parameters and inputs whatever directory the user named, so the pages are identical."""
    import shutil

    from analysis.book import build as b

    dirs = []
    for where in ("one/cases", "two/deeper/other-name"):
        d = tmp_path / where
        d.mkdir(parents=True)
        for row in ACCEPTED[:3]:
            shutil.copy(HOSTILE / row["file"], d)
        dirs.append(d)
    (rel_a, cases_a), (rel_b, cases_b) = (b.prepare_cases(d) for d in dirs)
    assert rel_a == rel_b and not Path(rel_a).is_absolute()
    import pandas as pd

    pd.testing.assert_frame_equal(cases_a, cases_b)
    assert set(cases_a["source_file"]) == {r["file"] for r in ACCEPTED[:3]}
    runs_a = b.extended_runs(b.read_runs(), rel_a, cases_a)
    runs_b = b.extended_runs(b.read_runs(), rel_b, cases_b)
    assert [(r.output, r.parameters, r.title) for r in runs_a] == [(r.output, r.parameters, r.title) for r in runs_b]
    assert [b.fingerprint(b.input_hashes(r)) for r in runs_a] == [b.fingerprint(b.input_hashes(r)) for r in runs_b]


# ------------------------------------------------------------------ in the browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def served(two_books):
    _, extended = two_books
    with serve(extended) as url:
        yield url, extended


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def visit(browser, served):
    """Open a page once; returns what it showed and everything that must not happen."""
    base, _ = served
    cache: dict[str, dict] = {}

    def _open(path: str) -> dict:
        if path in cache:
            return cache[path]
        context = browser.new_context()
        page = context.new_page()
        seen = {"dialogs": [], "outside": [], "console": []}

        local_only(context, seen["outside"])
        page.on("dialog", lambda d: (seen["dialogs"].append(f"{d.type}: {d.message}"), d.dismiss()))
        page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen["console"].append(f"page error: {e}"))
        response = page.goto(urljoin(base, path), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(200)  # let any timer-based payload fire
        seen["status"] = response.status if response else None
        seen["title"] = page.title()
        seen["article"] = page.locator("article").first.inner_text()
        seen["nav"] = page.locator("nav.bd-docs-nav").first.inner_text() if page.locator("nav.bd-docs-nav").count() else ""
        seen["handlers"] = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
            [...e.attributes].filter(a => a.name.startsWith('on')).map(a => [e.tagName, a.name, a.value]))""")
        seen["injected"] = page.evaluate("""() => ({
            iframes: document.querySelectorAll('iframe, object, embed').length,
            img_x: document.querySelectorAll('img[src="x"]').length,
            svg_onload: document.querySelectorAll('svg[onload]').length,
            js_links: [...document.querySelectorAll('a[href]')].filter(a => a.href.trim().toLowerCase().startsWith('javascript:')).length,
            outside_links: document.querySelectorAll('link[href*="evil.example"], script[src*="evil.example"]').length,
            user_styles: [...document.querySelectorAll('style')].filter(s => s.textContent.includes('display:none')).length,
            math: document.querySelectorAll('mjx-container, .MathJax, script[type^="math/"]').length,
        })""")
        context.close()
        cache[path] = seen
        return seen

    return _open


def _nothing_ran(seen: dict, where: str) -> None:
    assert seen["status"] == 200, where
    assert not seen["dialogs"], f"{where}: a dialog opened: {seen['dialogs']}"
    assert not seen["outside"], f"{where}: request to another host: {seen['outside']}"
    assert not seen["console"], f"{where}: console errors: {seen['console']}"
    bad = [h for h in seen["handlers"] if h[2] not in THEME_HANDLERS]
    assert not bad, f"{where}: event handlers in the page: {bad}"
    assert seen["injected"] == {"iframes": 0, "img_x": 0, "svg_onload": 0, "js_links": 0, "outside_links": 0,
                                "user_styles": 0, "math": 0}, where
    assert seen["title"].strip() and seen["title"] != "pwned", where


@pytest.mark.parametrize("row", ACCEPTED, ids=[r["file"] for r in ACCEPTED])
def test_profile_page_shows_the_payload_and_runs_nothing(row, visit):
    case = case_of(row)
    seen = visit(f"chapters/cases/{case['case_id']}.html")
    _nothing_ran(seen, row["file"])
    article = flat(seen["article"])
    assert flat(row["expect"]) in article, f"payload of {row['file']} not shown literally"
    assert flat(case["name"]) in article
    # the page title (and so the browser tab and the case index) is the name, as written
    assert flat(f"New case: {case['name']}") in flat(seen["title"])
    # the sidebar lists chapters only (max_navbar_depth 1): the case index lists the case by name
    index = visit("chapters/cases/index.html")
    _nothing_ran(index, "case index")
    assert flat(case["name"]) in flat(index["article"])


@pytest.mark.parametrize("row", ACCEPTED, ids=[r["file"] for r in ACCEPTED])
def test_tables_naming_the_case_show_it_literally(row, visit):
    case = case_of(row)
    for path in ("chapters/extended.html", f"chapters/sectors/{case['sector']}.html"):
        seen = visit(path)
        _nothing_ran(seen, path)
        assert flat(case["name"]) in flat(seen["article"]), f"{case['name']!r} not shown on {path}"


# Pages that fold the new cases into their summaries, models and verdicts: they may not
# name every case, but nothing a case carries may run on them either.
SUMMARY_PAGES = ["chapters/ch09_synthesis.html", "chapters/cross_sector.html", "chapters/regression.html",
                 "chapters/table93.html", "intro.html"]


@pytest.mark.parametrize("path", SUMMARY_PAGES)
def test_pages_summarising_the_new_cases_run_nothing(path, visit):
    seen = visit(path)
    _nothing_ran(seen, path)


def test_citation_page_lists_the_titles_literally(visit):
    seen = visit("how_to_cite.html")
    _nothing_ran(seen, "how_to_cite.html")
    text = flat(seen["article"])
    for row in ACCEPTED:
        assert flat(f"New case: {case_of(row)['name']}") in text, row["file"]


def test_search_results_show_titles_literally(browser, served):
    """Sphinx's search page inserts titles with innerHTML: the index must hold them escaped."""
    base, _ = served
    context = browser.new_context()
    page = context.new_page()
    dialogs, outside = [], []
    local_only(context, outside)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(urljoin(base, "search.html?q=case"), wait_until="load")
    # Sphinx adds results one by one and writes "Search finished, found N page(s)" into the
    # p.search-summary it creates (not #search-progress, which it empties); the 40 published case
    # pages match too, so wait for the summary, not for the first few results
    page.wait_for_function(
        "/finished/i.test((document.querySelector('p.search-summary') || {}).textContent || '')",
        timeout=60_000)
    results = flat(page.locator("ul.search").first.inner_text())
    injected = page.evaluate("document.querySelectorAll('ul.search img, ul.search svg, ul.search iframe').length")
    context.close()
    assert not dialogs and not outside and injected == 0
    shown = [r for r in ACCEPTED if flat(f"New case: {case_of(r)['name']}") in results]
    assert len(shown) >= 10, results[:500]
