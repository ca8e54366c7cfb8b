"""The "How to cite" page (analysis/book/citation.py) and CITATION.cff."""
import json
import random
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from analysis.book import citation

from analysis.paths import ROOT  # noqa: E402
CFF_SCHEMA = ROOT / "tests" / "data" / "cff-schema-1.2.0.json"

PAGES = [
    {"page": "chapters/ch09_synthesis", "title": "Chapter 9: synthesis",
     "items": [
         {"kind": "table", "label": "ch09-table-9-4", "name": "table_9_4",
          "title": "Table 9.4 — Upgrading & collective efficiency (100% of cases)",
          "source": "data/cases.csv", "files": ["downloads/ch09/table_9_4.csv"]},
         {"kind": "figure", "label": "ch09-upgrading-bars", "name": "upgrading_bars",
          "title": "Mean upgrading scores by sector", "source": "Mean upgrading scores by sector",
          "files": ["downloads/ch09/upgrading_bars.png", "downloads/ch09/upgrading_bars.svg",
                    "downloads/ch09/upgrading_bars.pdf"]},
     ]},
    {"page": "chapters/ch01_cases", "title": "Chapter 1: the cases",
     "items": [
         {"kind": "table", "label": "ch01-table-1-3", "name": "table_1_3",
          "title": "Table 1.3 — Case studies by sector", "source": "data/cases.csv",
          "files": ["downloads/ch01/table_1_3.csv"]},
     ]},
    {"page": "chapters/audit", "title": "Reproduction audit", "items": []},
]


def bibtex_blocks(text: str) -> list[str]:
    return re.findall(r"^(`{3,})bibtex\n(.*?)\n\1$", text, flags=re.S | re.M)


def parse_bibtex(text: str):
    from pybtex.database import parse_string

    return parse_string("\n\n".join(body for _, body in bibtex_blocks(text)), "bibtex")


@pytest.fixture()
def page_text(tmp_path):
    citation.write_citation_page(tmp_path, PAGES)
    return (tmp_path / "how_to_cite.md").read_text(encoding="utf-8")


def test_page_has_title_edition_and_book(page_text):
    assert page_text.startswith("# How to cite\n")
    bib = parse_bibtex(page_text)
    edition = bib.entries[citation.EDITION_KEY]
    assert edition.type == "software"
    assert edition.fields["version"] == citation.EDITION_VERSION
    book = bib.entries["pietrobelli2006upgrading"]
    assert book.type == "book" and book.fields["year"] == "2006"
    assert "Inter-American Development Bank" in book.fields["publisher"]
    assert book.fields["address"] == "Washington, DC"
    assert [p.last_names for p in book.persons["editor"]] == [["Pietrobelli"], ["Rabellotti"]]
    assert "Upgrading to Compete: Global Value Chains, Clusters, and SMEs in Latin America" in book.fields["title"]


def test_one_entry_and_one_reference_per_table_and_figure(page_text):
    bib = parse_bibtex(page_text)
    labels = [it["label"] for p in PAGES for it in p["items"]]
    item_keys = [k for k in bib.entries if k.startswith("upgrading-edition:")]
    assert sorted(item_keys) == sorted(citation.item_key(label) for label in labels)
    for p in PAGES:
        for it in p["items"]:
            assert f"{{ref}}`{it['label']}`" in page_text
            entry = bib.entries[citation.item_key(it["label"])]
            note = entry.fields["note"]
            assert citation.bibtex_escape(p["page"]) in note and it["label"] in note
            for f in it["files"]:
                assert Path(f).name in entry.fields["file"]
    # special characters of a title are escaped, and the title survives parsing
    t94 = bib.entries["upgrading-edition:ch09-table-9-4"].fields["title"]
    assert r"\&" in t94 and r"100\%" in t94
    # a page without tables or figures gets no heading
    assert "Reproduction audit" not in page_text


def test_keys_are_stable_and_output_deterministic(tmp_path, page_text):
    assert citation.item_key("ch09-table-9-4") == "upgrading-edition:ch09-table-9-4"
    shuffled = [dict(p, items=random.Random(1).sample(p["items"], len(p["items"]))) for p in reversed(PAGES)]
    other = tmp_path / "other"
    other.mkdir()
    citation.write_citation_page(other, shuffled)
    assert (other / "how_to_cite.md").read_text(encoding="utf-8") == page_text
    assert not re.search(r"20\d\d-\d\d-\d\d", page_text)  # no dates
    # pages in path order, items in label order
    assert page_text.index("Chapter 1: the cases") < page_text.index("Chapter 9: synthesis")
    assert page_text.index("ch09-table-9-4`") < page_text.index("ch09-upgrading-bars`")


def test_bad_input_is_refused(tmp_path):
    dup = [PAGES[0], {"page": "chapters/x", "title": "X", "items": [PAGES[0]["items"][0]]}]
    with pytest.raises(ValueError, match="same citation key"):
        citation.write_citation_page(tmp_path, dup)
    with pytest.raises(ValueError, match="lacks"):
        citation.write_citation_page(tmp_path, [{"page": "p", "title": "t", "items": [{"kind": "table"}]}])
    with pytest.raises(ValueError, match="no 'title'"):
        citation.write_citation_page(tmp_path, [{"page": "p", "items": []}])
    assert not (tmp_path / "how_to_cite.md").exists()


def test_title_falls_back_to_the_executed_notebook_heading(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "x = 1"},
                    {"cell_type": "markdown", "source": ["intro\n", "# Chapter 9: collective efficiency\n"]}]}
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "ch09_synthesis.ipynb").write_text(json.dumps(nb))
    pages = [dict(PAGES[0], title="chapters/ch09_synthesis")]
    citation.write_citation_page(tmp_path, pages)
    assert "### Chapter 9: collective efficiency\n" in (tmp_path / "how_to_cite.md").read_text()


# ---------------------------------------------------------------- CITATION.cff

def cff_errors(data) -> list[str]:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    # the schema asks tools to turn YAML dates into strings before validating
    data = json.loads(json.dumps(data, default=str))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(data)]


@pytest.fixture()
def cff():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_vendored_schema_is_the_cff_1_2_0_schema():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    assert set(schema["required"]) == {"authors", "cff-version", "message", "title"}


def test_citation_cff_is_valid(cff):
    assert cff_errors(cff) == []
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["version"] == citation.EDITION_VERSION
    assert cff["title"] == citation.EDITION_TITLE
    assert cff["license"] == "MIT"
    assert cff["authors"][0]["name"] == citation.EDITION_AUTHOR
    book = next(r for r in cff["references"] if r["type"] == "book")
    assert book["year"] == 2006 and "Upgrading to Compete" in book["title"]
    assert book["publisher"]["name"] == "Inter-American Development Bank"


@pytest.mark.parametrize("break_it, message", [
    (lambda d: d.pop("title"), "'title' is a required property"),
    (lambda d: d.update(license="Not-A-Licence"), "license"),
    (lambda d: d.update({"cff-version": "1.1.0"}), "cff-version"),
    (lambda d: d.update(authors=[]), "authors"),
    (lambda d: d["references"][0].pop("type"), "references/0"),
])
def test_invalid_citation_cff_is_rejected(cff, break_it, message):
    break_it(cff)
    errors = cff_errors(cff)
    assert errors and any(message in e for e in errors), errors


def test_licence_file_is_mit_2026():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 The reproducible-edition team" in text


def test_titles_from_case_files_cannot_inject_markup(tmp_path):
    from markdown_it import MarkdownIt

    evil = "New case: <img src=x onerror=alert(1)> [click](javascript:alert(1)) *b* `x` {ref}`y` & co"
    pages = [{"page": "chapters/cases/evil", "title": evil,
              "items": [{"kind": "table", "label": "evil-table", "title": "<script>x</script>", "files": []}]}]
    citation.write_citation_page(tmp_path, pages)
    text = (tmp_path / "how_to_cite.md").read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("### "))
    html = MarkdownIt("commonmark").render(heading)  # raw HTML allowed: escaping must hold
    assert "<img" not in html and "<a " not in html and "<em>" not in html and "<code>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&amp; co" in html
    assert "javascript:alert(1)" in html  # shown as text
    with pytest.raises(ValueError, match="not a plain Sphinx label"):
        bad = [{"page": "p", "title": "t", "items": [{"kind": "table", "label": "x`}<b>", "title": "t"}]}]
        citation.write_citation_page(tmp_path, bad)
