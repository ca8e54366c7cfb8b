"""The PDF edition: the built HTML book printed by Chromium into one PDF (``make pdf``).

``python -m analysis.book.pdf [--html _build/html] [--out _build/pdf/upgrading-edition.pdf]``

1. The pages are read in the order of the site's table of contents (the sidebar
   of ``index.html``), each opened in the Debian Chromium (``/usr/bin/chromium``)
   through Playwright; its article is taken without the site's chrome (sidebars,
   Cite folds, folded code) and every figure's image is replaced by its SVG
   download, so figures stay vector graphics.
2. The articles are put into one HTML document after a title page and a table of
   contents, with print CSS that keeps every table column (cells wrap, small type),
   and printed with ``page.pdf`` (A4, page numbers in the footer).
3. The pages each chapter starts on are found in that first PDF (pypdf), written
   into the table of contents, and the PDF printed again; pypdf then adds the
   outline (bookmarks), one per page of the site, and the document metadata.

The PDF is also copied to ``<html>/_static/upgrading-edition.pdf`` and the landing page's
note about it (intro.md) becomes its download link. Nothing is fetched from another host.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

from analysis import escape
from analysis.book.edition import edition_metadata
from analysis.paths import BUILD_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PDF_NAME = "upgrading-edition.pdf"

PRINT_CSS = """
@page { size: A4; margin: 16mm 13mm 18mm 13mm; }
html, body { background: #fff !important; color: #000 !important; }
body { font-size: 10pt; margin: 0; }
.pdf-chapter { break-before: page; }
.pdf-title { text-align: center; padding-top: 60mm; }
.pdf-title h1 { font-size: 22pt; }
.pdf-toc { break-before: page; }
.pdf-toc ol { list-style: none; padding: 0; }
.pdf-toc li { display: flex; gap: 4pt; margin: 3pt 0; }
.pdf-toc li .dots { flex: 1; border-bottom: 1px dotted #888; margin-bottom: 3pt; }
.pdf-toc a { color: #000; text-decoration: none; }
/* tables keep every column: no scroll box, cells wrap, small type */
.pst-scrollable-table-container, .table-wrapper, .cell_output, .output, .bd-article, section, div
  { overflow: visible !important; max-width: none !important; }
table { width: 100% !important; max-width: 100% !important; table-layout: auto !important;
        font-size: 7pt !important; border-collapse: collapse !important; }
th, td { white-space: normal !important; word-break: normal !important; overflow-wrap: break-word !important;
         hyphens: auto; padding: 1.5pt 2.5pt !important; border: 0.4pt solid #bbb !important; }
/* tables still wider than the page (measured before printing, _FIT_TABLES): smaller, and
   words may break anywhere, so no column is ever cut off */
table.pdf-wide { font-size: 6pt !important; }
table.pdf-wide th, table.pdf-wide td { overflow-wrap: anywhere !important; padding: 1pt 1.5pt !important; }
table.pdf-wider { font-size: 5pt !important; }
table caption { caption-side: top; font-size: 9pt; text-align: left; }
tr, figure, img { break-inside: avoid; }
img { max-width: 100% !important; height: auto !important; }
pre { white-space: pre-wrap !important; font-size: 7.5pt !important; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
details, .cite-fold, .cell_input, .headerlink, button, .toggle-hidden, .sd-btn, script { display: none !important; }
a { color: #0645ad; }
.pdf-marker { color: transparent; font-size: 4pt; display: block; height: 0; }
"""

# runs in each page: what the PDF keeps of it
_EXTRACT = """
() => {
  const art = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const clone = art.cloneNode(true);
  clone.querySelectorAll('details, .cite-fold, .headerlink, button, script, .cell_input').forEach(e => e.remove());
  // figures: the SVG download in place of the PNG, so the PDF keeps vector graphics
  document.querySelectorAll('figure').forEach((fig, i) => {
    const svg = Array.from(fig.querySelectorAll('a')).map(a => a.href).find(h => /\\.svg$/i.test(h));
    const img = clone.querySelectorAll('figure')[i] && clone.querySelectorAll('figure')[i].querySelector('img');
    if (svg && img) { img.setAttribute('src', svg); }
  });
  clone.querySelectorAll('img').forEach(img => { img.setAttribute('src', new URL(img.getAttribute('src'), document.baseURI).href); });
  // links into the local build (file:) would be dead in a PDF passed on: kept as their text
  clone.querySelectorAll('a[href]').forEach(a => {
    if (a.href.startsWith('file:')) { const s = document.createElement('span'); s.innerHTML = a.innerHTML; a.replaceWith(s); }
  });
  const h1 = clone.querySelector('h1');
  return {title: h1 ? h1.textContent.replace(/[#¶]/g, '').trim() : document.title, html: clone.innerHTML};
}
"""

_PAGES = """
() => Array.from(document.querySelectorAll('nav.bd-docs-nav a.reference.internal'))
        .map(a => a.href.split('#')[0])
"""

_STYLES = """() => Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.href)"""


def _launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _norm(text: str) -> str:
    """Text for matching: ligatures (ﬁ, ﬃ) decomposed, no whitespace, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _marker(i: int) -> str:
    return f"pdfchapter{i:03d}start"


def collect(html_dir: Path, page) -> tuple[list[str], list[dict]]:
    """(stylesheets, [{"url", "title", "html"}]) of the site's pages in table-of-contents order."""
    index = _landing(html_dir).resolve().as_uri()
    page.goto(index)
    page.wait_for_selector("nav.bd-docs-nav", state="attached")
    styles = page.evaluate(_STYLES)
    urls = [index]
    for u in page.evaluate(_PAGES):
        if u not in urls and u.startswith("file:"):
            urls.append(u)
    out = []
    for u in urls:
        page.goto(u)
        got = page.evaluate(_EXTRACT)
        out.append({"url": u, **got})
    return styles, out


def compose(styles: list[str], pages: list[dict], starts: list[int] | None = None) -> str:
    """One HTML document: title page, contents (with start pages once known), every page."""
    ed = edition_metadata()
    h = escape.html
    links = "\n".join(f'<link rel="stylesheet" href="{h(s)}">' for s in styles)
    toc = []
    for i, p in enumerate(pages):
        num = str(starts[i]) if starts else ""
        toc.append(f'<li><a href="#pdf-ch-{i}">{h(p["title"])}</a><span class="dots"></span>'
                   f'<span class="pdf-page">{h(num)}</span></li>')
    body = [f'<section class="pdf-title"><h1>{h(ed.title)}</h1>'
            f'<p>Version {h(ed.version)}, released {h(ed.date_released)}</p>'
            f'<p>{h(ed.author_text())}</p>'
            '<p>After Carlo Pietrobelli and Roberta Rabellotti (eds.), <em>Upgrading to Compete: Global '
            'Value Chains, Clusters, and SMEs in Latin America</em>, Inter-American Development Bank, 2006.</p>'
            '<p>Tables that reproduce the book carry its numbers and printed pages ("Table 9.4, p. 279"); '
            'material new to this edition is numbered E-&lt;label&gt;.</p></section>',
            '<section class="pdf-toc"><h1>Contents</h1><ol>' + "".join(toc) + "</ol></section>"]
    for i, p in enumerate(pages):
        # the article HTML is the book's own built HTML (already escaped by Sphinx)
        # a marker (white, tiny) tells start_pages where the chapter begins in the printed PDF
        body.append(f'<section class="pdf-chapter" id="pdf-ch-{i}"><span class="pdf-marker">{_marker(i)}</span>'
                    f'{p["html"]}</section>')
    return (f'<!DOCTYPE html><html lang="en" data-theme="light"><head><meta charset="utf-8">'
            f"<title>{h(ed.title)}</title>{links}<style>{PRINT_CSS}</style></head>"
            f'<body>{"".join(body)}</body></html>')


# A4 less the side margins of PRINT_CSS (210 - 2 x 13 mm) in CSS pixels
PRINT_WIDTH_PX = round((210 - 26) / 25.4 * 96)

# marks the tables wider than the printed column; returns how many still are after shrinking
_FIT_TABLES = """
() => {
  const wide = (t) => t.scrollWidth > (t.parentElement ? t.parentElement.clientWidth : document.body.clientWidth) + 1;
  document.querySelectorAll('table').forEach(t => { if (wide(t)) t.classList.add('pdf-wide'); });
  document.querySelectorAll('table.pdf-wide').forEach(t => { if (wide(t)) t.classList.add('pdf-wider'); });
  return {wide: document.querySelectorAll('table.pdf-wide').length,
          overflowing: Array.from(document.querySelectorAll('table')).filter(wide).length,
          tables: document.querySelectorAll('table').length};
}
"""


def _print(page, html_path: Path, pdf_path: Path) -> dict:
    """Print the combined document; returns the table fit counts of :data:`_FIT_TABLES`."""
    ed = edition_metadata()
    page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": 1100})
    page.emulate_media(media="print")
    page.goto(html_path.resolve().as_uri())
    page.wait_for_load_state("load")
    fit = page.evaluate(_FIT_TABLES)
    footer = ('<div style="font-size:7pt;width:100%;padding:0 13mm;display:flex;justify-content:space-between;'
              f'color:#555"><span>{escape.html(ed.title)}, version {escape.html(ed.version)}</span>'
              '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
    page.pdf(path=str(pdf_path), format="A4", print_background=True, display_header_footer=True,
             header_template="<span></span>", footer_template=footer, prefer_css_page_size=True)
    return fit


def start_pages(pdf_path: Path, count: int) -> list[int]:
    """1-based page on which each of the ``count`` chapters starts (found by its marker)."""
    from pypdf import PdfReader

    texts = [_norm(p.extract_text() or "") for p in PdfReader(str(pdf_path)).pages]
    out = []
    for i in range(count):
        hit = next((n for n, t in enumerate(texts) if _marker(i) in t), None)
        if hit is None:
            raise RuntimeError(f"PDF: chapter {i} not found in {pdf_path}")
        out.append(hit + 1)
    return out


def add_outline(pdf_path: Path, titles: list[str], starts: list[int]) -> None:
    from pypdf import PdfReader, PdfWriter

    ed = edition_metadata()
    writer = PdfWriter(clone_from=PdfReader(str(pdf_path)))
    writer.add_outline_item("Contents", 1)
    for t, s in zip(titles, starts):
        writer.add_outline_item(t, s - 1)
    writer.add_metadata({"/Title": ed.title, "/Author": ed.author_text(),
                         "/Subject": f"version {ed.version}, released {ed.date_released}"})
    tmp = pdf_path.with_suffix(".tmp.pdf")
    with tmp.open("wb") as f:
        writer.write(f)
    tmp.replace(pdf_path)


def build_pdf(html_dir: Path = BUILD_DIR / "html", out: Path = BUILD_DIR / "pdf" / PDF_NAME) -> Path:
    from playwright.sync_api import sync_playwright

    html_dir, out = Path(html_dir), Path(out)
    if not (html_dir / "index.html").exists():
        raise FileNotFoundError(f"{html_dir}/index.html not found: build the book first (make book)")
    out.parent.mkdir(parents=True, exist_ok=True)
    combined = out.with_suffix(".html")
    with sync_playwright() as pw:
        browser = _launch(pw)
        page = browser.new_page()
        styles, pages = collect(html_dir, page)
        titles = [p["title"] for p in pages]
        combined.write_text(compose(styles, pages), encoding="utf-8")
        _print(page, combined, out)
        starts = start_pages(out, len(titles))
        combined.write_text(compose(styles, pages, starts), encoding="utf-8")
        fit = _print(page, combined, out)
        starts = start_pages(out, len(titles))  # same pages: the numbers take no extra lines
        browser.close()
    add_outline(out, titles, starts)
    report = {"pages": len(titles), "start_pages": dict(zip(titles, starts)), "tables": fit}
    out.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    if fit["overflowing"]:
        print(f"PDF: {fit['overflowing']} table(s) wider than the page even at 5 pt", file=sys.stderr)
    (html_dir / "_static").mkdir(exist_ok=True)
    shutil.copy2(out, html_dir / "_static" / PDF_NAME)
    offer_on_landing_page(html_dir)
    return out


_OFFER = re.compile(r'<span id="pdf-download" class="pdf-download">.*?</span>', re.S)


def _landing(html_dir: Path) -> Path:
    """The landing page: ``index.html`` is jupyter-book's redirect to the root page (``intro.html``)."""
    index = Path(html_dir) / "index.html"
    m = re.search(r'http-equiv="refresh" content="0; url=([^"#]+)"', index.read_text(encoding="utf-8"), re.I)
    return Path(html_dir) / m.group(1) if m else index


def offer_on_landing_page(html_dir: Path) -> bool:
    """Turn the landing page's "not built" note (intro.md, "Citing this edition") into the download link."""
    index = _landing(html_dir)
    text = index.read_text(encoding="utf-8")
    size = (Path(html_dir) / "_static" / PDF_NAME).stat().st_size
    link = (f'<a id="pdf-download" class="pdf-download" href="_static/{PDF_NAME}" download>'
            f'{PDF_NAME}</a> ({size / 1e6:.1f} MB)')
    new, n = _OFFER.subn(link, text, count=1)
    if n:
        index.write_text(new, encoding="utf-8")
    return bool(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.book.pdf", description=__doc__.split("\n\n")[0])
    ap.add_argument("--html", type=Path, default=BUILD_DIR / "html")
    ap.add_argument("--out", type=Path, default=BUILD_DIR / "pdf" / PDF_NAME)
    args = ap.parse_args(argv)
    try:
        out = build_pdf(args.html, args.out)
    except FileNotFoundError as exc:
        print(f"PDF FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"PDF ready: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
