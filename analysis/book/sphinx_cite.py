"""Sphinx extension: the citation number in every caption and a folded "Cite" box
under every table and figure (loaded through ``sphinx.extra_extensions`` in ``_config.yml``).

It reads ``_cite/items.json`` from the source folder (written by
:func:`analysis.book.citation.write_citation_page`: one record per label with its
number, BibTeX entry, plain-text citation and downloads) and, for every table
or figure whose id is such a label,

1. puts the citation number at the head of the caption: the book's number and
   page for the book's tables ("Table 9.4, p. 279 — ..." in place of
   "Book Table 9.4 — ..."), ``Table E-<label>`` for material new to this edition
   (Sphinx's ``numfig`` is off, so there is no other number);
2. adds after it a ``<details class="cite-fold">`` (closed) with the BibTeX
   entry (a literal block: copy button, never parsed), the plain-text citation,
   the downloads (Sphinx download references), the library functions that made
   it (from the page's notebook, :func:`analysis.book.stamp.cell_calls`) and a
   link to the site-wide ``.bib``.

Every piece of text is a docutils text node, apart from the two constant raw
HTML tags of the fold; anything dynamic that would go into raw HTML passes
through :func:`analysis.escape.html`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from analysis import escape

ITEMS_JSON = "_cite/items.json"
BIB_TARGET = "/_static/upgrading-edition.bib"
_BOOK_PREFIX = re.compile(r"^\s*(?:book\s+)?(table|figure)\s+\d+\.\d+\s*(?:—|–|:|-)\s*", re.I)


def _items(app) -> dict:
    cache = getattr(app.env, "_cite_items", None)
    if cache is None:
        path = Path(app.srcdir) / ITEMS_JSON
        cache = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        app.env._cite_items = cache
    return cache


def _caption_node(node):
    for child in node.children:
        if isinstance(child, (nodes.title, nodes.caption)):
            return child
    return None


def number_caption(node, item: dict) -> None:
    """Put the citation number at the head of the caption (and drop a "Book Table 9.4 —" prefix)."""
    cap = _caption_node(node)
    if cap is None:
        return
    if cap.children and isinstance(cap.children[0], nodes.Text) and item["book"]:
        first = cap.children[0]
        rest = _BOOK_PREFIX.sub("", str(first), count=1)
        cap.replace(first, nodes.Text(rest))
    label = item["ref"] or item["number"]
    cap.insert(0, nodes.inline(label, label, classes=["caption-number", "cite-number"]))
    cap.insert(1, nodes.Text(" — "))


def _download(docname: str, target: str, text: str):
    ref = addnodes.download_reference("", "", refdoc=docname, refdomain="", reftype="download",
                                      refexplicit=True, refwarn=False, reftarget=target)
    ref += nodes.literal(text, text, classes=["xref", "download"])
    return ref


def _static_link(docname: str, target: str, text: str):
    """A plain link to a file of ``_static`` (served as it is), looking like a download link.

    Not a download reference: Sphinx records the file of a download as a dependency of the
    page, and the edition's .bib grows with every new case, so every page with a Cite fold
    would be read again whenever a case is added (issue 15)."""
    up = "../" * docname.count("/")
    ref = nodes.reference("", "", refuri=up + target.lstrip("/"), classes=["reference", "download", "external"])
    ref += nodes.literal(text, text, classes=["xref", "download"])
    return ref


def cite_fold(item: dict, docname: str, calls: list[dict]) -> list[nodes.Node]:
    """The nodes of one closed Cite fold."""
    label = escape.html(item["ref"] or item["number"])
    anchor = escape.html(item.get("label", ""))
    out = [nodes.raw("", f'<details class="cite-fold" data-label="{anchor}"><summary>Cite {label}</summary>',
                     format="html")]
    box = nodes.container(classes=["cite-body"])
    box += nodes.paragraph("", "", nodes.strong("BibTeX", "BibTeX"),
                           nodes.Text(f" (key {item['key']}):"))
    box += nodes.literal_block(item["bibtex"], item["bibtex"], language="bibtex", classes=["cite-bibtex"])
    box += nodes.paragraph("", "", nodes.strong("Plain text", "Plain text"), nodes.Text(": "),
                           nodes.inline(item["plain"], item["plain"], classes=["cite-plain"]))
    links = nodes.paragraph(classes=["cite-downloads"])
    links += nodes.strong("Downloads", "Downloads")
    links += nodes.Text(": ")
    for i, f in enumerate(item["files"]):
        if i:
            links += nodes.Text(" · ")
        links += _download(docname, f, Path(f).name)
    if item["files"]:
        links += nodes.Text(" · ")
    links += _static_link(docname, BIB_TARGET, "all entries (.bib)")
    box += links
    if calls:
        code = nodes.paragraph(classes=["cite-code"])
        code += nodes.strong("Made by", "Made by")
        code += nodes.Text(": ")
        for i, c in enumerate(calls):
            if i:
                code += nodes.Text(", ")
            lit = nodes.literal(c["name"], c["name"])
            if c.get("url"):
                code += nodes.reference("", "", lit, refuri=c["url"], classes=["cite-source"])
            else:
                code += lit
        code += nodes.Text(" (the code is in the fold above the table or figure)")
        box += code
    out.append(box)
    out.append(nodes.raw("", "</details>", format="html"))
    return out


def _page_calls(app, docname: str) -> dict[str, list[dict]]:
    """Library functions behind each label of the page, read from its executed notebook."""
    from analysis.book import stamp

    path = Path(app.srcdir) / f"{docname}.ipynb"
    if not path.exists():
        return {}
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        stamped = nb.get("metadata", {}).get(stamp.META_KEY, {}).get("cell_calls")
        # worked out by the build when it stamped the page; a notebook staged without a stamp
        # (a test book) has them worked out here
        return stamped if stamped is not None else stamp.cell_calls(nb)
    except Exception:  # noqa: BLE001 - a page without readable code still gets its Cite fold
        return {}


def on_doctree_read(app, doctree) -> None:
    items = _items(app)
    if not items:
        return
    docname = app.env.docname
    calls = None
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.table, nodes.figure)))):
        label = next((i for i in node.get("ids", []) if i in items), None)
        if label is None:
            label = next((n for n in node.get("names", []) if n in items), None)
        if label is None:
            continue
        item = items[label]
        if calls is None:
            calls = _page_calls(app, docname)
        number_caption(node, item)
        # after the table's source line (a paragraph right after the table), else right after it
        parent = node.parent
        idx = parent.index(node)
        nxt = parent[idx + 1] if idx + 1 < len(parent) else None
        if isinstance(nxt, nodes.paragraph) and "table-source" in nxt.get("classes", []):
            idx += 1
        for k, new in enumerate(cite_fold(item, docname, calls.get(label, [])), 1):
            parent.insert(idx + k, new)


def _numfig_off(app, config) -> None:
    """sphinx_jupyterbook_latex (loaded by jupyter-book) sets ``numfig = True`` for every
    builder at config-inited; the book's numbers come from the captions instead."""
    config.numfig = False


def setup(app):
    app.connect("config-inited", _numfig_off, priority=900)  # after sphinx_jupyterbook_latex (500)
    # before Sphinx's own collectors (priority 500), so the download references are collected
    app.connect("doctree-read", on_doctree_read, priority=400)
    # _static/cite.js: the page's real URL in the entries when CITATION.cff names no site URL
    app.add_js_file("cite.js")
    app.add_css_file("cite.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
