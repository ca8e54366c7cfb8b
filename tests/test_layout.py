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

import pytest
from browser_support import CHROMIUM, SKIP_REASON, chromium, local_only, serve
from PIL import Image

from analysis import theme
from analysis.paths import DATA_DIR
from analysis.vocab import is_identifier

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
