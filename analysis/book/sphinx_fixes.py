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

tests/test_sphinx_fixes.py checks both handlers; the browser tests fail on any
console error and tests/test_extended.py on live markup from case files. (The
theme's other first-visit console error, "Got invalid theme mode", is avoided in
``_config.yml`` by ``html_context: {default_mode: auto}``.)
"""
from __future__ import annotations

import html


def _escape_pagetitle(app, pagename, templatename, context, doctree) -> None:
    if isinstance(context.get("pagetitle"), str):
        context["pagetitle"] = html.escape(context["pagetitle"], quote=False)


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


def setup(app):
    # after sphinx-book-theme's own handler (default priority 500) has set pagetitle
    app.connect("html-page-context", _escape_pagetitle, priority=900)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
