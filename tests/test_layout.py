"""The built book as a reader sees it, in Chromium at 1400 px and 390 px (issue 12):

- no table cell lies outside a visible or horizontally scrollable region, and no page
  scrolls sideways;
- no rendered table header is a raw identifier (``ce_degree``, ``se_hc3``, ``n_loo``);
- Table 9.1's printed cells read exactly as printed (data/book/printed_values.csv);
- every figure image has a theme width (analysis.theme) at the resolution it records;
- the sortable tables load nothing from another host.

Uses the ``site`` fixture (one build per session, slow tier).
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from browser_support import CHROMIUM, SKIP_REASON, chromium, local_only, serve
from PIL import Image

from analysis import theme
from analysis.paths import DATA_DIR
from analysis.vocab import SECTOR_LABELS, is_identifier

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

WIDTHS = (1400, 390)

# every cell's box against the boxes that may hold it: the viewport (horizontally) or an
# ancestor that scrolls horizontally (overflow-x auto/scroll); reports cells reachable by neither
GEOMETRY_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const scrollsX = el => { const s = getComputedStyle(el).overflowX;
                           return (s === 'auto' || s === 'scroll') && el !== document.body && el !== document.documentElement; };
  const bad = [];
  for (const cell of document.querySelectorAll('.bd-article table td, .bd-article table th')) {
    const r = cell.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let box = null;
    for (let el = cell.parentElement; el; el = el.parentElement) { if (scrollsX(el)) { box = el; break; } }
    if (box) {
      const b = box.getBoundingClientRect();
      if (b.left < -1 || b.right > vw + 1) bad.push('scroll box wider than the screen: ' + cell.textContent.slice(0, 40));
      else if (getComputedStyle(box).overflowX === 'hidden') bad.push('hidden: ' + cell.textContent.slice(0, 40));
    } else if (r.left < -1 || r.right > vw + 1) {
      bad.push('outside the screen: ' + cell.textContent.slice(0, 40));
    }
  }
  return {bad: bad.slice(0, 10), n: bad.length,
          pageWidth: document.documentElement.scrollWidth, viewWidth: vw,
          headers: Array.from(document.querySelectorAll('.bd-article table th')).map(th => th.textContent.trim())};
}"""


def _pages(site):
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name not in skip and not {"_static", "_sources", "_downloads", "_images"} & set(p.parts))


def _measure(page, url: str) -> dict:
    page.goto(url, wait_until="load")
    for _ in range(3):
        try:
            return page.evaluate(GEOMETRY_JS)
        except Exception:  # a script navigated (e.g. to an anchor): measure the page it arrived at
            page.wait_for_load_state("load")
    raise AssertionError(f"{url}: page keeps navigating away")


def _redirect(path) -> bool:
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000]


@pytest.fixture(scope="module")
def measured(site):
    """Geometry of every page at both widths, and every request to another host."""
    out, outside = {}, []
    with serve(site) as base, chromium() as browser:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            local_only(context, outside)
            page = context.new_page()
            for rel in _pages(site):
                if _redirect(site / rel):
                    continue  # index.html: a meta refresh to the landing page, measured itself
                out[(rel, width)] = _measure(page, base + rel)
            context.close()
    return out, outside


def test_no_table_cell_out_of_reach_and_no_sideways_page(measured):
    results, _ = measured
    problems = []
    for (rel, width), r in sorted(results.items()):
        if r["n"]:
            problems.append(f"{rel} at {width}px: {r['n']} cells out of reach, e.g. {r['bad'][:3]}")
        if r["pageWidth"] > r["viewWidth"] + 1:
            problems.append(f"{rel} at {width}px: page scrolls sideways ({r['pageWidth']} > {r['viewWidth']})")
    assert not problems, "\n".join(problems)


def test_no_table_header_is_a_raw_identifier(measured):
    results, _ = measured
    raw = sorted({(rel, h) for (rel, w), r in results.items() if w == 1400 for h in r["headers"] if is_identifier(h)})
    assert not raw, raw


def test_no_request_leaves_the_site(measured):
    _, outside = measured
    assert not outside, sorted(set(outside))


def test_table_9_1_reads_as_printed(site):
    with (DATA_DIR / "book" / "printed_values.csv").open(encoding="utf-8") as f:
        printed = {(r["row"], r["column"]): r["printed"] for r in csv.DictReader(f) if r["table"] == "9.1"}
    assert printed, "no Table 9.1 values in data/book/printed_values.csv"
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "chapters/ch09_synthesis.html", wait_until="load")
        rows = page.evaluate("""() => {
          const t = Array.from(document.querySelectorAll('table')).find(t => (t.querySelector('caption') || {}).textContent?.includes('Table 9.1'));
          if (!t) return null;
          const heads = Array.from(t.querySelectorAll('thead th')).map(th => th.textContent.trim());
          return {heads, rows: Array.from(t.querySelectorAll('tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))};
        }""")
    assert rows, "Table 9.1 not found on the Chapter 9 page"
    from analysis.vocab import SECTOR_LABELS
    by_label = {v: k for k, v in SECTOR_LABELS.items()}
    seen = 0
    for cells in rows["rows"]:
        sector = by_label[cells[0]]
        for head, text in zip(rows["heads"][1:], cells[1:]):
            if (sector, head) in printed:
                assert text == printed[(sector, head)], (sector, head, text)
                seen += 1
    assert seen == len(printed)


def test_every_figure_has_a_theme_width(site):
    pngs = [p for p in (site / "_images").glob("*.png")] if (site / "_images").exists() else []
    assert pngs, "no figure images in the built site"
    off = []
    for p in pngs:
        img = Image.open(p)
        w, h = img.size
        # the resolution the PNG records (book figures 300 dpi, case pages' screen PNGs 100 dpi)
        dpi = round(float(img.info.get("dpi", (theme.DPI,))[0]))
        if dpi < 100 or not any(abs(w / dpi - width) < 0.02 for width in theme.WIDTHS):
            off.append(f"{p.name}: {w}x{h}px at {dpi} dpi = {w / dpi:.2f} in")
    assert not off, off



# the visible rows of the table with this id (the id sits on the table or on a wrapper)
ROWS_JS = """id => { const e = document.getElementById(id); const t = e.tagName === 'TABLE' ? e : e.querySelector('table');
  return Array.from(t.tBodies[0].rows).filter(r => r.style.display !== 'none' && !r.hidden)
              .map(r => Array.from(r.cells).map(c => c.textContent.trim())); }"""
# the filter box book.js put before this table's scroll box
FILTER_JS = """id => { const e = document.getElementById(id); const t = e.tagName === 'TABLE' ? e : e.querySelector('table');
  let n = t.closest('.pst-scrollable-table-container, .table-wrapper, .book-scroll').previousElementSibling;
  while (n && !n.classList.contains('book-table-tools')) n = n.previousElementSibling;
  n.querySelector('input').id = 'filter-' + id; return 'filter-' + id; }"""


def test_large_tables_sort_and_filter_offline(site):
    """The audit table and the bibliography by case sort by a header click (in the browser's
    collation) and filter by their filter box; the case index's selects filter its rows; nothing
    is fetched from another host."""
    outside = []
    with serve(site) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        local_only(context, outside)
        page = context.new_page()
        for rel, table_id, col in (("chapters/audit.html", "audit-audit", "Status"),
                                   ("chapters/cases/index.html", "case-index-sources-by-case", "BibTeX key")):
            page.goto(base + rel, wait_until="load")
            before = page.evaluate(ROWS_JS, table_id)
            assert len(before) > 40, (rel, len(before))
            # a long table scrolls in its own box, no taller than the window, its header in view
            box = page.evaluate("""id => { const e = document.getElementById(id); const t = e.tagName === 'TABLE' ? e : e.querySelector('table');
              const b = t.closest('.book-scroll-tall'); return b && [b.clientHeight, b.scrollHeight, innerHeight]; }""", table_id)
            assert box and box[0] <= box[2] and box[1] > box[0], (rel, box)
            heads = page.locator(f"#{table_id} thead th, table#{table_id} thead th")
            c = [h.strip() for h in heads.all_inner_texts()].index(col)
            heads.nth(c).click()
            after = page.evaluate(ROWS_JS, table_id)
            assert heads.nth(c).get_attribute("aria-sort") == "ascending"
            column = [r[c] for r in after]
            assert column != [r[c] for r in before] or len(set(column)) == 1, (rel, "sort changed nothing")
            assert page.evaluate("v => v.every((x, i) => i === 0 || v[i - 1].localeCompare(x) <= 0)", column), column[:8]
            assert sorted(map(tuple, after)) == sorted(map(tuple, before))  # the same rows, reordered
            # filter on the last row's value of that column: every row left holds it
            word = column[-1]
            page.fill("#" + page.evaluate(FILTER_JS, table_id), word)
            kept = page.evaluate(ROWS_JS, table_id)
            assert 0 < len(kept) < len(before), (rel, word, len(kept))
            assert all(word.lower() in " ".join(r).lower() for r in kept), (rel, word)
        # the case index's own filters: choose one sector, only its cases remain
        page.goto(base + "chapters/cases/index.html", wait_until="load")
        select = page.locator("#case-filters select").first
        option = select.locator("option").nth(1).inner_text()
        select.select_option(label=option)
        shown = page.evaluate(ROWS_JS, "case-index-published-cases")
        every = pd.read_csv(DATA_DIR / "cases.csv", dtype=str)
        assert shown and all(option in r for r in shown), option
        assert len(shown) == (every["sector"].map(SECTOR_LABELS) == option).sum(), (option, len(shown))
        context.close()
    assert not outside, outside


# text elements of the article with their colour and the first opaque background behind them
DARK_JS = """() => {
  const opaque = c => !/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent';
  const out = [];
  for (const e of document.querySelectorAll('.bd-article p, .bd-article li, .bd-article td, .bd-article th, '
                                           + '.bd-article caption, .bd-article figcaption, .bd-article h1, .bd-article h2, .bd-article summary')) {
    if (!e.textContent.trim() || !e.getClientRects().length) continue;
    let n = e, bg = 'rgba(0, 0, 0, 0)';
    while (n && !opaque(bg)) { bg = getComputedStyle(n).backgroundColor; n = n.parentElement; }
    out.push([e.tagName + ': ' + e.textContent.trim().slice(0, 30), getComputedStyle(e).color, bg]);
  }
  const imgs = Array.from(document.querySelectorAll('.bd-article figure img, .bd-article img.key-figure'))
                    .map(i => getComputedStyle(i).backgroundColor);
  return {text: out, imgs, theme: document.documentElement.dataset.theme};
}"""


def _luminance(css: str) -> float:
    r, g, b = (float(x) / 255 for x in css[css.index("(") + 1:].rstrip(")").split(",")[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(fg: str, bg: str) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


DARK_PAGES = ("intro.html", "chapters/ch09_synthesis.html", "chapters/audit.html", "chapters/regression.html",
              "chapters/sectors/traditional.html", "chapters/cases/apparel-torreon.html", "chapters/cases/index.html")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_is_readable_and_figures_sit_on_white_in_both_colour_schemes(site, scheme):
    """The theme follows the reader's colour scheme: in both, every text element of the pages
    keeps WCAG AA contrast (4.5:1) against what is behind it, and figures (drawn on white) keep
    a white background rather than showing black text on the dark page."""
    low, imgs = [], []
    with serve(site) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for rel in DARK_PAGES:
            page.goto(base + rel, wait_until="load")
            r = page.evaluate(DARK_JS)
            assert r["theme"] == scheme, (rel, r["theme"])
            assert r["text"], rel
            low += [f"{rel}: {what} {fg} on {bg} ({_contrast(fg, bg):.1f}:1)"
                    for what, fg, bg in r["text"] if _contrast(fg, bg) < 4.5]
            imgs += [(rel, c) for c in r["imgs"]]
        context.close()
    assert not low, low[:15]
    assert len({rel for rel, _ in imgs}) >= 4, imgs  # the landing, Ch 9, regression, sector and case pages draw
    if scheme == "dark":
        assert all(_luminance(c) > 0.9 for _, c in imgs), [x for x in imgs if _luminance(x[1]) <= 0.9]


@pytest.mark.slow
def test_prev_next_links_stack_across_a_phone_and_sit_side_by_side_on_a_desktop(tmp_path):
    """The footer links as the theme writes them, with the theme's CSS and ours: on a phone
    each spans the page (a long chapter title is not squeezed into a 45% column), the next
    one below the previous one; on a desktop they stay side by side."""
    import shutil

    import pydata_sphinx_theme
    from analysis.paths import ROOT

    theme_css = next(Path(pydata_sphinx_theme.__file__).parent.rglob("pydata-sphinx-theme.css"))
    shutil.copy(theme_css, tmp_path / "theme.css")
    shutil.copy(ROOT / "_static" / "book.css", tmp_path / "book.css")
    title = "Chapter 5: rustic furniture in Chipilo, Puebla, and the rise and fall of Segusino"
    (tmp_path / "page.html").write_text(
        '<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="theme.css"><link rel="stylesheet" href="book.css"></head><body>'
        '<footer class="prev-next-footer"><div class="prev-next-area">'
        f'<a class="left-prev" href="#"><div class="prev-next-info"><p class="prev-next-subtitle">previous</p>'
        f'<p class="prev-next-title">{title}</p></div></a>'
        '<a class="right-next" href="#"><div class="prev-next-info"><p class="prev-next-subtitle">next</p>'
        '<p class="prev-next-title">Traditional manufacturing</p></div></a></div></footer></body></html>',
        encoding="utf-8")
    boxes = {}
    with serve(tmp_path) as base, chromium() as browser:
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "page.html")
            boxes[width] = {c: page.locator(f".prev-next-area a.{c}").bounding_box() for c in ("left-prev", "right-next")}
            page.close()
    phone, desk = boxes[390], boxes[1400]
    assert all(b["width"] >= 0.9 * 390 for b in phone.values())
    assert phone["right-next"]["y"] >= phone["left-prev"]["y"] + phone["left-prev"]["height"] - 1
    assert phone["left-prev"]["height"] < 120  # the title takes a few lines, not one word a line
    assert abs(desk["right-next"]["y"] - desk["left-prev"]["y"]) < 1  # desktop: side by side
    assert desk["right-next"]["x"] > desk["left-prev"]["x"] + desk["left-prev"]["width"]
