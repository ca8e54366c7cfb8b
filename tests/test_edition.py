"""Edition metadata (analysis/book/edition.py), .zenodo.json, the page stamp (stamp.py),
the Cite fold (sphinx_cite.py) and escape.bibtex's braces."""
import json

import pytest
import yaml
from docutils import nodes

from analysis import escape
from analysis.book import edition, sphinx_cite, stamp
from analysis.paths import ROOT


def _cff(tmp_path, **changes):
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_metadata_come_from_citation_cff():
    raw = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    ed = edition.edition_metadata()
    assert ed.version == str(raw["version"]) and ed.title == raw["title"]
    assert ed.date_released == str(raw["date-released"]) and ed.year == str(raw["date-released"])[:4]
    assert len(ed.authors) == len(raw["authors"])


def test_author_list_is_configurable(tmp_path):
    path = _cff(tmp_path, authors=[{"family-names": "Doe", "given-names": "Jane Ann"},
                                   {"family-names": "Roe", "given-names": "Rick", "orcid": "https://orcid.org/0000-0002-1825-0097"},
                                   {"name": "Team & Co"}])
    ed = edition.edition_metadata(path)
    assert ed.author_names() == ["Doe, Jane Ann", "Roe, Rick", "{Team & Co}"]
    assert ed.author_text() == "Doe, J. A., Roe, R. & Team & Co"
    z = edition.zenodo_metadata(ed)
    assert [c["name"] for c in z["creators"]] == ["Doe, Jane Ann", "Roe, Rick", "Team & Co"]
    assert z["creators"][1]["orcid"] == "0000-0002-1825-0097"
    from analysis.book import citation
    from pybtex.database import parse_string

    entry = parse_string(citation.to_bibtex({"k": citation.edition_entry(ed)}), "bibtex").entries["k"]
    assert [str(p) for p in entry.persons["author"]] == ["Doe, Jane Ann", "Roe, Rick", r"{Team \& Co}"]


def test_missing_metadata_is_refused(tmp_path):
    with pytest.raises(ValueError, match="version"):
        edition.edition_metadata(_cff(tmp_path, version=None))
    with pytest.raises(ValueError, match="list"):
        edition.edition_metadata(_cff(tmp_path, authors="Somebody"))
    with pytest.raises(ValueError):
        edition.edition_metadata(_cff(tmp_path, **{"date-released": "2026-13-40"}))


def test_committed_zenodo_json_agrees_and_check_catches_drift(tmp_path):
    assert edition.check() == []
    z = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert z["version"] == edition.edition_metadata().version and z["upload_type"] == "software"
    stale = tmp_path / "zenodo.json"
    stale.write_text(json.dumps(dict(z, version="0.0.1")), encoding="utf-8")
    problems = edition.check(zenodo=stale)
    assert problems and "version" in problems[0]
    assert edition.check(zenodo=tmp_path / "absent.json")


def test_links_need_a_repository_and_degrade_to_none(tmp_path):
    ed = edition.edition_metadata()
    assert ed.repository is None and ed.url is None  # placeholders: not configured yet
    assert edition.source_url(ed, "abc1234", "analysis/x.py") is None
    assert edition.page_url(ed, "chapters/a", "t") is None
    on = edition.edition_metadata(_cff(tmp_path, **{"repository-code": "https://example.org/o/r/",
                                                     "url": "https://o.example.org/r"}))
    assert edition.source_url(on, "abc1234", "analysis/x.py", 7) == "https://example.org/o/r/blob/abc1234/analysis/x.py#L7"
    assert edition.source_url(on, None, "analysis/x.py") is None
    assert edition.page_url(on, "chapters/a", "t") == "https://o.example.org/r/chapters/a.html#t"
    z = edition.zenodo_metadata(on)
    assert {"identifier": "https://example.org/o/r", "relation": "isSupplementTo", "scheme": "url"} in z["related_identifiers"]


# ---------------------------------------------------------------- escape.bibtex

def test_bibtex_escape_of_a_lone_brace_parses_with_pybtex():
    from pybtex.database import parse_string

    for text in ("a lone { brace", "a lone } brace", "}{", "{{ x }}", "\\input{x}", "@misc{evil,"):
        out = escape.bibtex(text)
        entry = parse_string("@misc{k, title = {" + out + "}}", "bibtex").entries["k"]
        assert entry.fields["title"] == out
        assert set(parse_string("@misc{k, title = {" + out + "}}", "bibtex").entries) == {"k"}
    assert escape.bibtex("{") == r"\textbraceleft{}" and escape.bibtex("}") == r"\textbraceright{}"


# ---------------------------------------------------------------- stamp

NB = {"metadata": {stamp.META_KEY: {"commit": "0123456789ab"}}, "cells": [
    {"cell_type": "code", "source": "from analysis.method import tables\nfrom analysis.report.present import Page\n"
                                    "import analysis.report.figures as figs", "outputs": []},
    {"cell_type": "code", "source": "display(Markdown(page.table(tables.table_9_2(cases, rec), 'table_9_2', 't', 's')))",
     "outputs": [{"output_type": "display_data", "data": {"text/markdown": "```{literal-table} x\n:name: ch09-table-9-2\n```"}}]},
    {"cell_type": "code", "source": "fig = figs.figure_ce_index_by_sector(t)\nPage('x')",
     "outputs": [{"output_type": "display_data", "data": {"text/markdown": ["```{figure} x.png\n", ":name: ch09-fig\n"]}}]},
]}


def test_cell_calls_name_the_library_function_of_each_table(tmp_path):
    import inspect

    from analysis.method import tables
    from analysis.report import figures

    calls = stamp.cell_calls(NB)
    assert [c["name"] for c in calls["ch09-table-9-2"]] == ["analysis.method.tables.table_9_2"]
    c = calls["ch09-table-9-2"][0]
    assert c["path"] == "analysis/method/tables.py" and c["line"] == inspect.getsourcelines(tables.table_9_2)[1]
    assert c["url"] is None  # no repository configured
    # the Page helper is not "what made" a figure
    assert [c["name"] for c in calls["ch09-fig"]] == ["analysis.report.figures.figure_ce_index_by_sector"]
    on = edition.edition_metadata(_cff(tmp_path, **{"repository-code": "https://example.org/o/r"}))
    url = stamp.cell_calls(NB, on)["ch09-fig"][0]["url"]
    line = inspect.getsourcelines(figures.figure_ce_index_by_sector)[1]
    assert url == f"https://example.org/o/r/blob/0123456789ab/analysis/report/figures.py#L{line}"


def test_stamp_links_at_the_commit_or_plain_text(tmp_path):
    calls = stamp.page_calls(NB)
    hashes = {"data/cases.csv": "aa", "requirements.txt": "bb"}
    off = stamp.stamp_text("chapters/ch09_synthesis.md", {"x": 1}, hashes, "0123456789ab", calls)
    assert "version 0.2.0" in off and "`0123456789ab`" in off and "](" not in off
    assert "`analysis.method.tables.table_9_2`" in off and "`x = 1`" in off
    on = edition.edition_metadata(_cff(tmp_path, **{"repository-code": "https://example.org/o/r"}))
    text = stamp.stamp_text("chapters/ch09_synthesis.md", {}, hashes, "0123456789ab (with uncommitted changes)",
                            calls, ed=on)
    assert "[`chapters/ch09_synthesis.md`](<https://example.org/o/r/blob/0123456789ab/chapters/ch09_synthesis.md>)" in text
    assert "(<https://example.org/o/r/tree/0123456789ab>)" in text
    assert "blob/0123456789ab/analysis/method/tables.py#L" in text
    assert stamp.commit_of("unknown (not a git checkout)") is None


def test_stamp_page_folds_the_code_of_tables_and_figures(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("page.table()")]
    nb.cells[0].metadata["tags"] = ["remove-input"]
    nb.cells[1].metadata["tags"] = ["remove-input"]
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": ":name: a-b\n"})]
    path = tmp_path / "p.ipynb"
    nbformat.write(nb, path)
    stamp.stamp_page(path, "chapters/p.md", {}, {}, "0123456789ab")
    out = nbformat.read(path, as_version=4)
    assert out.cells[0].metadata["tags"] == ["remove-input"]  # no table: stays hidden
    assert out.cells[1].metadata["tags"] == ["hide-input"]
    assert out.cells[-1].id == "reproducibility-stamp" and "Reproducibility stamp" in out.cells[-1].source
    assert out.metadata[stamp.META_KEY]["commit"] == "0123456789ab"


# ---------------------------------------------------------------- the Cite fold

ITEM = {"page": "chapters/ch09_synthesis", "label": "ch09-table-9-4", "key": "upgrading-edition:ch09-table-9-4", "kind": "table",
        "number": "Table 9.4", "ref": "Table 9.4, p. 279", "book": True,
        "bibtex": "@misc{upgrading-edition:ch09-table-9-4,\n    title = {{<b>x</b>}}\n}\n",
        "plain": "Team (2026). Table 9.4 <script>.", "files": ["downloads/ch09/table_9_4.csv"]}


def test_caption_gets_the_book_number_and_loses_the_book_prefix():
    table = nodes.table()
    table += nodes.title("", "Book Table 9.4 — Upgrading in specialized suppliers")
    sphinx_cite.number_caption(table, ITEM)
    assert table[0].astext() == "Table 9.4, p. 279 — Upgrading in specialized suppliers"
    new = nodes.table()
    new += nodes.title("", "Book Table 9.1 extended with new cases")
    sphinx_cite.number_caption(new, dict(ITEM, book=False, ref=None, number="Table E-ch09-x"))
    assert new[0].astext() == "Table E-ch09-x — Book Table 9.1 extended with new cases"


def test_cite_fold_is_closed_and_holds_text_nodes_only():
    fold = sphinx_cite.cite_fold(ITEM, "chapters/ch09_synthesis",
                                 [{"name": "analysis.method.tables.table_9_4", "url": None}])
    raws = [n for n in fold if isinstance(n, nodes.raw)]
    assert [r.astext() for r in raws] == ['<details class="cite-fold" data-label="ch09-table-9-4">'
                                          '<summary>Cite Table 9.4, p. 279</summary>',
                                          "</details>"]
    body = fold[1]
    assert not list(body.findall(nodes.raw))
    blocks = list(body.findall(nodes.literal_block))
    assert len(blocks) == 1 and blocks[0].astext() == ITEM["bibtex"]
    text = body.astext()
    assert "<script>" in text and "table_9_4.csv" in text and "analysis.method.tables.table_9_4" in text
    from sphinx import addnodes

    targets = [r["reftarget"] for r in body.findall(addnodes.download_reference)]
    assert targets == ["downloads/ch09/table_9_4.csv"]
    # the edition's .bib is a plain link to the static file (not a page dependency)
    assert any(r.get("refuri", "").endswith("_static/upgrading-edition.bib") for r in body.findall(nodes.reference))
    evil = sphinx_cite.cite_fold(dict(ITEM, ref=None, number="Table E-<img src=x>"), "d", [])
    assert "<img" not in evil[0].astext() and "&lt;img" in evil[0].astext()
