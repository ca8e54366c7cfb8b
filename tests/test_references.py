"""Bibliography of the cases: references.bib, data/case_references.csv and the book configuration."""

import pandas as pd
import pytest
import yaml

from analysis.book.references import check_case_references, cited_years, load_bibliography, printed_citations

from analysis.paths import ROOT  # noqa: E402


@pytest.fixture(scope="module")
def bib():
    return load_bibliography(ROOT / "references.bib")


@pytest.fixture()
def cases():
    return pd.read_csv(ROOT / "data" / "cases.csv", dtype=str, keep_default_na=False)


@pytest.fixture()
def mapping():
    return pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str, keep_default_na=False)


def test_printed_citations_are_split_and_years_counted():
    assert printed_citations("Bazan and Navas-Aleman (2004); Vargas (2000); Schmitz (1995, 1999b)") == [
        "Bazan and Navas-Aleman (2004)", "Vargas (2000)", "Schmitz (1995, 1999b)"]
    assert printed_citations("Bernardes and Pinho (2002), Marques (2004)") == [
        "Bernardes and Pinho (2002)", "Marques (2004)"]
    assert printed_citations("Campos, Ferraz Cário, and Nicolau (2000)") == ["Campos, Ferraz Cário, and Nicolau (2000)"]
    assert cited_years("Schmitz (1995, 1999b)") == ["1995", "1999"]
    assert cited_years("Gomes (Chapter 3 in this volume)") == ["2006"]


def test_every_case_has_works_and_every_key_exists(cases, mapping, bib):
    assert check_case_references(cases, mapping, bib) == []
    assert set(cases["case_id"]) <= set(mapping["case_id"])
    assert set(mapping["bibkey"]) <= set(bib.entries)
    assert not mapping.duplicated(["case_id", "bibkey"]).any()


def test_bib_entries_are_complete(bib):
    required = {"article": {"journal", "pages"}, "book": {"publisher"},
                "incollection": {"booktitle", "publisher"}, "techreport": {"institution"},
                "misc": {"howpublished"}, "unpublished": {"note"}}
    for key, e in bib.entries.items():
        assert {"title", "year"} <= set(e.fields), key
        assert e.persons.get("author") or e.persons.get("editor"), key
        assert required[e.type] <= set(e.fields), (key, e.type)


def test_every_work_in_the_bib_is_used(bib, mapping):
    # the book itself is the only entry not cited for a case
    assert set(bib.entries) - set(mapping["bibkey"]) == {"pietrobelli2006upgrading"}


@pytest.mark.parametrize("corrupt, message", [
    (lambda m: m.assign(bibkey=m["bibkey"].where(m.index != 0, "nosuchkey2001")), "not in references.bib"),
    (lambda m: m[m["case_id"] != "wine-colchagua"], "case wine-colchagua: no work"),
    (lambda m: m.drop(index=m.index[m["bibkey"] == "schmitz1999global"]), "names 2 work(s)"),
    (lambda m: m.assign(case_id=m["case_id"].where(m.index != 0, "no-such-case")), "unknown case"),
    (lambda m: m.assign(bibkey=m["bibkey"].where(m["bibkey"] != "visser1999comparison", "bair2001local")),
     "is from 2001"),
    (lambda m: m.assign(bibkey=m["bibkey"].where(m["bibkey"] != "zepeda2006segusino", "gomes2006upgrading")),
     "not Chapter 5"),
])
def test_broken_mapping_is_reported(cases, mapping, bib, corrupt, message):
    problems = check_case_references(cases, corrupt(mapping), bib)
    assert any(message in p for p in problems), problems


def test_bibliography_is_configured():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["bibtex_bibfiles"] == ["references.bib"]
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    appendices = next(p for p in toc["parts"] if p["caption"] == "Appendices")
    assert {"bibliography", "how_to_cite"} <= {c["file"] for c in appendices["chapters"]}
    page = (ROOT / "bibliography.md").read_text(encoding="utf-8")
    assert "```{bibliography}\n:all:\n```" in page
