"""The "How to cite" page (analysis/book/citation.py) and CITATION.cff."""
import json
import random
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from analysis.book import citation, edition

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

    return parse_string(text, "bibtex")


@pytest.fixture()
def ed():
    return edition.edition_metadata()


@pytest.fixture()
def ed_online(tmp_path):
    """The same metadata with a repository and a site URL configured."""
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    data["repository-code"] = "https://example.org/team/upgrading"
    data["url"] = "https://team.example.org/upgrading"
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return edition.edition_metadata(path)


@pytest.fixture()
def written(tmp_path):
    citation.write_citation_page(tmp_path, PAGES)
    return {"page": (tmp_path / "how_to_cite.md").read_text(encoding="utf-8"),
            "bib": (tmp_path / "_static" / citation.BIB_NAME).read_text(encoding="utf-8"),
            "items": json.loads((tmp_path / citation.ITEMS_JSON).read_text(encoding="utf-8"))}


@pytest.fixture()
def page_text(written):
    return written["page"]


def test_page_has_title_edition_and_book(page_text, ed):
    assert page_text.startswith("# How to cite\n")
    bib = parse_bibtex("\n\n".join(body for _, body in bibtex_blocks(page_text)))
    entry = bib.entries[edition.EDITION_KEY]
    assert entry.type == "software"
    assert entry.fields["version"] == ed.version == "0.2.0"
    assert entry.fields["date"] == ed.date_released
    book = bib.entries["pietrobelli2006upgrading"]
    assert book.type == "book" and book.fields["year"] == "2006"
    assert "Inter-American Development Bank" in book.fields["publisher"]
    assert book.fields["address"] == "Washington, DC"
    assert [p.last_names for p in book.persons["editor"]] == [["Pietrobelli"], ["Rabellotti"]]
    assert "Upgrading to Compete: Global Value Chains, Clusters, and SMEs in Latin America" in book.fields["title"]
    # the scheme is stated on the page, and the page no longer carries every entry
    assert "Table 9.4, p. 279" in page_text and "E-" in page_text
    assert len(bibtex_blocks(page_text)) == 2


def test_book_entry_is_read_from_references_bib():
    from pybtex.database import parse_file

    assert citation.book_entry().fields == parse_file(str(ROOT / "references.bib")).entries[citation.BOOK_KEY].fields


REQUIRED = {"misc": {"title", "year", "version", "note", "urldate", "howpublished"},
            "software": {"title", "year", "version"}, "book": {"title", "year", "publisher"}}


def test_every_generated_entry_parses_back_with_its_required_fields(written):
    bib = parse_bibtex(written["bib"])
    labels = [it["label"] for p in PAGES for it in p["items"]]
    assert list(bib.entries)[:2] == [edition.EDITION_KEY, citation.BOOK_KEY]
    assert sorted(k for k in bib.entries if k.startswith("upgrading-edition:")) == \
        sorted(citation.item_key(label) for label in labels)
    for key, entry in bib.entries.items():
        assert REQUIRED[entry.type] <= set(entry.fields), key
        assert entry.persons.get("author") or entry.persons.get("editor"), key
    # each Cite fold's entry parses on its own and is the same as in the .bib
    for label, item in written["items"].items():
        one = parse_bibtex(item["bibtex"])
        assert list(one.entries) == [citation.item_key(label)]
        assert one.entries[item["key"]].fields == bib.entries[item["key"]].fields


def test_book_items_keep_the_book_number_and_page_new_ones_get_the_prefix(written):
    from analysis.io.bookref import book_ref

    bib = parse_bibtex(written["bib"])
    t94 = bib.entries["upgrading-edition:ch09-table-9-4"]
    # the expected page comes from data/provenance.csv, not from the output
    assert t94.fields["note"].startswith(f"Book {book_ref('9.4')}")
    assert written["items"]["ch09-table-9-4"]["ref"] == book_ref("9.4")
    assert t94.fields["title"].startswith("{Table 9.4:")
    # special characters of a title are escaped, and the title survives parsing
    assert r"\&" in t94.fields["title"] and r"100\%" in t94.fields["title"]
    bars = written["items"]["ch09-upgrading-bars"]
    assert bars["number"] == "Figure E-ch09-upgrading-bars" and bars["ref"] is None and not bars["book"]
    assert bib.entries[bars["key"]].fields["note"].startswith(citation.NEW_NOTE)
    # a title that names a table the book does not have is new material, not a book number
    fake = citation.item_number({"kind": "table", "label": "x-t", "title": "Book Table 9.99 — made up"})
    assert fake["number"] == "Table E-x-t" and not fake["book"]
    # "Book Table 9.1 extended with new cases" is ours (no dash after the number)
    ext = citation.item_number({"kind": "table", "label": "x-e", "title": "Book Table 9.1 extended with new cases"})
    assert not ext["book"]
    assert citation.item_number({"kind": "table", "label": "t", "title": "Table 1.3 — Cases"})["ref"] == book_ref("1.3")


def test_entries_carry_url_and_links_degrade_without_one(ed, ed_online):
    item = PAGES[0]["items"][0]
    plain = parse_bibtex(citation.to_bibtex({"k": citation.item_entry(ed, PAGES[0]["page"], item)})).entries["k"]
    assert ed.url is None and "url" not in plain.fields
    assert "chapters/ch09\\_synthesis.html" in plain.fields["note"]
    online = parse_bibtex(citation.to_bibtex({"k": citation.item_entry(ed_online, PAGES[0]["page"], item)})).entries["k"]
    assert online.fields["url"] == "https://team.example.org/upgrading/chapters/ch09_synthesis.html#ch09-table-9-4"
    assert online.fields["urldate"] == ed_online.date_released
    assert "Available at https://team.example.org/upgrading/chapters/ch09_synthesis.html#ch09-table-9-4" in \
        citation.plain_citation(ed_online, PAGES[0]["page"], item)
    assert "Available at" not in citation.plain_citation(ed, PAGES[0]["page"], item)


def test_keys_are_stable_and_output_deterministic(tmp_path, written):
    assert citation.item_key("ch09-table-9-4") == "upgrading-edition:ch09-table-9-4"
    shuffled = [dict(p, items=random.Random(1).sample(p["items"], len(p["items"]))) for p in reversed(PAGES)]
    other = tmp_path / "other"
    other.mkdir()
    citation.write_citation_page(other, shuffled)
    assert (other / "how_to_cite.md").read_text(encoding="utf-8") == written["page"]
    assert (other / "_static" / citation.BIB_NAME).read_text(encoding="utf-8") == written["bib"]
    # the only date is the release date from CITATION.cff
    dates = set(re.findall(r"20\d\d-\d\d-\d\d", written["page"] + written["bib"]))
    assert dates == {edition.edition_metadata().date_released}
    page_text = written["page"]
    # pages in path order, items in label order
    from analysis import escape

    assert page_text.index(escape.myst("Chapter 1: the cases")) < page_text.index(escape.myst("Chapter 9: synthesis"))
    assert page_text.index("ch09-table-9-4`") < page_text.index("ch09-upgrading-bars`")
    for p in PAGES:
        for it in p["items"]:
            assert f"{{ref}}`{it['label']}`" in page_text
    assert "Reproduction audit" not in page_text  # a page without tables or figures gets no heading


def test_hostile_titles_give_entries_that_parse(tmp_path):
    """Text from case files goes through escape.bibtex: a lone brace, a backslash, an ``@``."""
    nasty = "Case {x: 50% & $5 #1 \\input{/etc/passwd} } { @misc{evil, ~^_"
    pages = [{"page": "chapters/cases/evil", "title": nasty,
              "items": [{"kind": "table", "label": "evil-table", "title": nasty, "files": []},
                        {"kind": "figure", "label": "evil-fig", "title": "a lone { brace", "files": []}]}]
    citation.write_citation_page(tmp_path, pages)
    bib = parse_bibtex((tmp_path / "_static" / citation.BIB_NAME).read_text(encoding="utf-8"))
    assert set(bib.entries) >= {"upgrading-edition:evil-table", "upgrading-edition:evil-fig"}
    assert "evil" not in [k for k in bib.entries if not k.startswith("upgrading-edition")]
    assert r"\textbraceleft{}" in bib.entries["upgrading-edition:evil-fig"].fields["title"]


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
    ed = edition.edition_metadata()
    assert cff["version"] == ed.version == "0.2.0"
    assert cff["title"] == ed.title
    assert cff["license"] == ed.license == "MIT"
    assert isinstance(cff["authors"], list) and len(ed.authors) == len(cff["authors"]) >= 1
    assert str(cff["date-released"]) == ed.date_released
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
