"""Small Sphinx extension for the book's HTML (loaded through ``sphinx.extra_extensions``
in ``_config.yml``; the build puts the repository on PYTHONPATH).

1. Inline scripts added after the builder starts (sphinx-thebe's ``THEBE_JS_URL``,
   sphinx-togglebutton's selector) are emitted twice by Sphinx 7.4, because the
   builder stores them once under the file name ``None`` and once under ``''``;
   the second ``const THEBE_JS_URL`` then throws "Identifier has already been
   declared" in every page. Sphinx fixed this upstream (sphinx-doc/sphinx#13402,
   Sphinx 8.2); until the pinned Sphinx has the fix, each page's script list is
   deduplicated here.
2. pydata-sphinx-theme logs "Got invalid theme mode" on a first visit when no
   default colour mode is configured; ``auto`` (follow the reader's system) is
   what the theme falls back to anyway, so it is set explicitly.

The browser tests (tests/test_browser.py) fail on any console error, so both
problems would be caught again if this extension stopped working.
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


def _default_mode(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options.setdefault("default_mode", "auto")
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", _default_mode)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
