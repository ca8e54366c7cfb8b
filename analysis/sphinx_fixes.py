"""Small Sphinx extension for the book's HTML (loaded through ``sphinx.extra_extensions``
in ``_config.yml``; the build puts the repository on PYTHONPATH).

Inline scripts added after the builder starts (sphinx-thebe's ``THEBE_JS_URL``,
sphinx-togglebutton's selector) are emitted twice by Sphinx 7.4, because the
builder stores them once under the file name ``None`` and once under ``''``;
the second ``const THEBE_JS_URL`` then throws "Identifier has already been
declared" in every page. Sphinx fixed this upstream (sphinx-doc/sphinx#13402,
Sphinx 8.2); until the pinned Sphinx has the fix, each page's script list is
deduplicated here.

The browser tests (tests/test_browser.py) fail on any console error, so the
problem would be caught again if this extension stopped working. (The theme's
other first-visit console error, "Got invalid theme mode", is avoided in
``_config.yml`` by ``html_context: {default_mode: auto}``.)
"""
from __future__ import annotations


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
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
