"""analysis/book/sphinx_fixes.py: the two html-page-context handlers."""
from sphinx.builders.html._assets import _JavaScript

from analysis.book import sphinx_fixes


def test_page_title_is_escaped_for_the_print_header():
    ctx = {"pagetitle": "New case: <img src=x onerror=alert(1)> & co"}
    sphinx_fixes._escape_pagetitle(None, "p", "page.html", ctx, None)
    import html

    assert "<" not in ctx["pagetitle"] and "&lt;img src" in ctx["pagetitle"]
    assert html.unescape(ctx["pagetitle"]) == "New case: <img src=x onerror=alert(1)> & co"
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


def _doctree(text: str):
    from docutils import nodes
    from docutils.utils import new_document
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser

    doc = new_document("page", get_default_settings(Parser))
    section = nodes.section()
    section += nodes.title("", "Case: <b>bold</b> cluster")
    section += nodes.paragraph("", text)
    doc += section
    return doc


def test_search_index_stems_each_word_once_per_build_and_escapes_titles():
    from types import SimpleNamespace

    from sphinx.search import IndexBuilder

    sphinx_fixes._patch_search_index()
    env = SimpleNamespace(domains={}, **{f"_search_index_{k}": {} for k in (
        "titles", "filenames", "mapping", "title_mapping", "all_titles", "index_entries", "objtypes", "objnames")})
    index = IndexBuilder(env, "en", {}, None)
    words = "clusters upgrading governance cooperation exporting"
    index.feed("a", "a.md", "Case: <b>bold</b>", _doctree(words))
    index.feed("b", "b.md", "Other", _doctree(words))
    info = index.lang.stem.cache_info()
    # the second page's words were all stemmed already: no new stemming for them
    assert info.hits >= len(words.split()) and info.misses <= len(words.split()) + 6
    assert index._mapping["govern"] == {"a", "b"} and index._mapping["upgrad"] == {"a", "b"}
    import html

    assert "<" not in index._titles["a"] and html.unescape(index._titles["a"]) == "Case: <b>bold</b>"
def _render_literal_table(tmp_path, spec: dict) -> str:
    """HTML body of a one-page Sphinx project showing ``spec`` through the literal-table directive."""
    import json

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['analysis.book.sphinx_fixes']\n")
    (src / "t.table.json").write_text(json.dumps(spec), encoding="utf-8")
    (src / "index.rst").write_text("Title\n=====\n\n.. literal-table:: t.table.json\n   :name: t\n")
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    return (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_literal_table_groups_show_each_label_once_as_a_spanning_row(tmp_path):
    import re

    spec = {"title": "T", "columns": ["Country", "Share"],
            "rows": [["Chile", "1"], ["Norway", "2"], ["Chile", "3"]],
            "groups": ["Panel <a>", "Panel <a>", "Panel b"]}
    html = _render_literal_table(tmp_path, spec)
    body = html[html.index("<tbody"):html.index("</tbody>")]
    heads = re.findall(r'<tr class="[^"]*book-table-group[^"]*">(.*?)</tr>', body, flags=re.S)
    assert len(heads) == 2  # one per block of rows, not one per row
    assert 'colspan="2"' in heads[0] and "Panel &lt;a&gt;" in heads[0] and "Panel b" in heads[1]
    assert body.count("Panel &lt;a&gt;") == 1  # the label is text (escaped), shown once
    order = [m.group(0) for m in re.finditer(r"Panel &lt;a&gt;|Chile|Norway|Panel b", body)]
    assert order == ["Panel &lt;a&gt;", "Chile", "Norway", "Panel b", "Chile"]
# ---------------------------------------------------------------- image links (issue 12)

def _png(colour: str) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buf, format="PNG")
    return buf.getvalue()


def _notebook(output_png: bytes, glued_png: bytes) -> dict:
    """A stored notebook (not executed) with a cell's image output and a glued figure, as
    myst-nb's ``glue(name, fig, display=False)`` records it."""
    import base64

    prefix = "application/papermill.record/"
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    outputs = [{"output_type": "display_data", "metadata": {}, "data": {"image/png": b64(output_png)}},
               {"output_type": "display_data", "data": {prefix + "image/png": b64(glued_png)},
                "metadata": {"scrapbook": {"name": "fig", "mime_prefix": prefix}}}]
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Notebook"},
                      {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": 1,
                       "source": "display(image); glue('fig', figure, display=False)",
                       "outputs": outputs},
                      {"cell_type": "markdown", "id": "c", "metadata": {},
                       "source": "```{glue:figure} fig\n:alt: the glued figure\n\nA glued caption.\n```"}]}




def _images_and_links(html: str) -> list[dict]:
    """Every <img> of an HTML page with its alt text and the href of the <a> it sits in."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links, self.found = [], []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "a":
                self.links.append(a.get("href"))
            elif tag == "img":
                self.found.append({"src": a.get("src"), "alt": a.get("alt"),
                                   "href": self.links[-1] if self.links else None})

        def handle_endtag(self, tag):
            if tag == "a" and self.links:
                self.links.pop()

    p = Parser()
    p.feed(html)
    return p.found


def test_every_image_links_to_its_own_file(tmp_path):
    """A Sphinx build with the extension: a plain image without a width (which Sphinx alone
    leaves unlinked), a figure with one, a notebook's image output and a glued figure all
    open their own file in _images; an image with its own :target: keeps it."""
    import json
    from urllib.parse import unquote

    from sphinx.application import Sphinx

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    colours = {"plain": "red", "wide": "green", "output": "blue", "glued": "yellow"}
    pngs = {k: _png(c) for k, c in colours.items()}
    for k in ("plain", "wide"):
        (src / f"{k}.png").write_bytes(pngs[k])
    (src / "conf.py").write_text('extensions = ["myst_nb", "analysis.book.sphinx_fixes"]\n'
                                 'nb_execution_mode = "off"\nexclude_patterns = ["_build"]\n')
    (src / "index.md").write_text(
        "# Index\n\n```{toctree}\nnb\n```\n\n![a plain image](plain.png)\n\n"
        "```{figure} wide.png\n:alt: a wide figure\n:width: 100%\n\nCaption.\n```\n\n"
        "```{image} plain.png\n:alt: an image with a target\n:target: https://example.org/\n```\n")
    (src / "nb.ipynb").write_text(json.dumps(_notebook(pngs["output"], pngs["glued"])))
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()

    found = {}
    for page in ("index.html", "nb.html"):
        for img in _images_and_links((out / page).read_text(encoding="utf-8")):
            found.setdefault(img["alt"] or "", []).append(img)
    assert found.pop("an image with a target")[0]["href"] == "https://example.org/"
    linked = [img for imgs in found.values() for img in imgs]
    assert len(linked) == 4, found  # plain, wide, the cell's output and the glued figure
    served = []
    for img in linked:
        assert img["href"] and img["href"].startswith("_images/"), img
        served.append((out / unquote(img["href"])).read_bytes())
        assert img["href"] == img["src"], img  # the image's own file, not another one
    assert sorted(served) == sorted(pngs.values())
    assert found["a plain image"] and found["a wide figure"] and found["the glued figure"]


def test_cite_fold_links_the_edition_bib_without_making_it_a_dependency():
    """A download reference makes Sphinx record the file as a dependency of the page; the
    edition's .bib grows with every case, so every page with a fold would be read again."""
    from docutils import nodes
    from sphinx import addnodes

    from analysis.book import sphinx_cite

    item = {"ref": "Table 9.4, p. 279", "number": "E1", "label": "x", "key": "k", "bibtex": "@misc{k,}",
            "plain": "p", "files": ["downloads/x/x.csv"]}
    box = nodes.container()
    for n in sphinx_cite.cite_fold(item, "chapters/sectors/traditional", []):
        box += n
    downloads = [d["reftarget"] for d in box.findall(addnodes.download_reference)]
    assert downloads == ["downloads/x/x.csv"]  # the table's own file stays a download
    links = [r["refuri"] for r in box.findall(nodes.reference) if "refuri" in r]
    assert "../../_static/upgrading-edition.bib" in links
