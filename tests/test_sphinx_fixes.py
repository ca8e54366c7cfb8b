"""analysis/book/sphinx_fixes.py: the two html-page-context handlers."""
from sphinx.builders.html._assets import _JavaScript

from analysis.book import sphinx_fixes


def test_page_title_is_escaped_for_the_print_header():
    ctx = {"pagetitle": "New case: <img src=x onerror=alert(1)> & co"}
    sphinx_fixes._escape_pagetitle(None, "p", "page.html", ctx, None)
    assert ctx["pagetitle"] == "New case: &lt;img src=x onerror=alert(1)&gt; &amp; co"
    ctx = {}
    sphinx_fixes._escape_pagetitle(None, "p", "page.html", ctx, None)
    assert ctx == {}


def test_inline_scripts_registered_twice_are_emitted_once():
    body = "const THEBE_JS_URL = 'x'"
    scripts = [_JavaScript("_static/doctools.js", priority=200), _JavaScript(None, body=body),
               _JavaScript("", body=body), _JavaScript("_static/other.js")]
    ctx = {"script_files": scripts}
    sphinx_fixes._dedupe_scripts(None, "p", "page.html", ctx, None)
    assert [(j.filename, j.attributes.get("body")) for j in ctx["script_files"]] == [
        ("_static/doctools.js", None), (None, body), ("_static/other.js", None)]
    assert len(scripts) == 4  # the builder's own list is left alone
