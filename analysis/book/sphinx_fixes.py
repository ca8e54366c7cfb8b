"""Small Sphinx extension for the book's HTML (loaded through ``sphinx.extra_extensions``
in ``_config.yml``; importable because the package is installed, ``pip install -e .``).

1. sphinx-book-theme prints the page title into a print-only header as
   ``<h1>{{ pagetitle }}</h1>`` without escaping it, and ``pagetitle`` is the
   title as plain text, so a title containing ``<img onerror=...>`` (a new
   case's name, say) would become live HTML. The title is HTML-escaped here
   before the template sees it.
2. Inline scripts added after the builder starts (sphinx-thebe's
   ``THEBE_JS_URL``, sphinx-togglebutton's selector) are emitted twice by
   Sphinx 7.4, because the builder stores them once under the file name
   ``None`` and once under ``''``; the second ``const THEBE_JS_URL`` then throws
   "Identifier has already been declared" in every page. Sphinx fixed this
   upstream (sphinx-doc/sphinx#13402, Sphinx 8.2); until the pinned Sphinx has
   the fix, each page's script list is deduplicated here.

3. Titles in the search index are stored HTML-escaped (:func:`_patch_search_index`):
   Sphinx 7.4's search page inserts them with ``innerHTML``.
4. The ``literal-table`` directive (:class:`LiteralTable`) renders the book's tables
   from JSON as docutils text nodes, so case text in a cell, caption or source line
   is never parsed (issue 9).
5. Every image links to its own full-size file (:class:`LinkImagesToFiles`, issue 12), so a
   figure too small to read on a phone opens at full size with a tap, a click or Enter.

tests/test_sphinx_fixes.py checks both handlers; the browser tests fail on any
console error and tests/test_extended.py on live markup from case files. (The
theme's other first-visit console error, "Got invalid theme mode", is avoided in
``_config.yml`` by ``html_context: {default_mode: auto}``.)
"""
from __future__ import annotations

import functools

import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from analysis import escape


def _escape_pagetitle(app, pagename, templatename, context, doctree) -> None:
    if isinstance(context.get("pagetitle"), str):
        context["pagetitle"] = escape.html(context["pagetitle"])


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        key = (getattr(js, "filename", None) or "", getattr(js, "priority", None),
               tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    if len(unique) != len(scripts):
        context["script_files"] = unique  # a new list: the builder restores its own after the page


def _patch_search_index() -> None:
    """Sphinx 7.4's search page puts page and section titles into the results with
    ``innerHTML`` (searchtools.js ``_displayItem``), but stores them in
    ``searchindex.js`` as plain text, so a case name such as ``<img src=x onerror=...>``
    in a page title would run on the search page. The titles are stored HTML-escaped
    instead (the browser then shows them as written). The same wrapper keeps one stemming
    memo for the whole build (the comment inside says why)."""
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder.feed, "_escapes_titles", False):
        return
    original = IndexBuilder.feed

    def feed(self, docname, filename, title, doctree):
        if not getattr(self.lang, "_stems_kept", False):
            # Sphinx memoises the stemmer per page only; the case pages share most of their
            # words, and stemming them again was a sixth of Sphinx's time for 240 case pages.
            # Stemming is a pure function of the word, so one memo serves the whole build.
            self.lang.stem = functools.lru_cache(maxsize=None)(self.lang.stem)
            self.lang._stems_kept = True
        original(self, docname, filename, title, doctree)
        self._titles[docname] = escape.html(self._titles[docname]) if self._titles[docname] else self._titles[docname]
        self._all_titles[docname] = [(escape.html(t), tid) for t, tid in self._all_titles[docname]]

    feed._escapes_titles = True
    IndexBuilder.feed = feed


def _multitoc_is_read_safe(app) -> None:
    """sphinx-external-toc always loads sphinx_multitoc_numbering, which does not declare
    whether it is safe for parallel reading, so Sphinx refuses ``-j`` and reads serially.
    It only renumbers toctrees marked ``numbered`` once all documents are read (this book
    numbers none: the book's own numbers are in the captions), nothing per document, so it
    is declared safe here, which lets ``UPGRADING_SPHINX_JOBS=2`` read pages in parallel."""
    ext = app.extensions.get("sphinx_multitoc_numbering")
    if ext is not None and ext.parallel_read_safe is None:
        ext.parallel_read_safe = True


def setup(app):
    _patch_search_index()
    _multitoc_is_read_safe(app)
    # after sphinx-book-theme's own handler (default priority 500) has set pagetitle
    app.connect("html-page-context", _escape_pagetitle, priority=900)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.add_directive("literal-table", LiteralTable)
    app.add_post_transform(LinkImagesToFiles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ---------------------------------------------------------------- image links

class LinkImagesToFiles(SphinxPostTransform):
    """Wrap every image that is not already a link in a link to its copy in ``_images``.

    Sphinx links an image to its file only when it is scaled (``html_scaled_image_link``:
    a ``:width:``, ``:height:`` or ``:scale:``); a glued figure or a cell's image output
    has none, and would stay at the width of a phone's screen. An ordinary link keeps the
    image's alt text as its name, is reached with Tab and followed with Enter, and needs
    no script. Runs after Sphinx's own image post-transforms (priorities 100-200), which
    turn data URIs into files.
    """

    default_priority = 800
    formats = ("html",)

    def run(self, **kwargs) -> None:
        images = relative_uri(self.app.builder.get_target_uri(self.env.docname), self.app.builder.imagedir)
        for node in list(self.document.findall(nodes.image)):
            target = self._image_file(node)
            if target is None or isinstance(node.parent, nodes.reference):
                continue
            link = nodes.reference("", "", internal=True, refuri=f"{images}/{target}",
                                   reftitle="Open the full-size image", classes=["book-image-link"])
            node.replace_self(link)
            link.append(node)

    def _image_file(self, node) -> str | None:
        """The file name of ``node``'s image in ``_images``, or ``None`` for a remote image
        (the site has none: a link would leave it) or one Sphinx does not copy. The choice
        among several candidate files (``image.*``) is the builder's
        (``Builder.post_process_images``): the first of its supported types."""
        candidates = node.get("candidates", {})
        if "?" in candidates:
            return None
        if "*" in candidates:  # one file, named as written
            path = node["uri"]
        else:
            path = next((candidates[t] for t in self.app.builder.supported_image_types if t in candidates), None)
        if path not in self.env.images:
            return None
        return self.env.images[path][1]


# ---------------------------------------------------------------- literal tables

class LiteralTable(SphinxDirective):
    """``literal-table``: a numbered table whose every cell, caption and source line is
    a docutils text node, read from a JSON file written by :meth:`analysis.present.Page.table`.

    No parser (MyST, reST, Jinja) ever sees the text: it does not pass through the
    page source at all. The JSON holds ``title``, ``columns``, ``rows``, and
    optionally ``source``, ``note``, ``notebook``, ``download`` (a file next to
    the JSON offered as a download), ``row_ids`` (one anchor per row) and ``groups``
    (one label per row: where it changes, a heading row spanning every column names the
    block of rows that follows, class ``book-table-group``).
    """

    required_arguments = 1
    option_spec = {"name": directives.unchanged, "class": directives.class_option}

    def _link(self, cell: dict):
        """A cell linking to another page, its text a literal text node. A link to a page
        that is not part of this build (a new case in the published edition) is plain text."""
        text, doc = str(cell.get("text", "")), str(cell.get("doc", ""))
        para = nodes.paragraph(text, "")
        if doc.lstrip("/") not in self.env.found_docs:
            para += nodes.Text(text)
            return para
        ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=doc, refexplicit=True,
                                    refwarn=True, refdoc=self.env.docname)
        ref += nodes.inline(text, text, classes=["xref", "std", "std-doc"])
        para += ref
        return para

    def run(self):
        rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(rel)
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        ncols = len(spec["columns"])
        table = nodes.table(classes=["colwidths-auto", *self.options.get("class", [])])
        table += nodes.title(spec["title"], spec["title"])
        group = nodes.tgroup(cols=ncols)
        table += group
        for _ in range(ncols):
            group += nodes.colspec(colwidth=1)

        def row(cells, rid=None):
            # a row id (``row_ids`` in the JSON) gives the row an anchor, e.g. for audit badges
            r = nodes.row(ids=[nodes.make_id(rid)] if rid else [])
            for cell in cells:
                entry = nodes.entry()
                if isinstance(cell, dict):  # {"text", "doc"}: a link to a page (analysis.report.caselinks)
                    entry += self._link(cell)
                elif cell is not None and cell != "":
                    entry += nodes.paragraph(str(cell), str(cell))
                r += entry
            return r

        head = nodes.thead()
        head += row(spec["columns"])
        body = nodes.tbody()
        row_ids = spec.get("row_ids") or [None] * len(spec["rows"])
        groups = spec.get("groups") or [None] * len(spec["rows"])
        previous = None
        for cells, rid, grp in zip(spec["rows"], row_ids, groups):
            if grp is not None and grp != previous:
                heading = nodes.row(classes=["book-table-group"])
                entry = nodes.entry(morecols=ncols - 1)
                entry += nodes.paragraph(str(grp), "", nodes.strong(str(grp), str(grp)))
                heading += entry
                body += heading
            previous = grp
            body += row(cells, rid)
        group += head
        group += body
        self.add_name(table)
        out = [table]
        line = nodes.inline(classes=["small"])
        parts = []
        if spec.get("source"):
            parts.append(f"Source: {spec['source']}.")
        if spec.get("note"):
            parts.append(spec["note"])
        if parts:
            line += nodes.Text(" ".join(parts) + " ")
        if spec.get("notebook"):
            line += nodes.Text("Notebook: ")
            line += nodes.literal(spec["notebook"], spec["notebook"])
            line += nodes.Text(". ")
        if spec.get("download"):
            target = (Path(self.arguments[0]).parent / spec["download"]).as_posix()
            ref = addnodes.download_reference("", "", refdoc=self.env.docname, refdomain="",
                                              reftype="download", refexplicit=True, refwarn=False,
                                              reftarget=target)
            ref += nodes.literal(spec["download"], spec["download"], classes=["xref", "download"])
            line += nodes.Text("Download: ")
            line += ref
        if len(line):
            out.append(nodes.paragraph("", "", line, classes=["table-source"]))
        return out
