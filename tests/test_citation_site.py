"""Citation in the built book (slow: uses the ``two_books`` and ``site`` fixtures).

* the labels, numbers and notes of every table and figure are the same in the
  published and the extended edition (built by the shared ``two_books`` fixture);
* every page's tables and figures have a Cite fold with a BibTeX entry that parses;
* ``make pdf``'s PDF opens and contains every page title and every book table.
"""
import html as std_html
import re

import pytest

from analysis.paths import ROOT

pytestmark = pytest.mark.slow

def _bib(site):
    from pybtex.database import parse_file

    return parse_file(str(site / "_static" / "upgrading-edition.bib"))


def _numbers(site) -> dict[str, str]:
    """{label: citation number shown in the caption} over every HTML page."""
    out = {}
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<(?:table|figure)[^>]*\bid="([^"]+)"', text):
            cap = re.search(r'cite-number">([^<]*)</span>', text[m.end():m.end() + 4000])
            if cap:
                out[m.group(1)] = std_html.unescape(cap.group(1))
    return out


def test_labels_are_identical_in_the_published_and_extended_editions(two_books):
    published, extended = two_books
    a, b = _bib(published), _bib(extended)
    shared = set(a.entries) & set(b.entries)
    items = {k for k in shared if k.startswith("upgrading-edition:")}
    assert len(items) >= 80, len(items)
    assert set(a.entries) <= set(b.entries)  # the extended edition only adds
    for k in items:
        # every field: a page that a new case does not change is not read again by Sphinx,
        # so its Cite folds stay those of the published edition (sphinx_cite._static_link)
        assert a.entries[k].fields == b.entries[k].fields, k
    na, nb = _numbers(published), _numbers(extended)
    assert len(na) >= 80
    for label, number in na.items():
        assert nb.get(label) == number, (label, number, nb.get(label))


@pytest.mark.parametrize("edition", ["published", "extended"])
def test_every_table_and_figure_has_a_cite_fold_with_a_parsable_entry(edition, site, two_books):
    """In both editions each fold's entry is the one of the edition's .bib, and its link to
    the whole .bib resolves to that file."""
    from pybtex.database import parse_string

    site = site if edition == "published" else two_books[1]
    bib = _bib(site)
    folds = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        tables = len(re.findall(r'cite-number">', text))
        blocks = re.findall(r'<details class="cite-fold"[^>]*>(.*?)</details>', text, flags=re.S)
        assert len(blocks) == tables, page
        for block in blocks:
            pre = re.search(r"<pre>(.*?)</pre>", block, flags=re.S)
            source = std_html.unescape(re.sub(r"<[^>]+>", "", pre.group(1)))
            entry = parse_string(source, "bibtex")
            (key, e), = entry.entries.items()
            assert e.fields == bib.entries[key].fields
            assert {"title", "year", "version", "note", "urldate"} <= set(e.fields)
            bib_link = re.search(r'href="([^"]*upgrading-edition\.bib)"', block)
            assert bib_link and (page.parent / bib_link.group(1)).resolve() == (site / "_static" / "upgrading-edition.bib").resolve()
            folds += 1
    assert folds >= 80
    notes = [e.fields["note"] for k, e in bib.entries.items() if k.startswith("upgrading-edition:")]
    assert any(n.startswith("Book Table 9.4, p. 279") for n in notes)
    assert any(n.startswith("New in this edition") for n in notes)
    # headings are not renumbered: no "2. Chapter 9" in the sidebar
    index = (site / "intro.html").read_text(encoding="utf-8")
    assert "Chapter 9" in index and not re.search(r">\s*\d+\.\s+Chapter 9", index)
    # Sphinx's own numbers are off: no "Table 6" before the book's number
    assert not re.search(r'caption-number">(Table|Fig\.) \d', "".join(
        p.read_text(encoding="utf-8") for p in site.rglob("*.html")))


def test_pdf_edition(site, tmp_path):
    from pypdf import PdfReader

    from analysis.book import pdf
    from analysis.io.bookref import page_index

    out = pdf.build_pdf(site, tmp_path / "edition.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) > 50
    text = pdf._norm(" ".join(p.extract_text() or "" for p in reader.pages))
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for f in files:
        # the page's own heading (with its headerlink), not the theme's print header before it
        h1 = re.search(r"<h1>((?:(?!</h1>).)*?)<a class=\"headerlink\"", (site / f"{f}.html").read_text(encoding="utf-8"), re.S)
        title = std_html.unescape(re.sub(r"<[^>]+>", "", h1.group(1))).strip()
        assert pdf._norm(title)[:50] in text, title
        assert title in outline, title
    # every book table the site reproduces (numbers from data/provenance.csv) is in the PDF
    bib = _bib(site)
    book_tables = [n for n in page_index().query("kind == 'table'")["number"]
                   if any(e.fields["note"].startswith(f"Book Table {n},") for e in bib.entries.values()
                          if "note" in e.fields)]
    assert len(book_tables) >= 25  # 27 of the 30 in provenance.csv (not 8.1, 10.1, 10.2) at this writing
    for n in book_tables:
        assert f"table{n}".lower() in text, n
    landing = (site / "intro.html").read_text(encoding="utf-8")
    assert f'href="_static/{pdf.PDF_NAME}"' in landing
    assert (site / "_static" / pdf.PDF_NAME).exists()
    # complete tables: none wider than the printed column (measured in print layout)
    import json

    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["tables"]["tables"] >= 100 and report["tables"]["overflowing"] == 0, report["tables"]
