"""The page modules behind the thin Chapter 2-5 and 9 and audit notebooks
(analysis.report.casestudy_page with dairy_page, fruit_page, salmon_page and furniture_page,
synthesis_page, audit_page): the values the prose glues
in, checked against the data files read here on their own, and the sections' MyST naming
the tables and figures they wrote."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import escape
from analysis.io.bookref import book_ref
from analysis.paths import ROOT
from analysis.report import (audit_page, casestudy_page, dairy_page, fruit_page, furniture_page, salmon_page,
    synthesis_page)
from analysis.report.present import Page
from analysis.vocab import SECTOR_LABELS

STATUSES = ("match", "rounding", "mismatch", "not_comparable", "not_derivable")


def table_json(md: str) -> dict:
    """The spec of the (first) literal-table a section's MyST shows."""
    path = re.search(r"```\{literal-table\} (\S+)", md).group(1)
    return json.loads(open(path, encoding="utf-8").read())


def labels(md: str) -> list[str]:
    return re.findall(r"^:name: (\S+)$", md, flags=re.M)


@pytest.fixture()
def in_tmp(tmp_path, monkeypatch):
    """Pages write downloads/ relative to the working folder, as in the build."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cells(key: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "chapters" / f"table_{key.replace('.', '_')}.csv", dtype=str)


def number(text: str) -> float:
    return float(text.replace(",", ""))


# ----------------------------------------------------------------- Chapters 2 to 5

@pytest.fixture(scope="module")
def ch5(book_data):
    return furniture_page.prepare(book_data)


@pytest.fixture(scope="module")
def ch4(book_data):
    return salmon_page.prepare(book_data, show_notes=False)


def test_chapter_5_values_recomputed_from_the_printed_cells(ch5):
    v = casestudy_page.glue_values(ch5)
    assert list(v) == ["n_checks", "n_inconsistent", "n_52_mismatch", "sum_listed_1992", "leverage_1998"]
    t52 = cells("5.2")
    exports = t52[(t52["column"] == "1992 | Exports to the U.S. (US$ millions)") & t52["row"].str.match(r"\d+ ")]
    assert len(exports) == 10
    assert v["sum_listed_1992"] == pytest.approx(sum(map(number, exports["printed"])))
    t55 = cells("5.5").set_index(["row", "column"])["printed"]
    assets, liabilities = number(t55[("1998", "Total assets")]), number(t55[("1998", "Total liabilities")])
    assert v["leverage_1998"] == pytest.approx(liabilities / (assets - liabilities))
    assert v["leverage_1998"] > number(t55[("1998", "Leverage (liabilities/equity)")])  # the book prints less
    assert v["n_52_mismatch"] >= 1  # the printed subtotal is larger than the sum of the ten
    assert 0 < v["n_inconsistent"] < v["n_checks"]


def test_chapter_4_values_count_the_table_4_3_audit(ch4):
    v = casestudy_page.glue_values(ch4)
    assert list(v) == ["n_checks", "n_inconsistent", "n_43_recomputed", "n_43_match"]
    derived = (cells("4.3")["kind"] == "derived").sum()
    assert 0 < v["n_43_match"] <= v["n_43_recomputed"] < derived  # the core subtotal cannot be rebuilt
    checks = ch4.audit[(ch4.audit["chapter"] == 4) & (ch4.audit["kind"] == "consistency")]
    assert v["n_checks"] == len(checks)
    assert v["n_inconsistent"] == (checks["status"] == "mismatch").sum()


@pytest.mark.parametrize("module,chapter", [(dairy_page, 2), (fruit_page, 3), (salmon_page, 4), (furniture_page, 5)])
def test_every_configured_table_is_one_of_the_chapters(book_data, module, chapter):
    keys = [*module.NUMERIC_TABLES, *module.CHARTS, *getattr(module, "LABEL_TABLES", {})]
    assert keys and all(k in book_data.chapters and k.startswith(f"{chapter}.") for k in keys)
    assert set(module.CHARTS) <= set(module.NUMERIC_TABLES)



def test_each_case_study_page_depends_on_its_own_chapter_only():
    """The shared module imports no chapter's code, so a page's cache key holds its own chapter."""
    from analysis.book.build import analysis_modules

    pages = {"ch02_dairy": ("ch2_dairy", "dairy_page"), "ch03_fruit": ("ch3_fruit", "fruit_page"),
             "ch04_salmon": ("ch4_salmon", "salmon_page"), "ch05_furniture": ("ch5_furniture", "furniture_page")}
    for page, own in pages.items():
        modules = {p.name for p in analysis_modules(ROOT / "chapters" / f"{page}.md")}
        others = {f"{m}.py" for p, names in pages.items() if p != page for m in names}
        assert {f"{own[0]}.py", f"{own[1]}.py", "casestudy_page.py"} <= modules and not modules & others, page


def test_chapter_2_values_are_the_consistency_counts(book_data):
    c = dairy_page.prepare(book_data)
    v = casestudy_page.glue_values(c)
    assert list(v) == ["n_checks", "n_inconsistent"]
    checks = c.audit[(c.audit["chapter"] == 2) & (c.audit["kind"] == "consistency")]
    assert v["n_checks"] == len(checks) and v["n_inconsistent"] == (checks["status"] == "mismatch").sum()
    derived = pd.concat([cells("2.1"), cells("2.2")])["kind"].eq("derived").sum()
    assert derived == 0 and c.audit[c.audit["kind"] == "derived"].empty  # nothing inside the tables to recompute


def test_chapter_3_values_count_the_checks_against_table_1_2(book_data):
    c = fruit_page.prepare(book_data)
    v = casestudy_page.glue_values(c)
    assert list(v) == ["n_checks", "n_inconsistent", "n_t12"]
    checks = c.audit[(c.audit["chapter"] == 3) & (c.audit["kind"] == "consistency")]
    assert v["n_checks"] == len(checks)
    assert v["n_t12"] == checks["table"].astype(str).str.endswith("vs 1.2").sum() > 0


def test_chapter_2_and_3_sections_name_their_tables_and_figures(book_data, in_tmp):
    for module, ch, chart in [(dairy_page, "ch02", "2.2"), (fruit_page, "ch03", "3.2")]:
        c, page = module.prepare(book_data, show_notes=False), Page(ch)
        for key in module.NUMERIC_TABLES:
            md, values = casestudy_page.numeric_table(page, c, key)
            assert values == {} and labels(md) == [f"{ch}-table-{key.replace('.', '-')}"]
            spec = table_json(md)
            assert spec["title"] == module.NUMERIC_TABLES[key]["title"]
            assert spec["source"] == f"book {book_ref(key)}, data/chapters/table_{key.replace('.', '_')}.csv"
            assert "Notes on the cells" not in md
        md, _ = casestudy_page.chart(page, c, chart)
        assert labels(md) == [f"{ch}-figure-{chart.replace('.', '-')}"] and escape.myst(module.CHARTS[chart][1]) in md
        assert (in_tmp / f"downloads/{ch}/{ch}-figure-{chart.replace('.', '-')}.png").exists()


def test_numeric_table_and_chart_write_their_downloads(ch5, in_tmp):
    page = Page("ch05")
    md, values = casestudy_page.numeric_table(page, ch5, "5.5")
    assert values == {} and labels(md) == ["ch05-table-5-5"] and md.startswith("Audit: ")
    spec = table_json(md)
    assert spec["columns"][0] == "Year" and len(spec["rows"]) == cells("5.5")["row"].nunique()
    assert "Notes on the cells" in md  # show_notes is on
    assert (in_tmp / "downloads/ch05/ch05-table-5-5.csv").exists()
    md, _ = casestudy_page.chart(page, ch5, "5.5")
    assert labels(md) == ["ch05-figure-5-5"]
    assert all((in_tmp / f"downloads/ch05/ch05-figure-5-5.{ext}").exists() for ext in ("png", "svg", "pdf"))


def test_chapter_4_label_tables_and_notes_switch(ch4, in_tmp):
    page = Page("ch04")
    md, _ = salmon_page.label_table(page, ch4, "4.2")
    assert labels(md) == ["ch04-table-4-2"] and table_json(md)["columns"][0] == "Dimension"
    assert not md.lstrip().startswith("Audit")  # no derived cells, no badge
    md, _ = salmon_page.table_4_4(page, ch4)
    assert "Audit: no derived cells" in md and "table_4_4_businesses.csv" in table_json(md)["source"]
    md, _ = casestudy_page.numeric_table(page, ch4, "4.3")
    assert "Notes on the cells" not in md  # show_notes=False
    assert table_json(md)["columns"][:2] == ["Subsystem", "Industry"]


def test_table_4_4_keeps_each_printed_header_once_per_block_not_a_column(ch4, in_tmp):
    md, _ = salmon_page.table_4_4(Page("ch04"), ch4)
    spec = table_json(md)
    raw = cells("4.4")
    printed_headers = list(dict.fromkeys(raw["column"]))
    assert len(printed_headers) == 2  # the two printed pages head the value column differently
    # no column of one repeated word per row: the headers are in the blocks' headings, each in full
    assert not any("printed" in c.lower() and "header" in c.lower() for c in spec["columns"])
    assert not any(h in str(cell) for row in spec["rows"] for cell in row for h in printed_headers)
    blocks = list(dict.fromkeys(spec["groups"]))
    assert len(blocks) == 2 and all(b.endswith(h) for b, h in zip(blocks, printed_headers))
    # each row sits under its own page's header; the values are shown as printed
    assert [next(h for h in printed_headers if g.endswith(h)) for g in spec["groups"]] == list(raw["column"])
    value = next(i for i, c in enumerate(spec["columns"]) if "US$" in c)
    assert [r[value] for r in spec["rows"]] == list(raw["printed"])
    download = pd.read_csv(in_tmp / "downloads/ch04" / spec["download"], dtype=str)
    assert list(download["column"]) == list(raw["column"])  # the download keeps the header on every row


def test_consistency_section_lists_the_chapters_checks(ch4, in_tmp):
    md, _ = casestudy_page.consistency(Page("ch04"), ch4)
    spec = table_json(md)
    assert labels(md) == ["ch04-consistency"] and len(spec["rows"]) == len(ch4.checks)
    assert spec["title"].startswith("Chapter 4: ")
    assert "analysis/audit/casestudies/ch4_salmon.py (consistency_ch4)" in spec["source"]


# ----------------------------------------------------------------- Chapter 9

@pytest.fixture(scope="module")
def ch9(book_data):
    return synthesis_page.prepare(book_data)


def test_table_9_1_values_from_the_printed_averages(ch9):
    v = synthesis_page.table_9_1_values(ch9)
    assert list(v) == ["n_ee_components", "n_ja_components", "n_91_mismatch", "sectors_91_phrase", "max_gap_91"]
    p = pd.read_csv(ROOT / "data/book/printed_values.csv", dtype={"table": str})
    t = p[p["table"] == "9.1"].pivot(index="row", columns="column", values="printed").astype(float)
    gap = (t["Collective Efficiency Index"] - 0.5 * t["External economies (EE)"] - 0.5 * t["Joint actions (JA)"]).abs()
    assert v["max_gap_91"] == pytest.approx(gap.max())
    assert v["n_ee_components"] + v["n_ja_components"] == 8  # the eight components of the CE index
    assert v["sectors_91_phrase"] == synthesis_page._sectors_phrase(v["n_91_mismatch"], len(t))


def test_sectors_phrase_counts_in_words():
    assert synthesis_page._sectors_phrase(4, 4) == "In all four sectors"
    assert synthesis_page._sectors_phrase(0, 4) == "In no sector"
    assert synthesis_page._sectors_phrase(3, 4) == "In 3 of the 4 sectors"


def test_upgrading_values_follow_the_books_arithmetic(ch9):
    v = synthesis_page.upgrading_values(ch9)
    assert list(v) == ["avg_func_94", "avail_func_94", "avg_inter_95"]
    cases = pd.read_csv(ROOT / "data/cases.csv")
    trad = cases.loc[cases["sector"] == "traditional", "upgrading_functional"]
    assert trad.isna().any()  # so the two averages differ
    assert v["avail_func_94"] == pytest.approx(trad.mean())
    assert v["avg_func_94"] == pytest.approx(trad.fillna(0).sum() / len(trad))  # N/A adds 0, still counts
    assert not math.isclose(v["avg_func_94"], v["avail_func_94"])


def test_table_9_1_identity_column_only_when_asked(ch9, in_tmp):
    page = Page("ch09")
    with_check, _ = synthesis_page.table_9_1(page, ch9, True)
    assert labels(with_check) == ["ch09-table-9-1"]
    assert table_json(with_check)["columns"][-1] == synthesis_page.IDENTITY
    without, _ = synthesis_page.table_9_1(page, ch9, False)
    assert synthesis_page.IDENTITY not in table_json(without)["columns"]


def test_upgrading_tables_and_escaped_notes(ch9, book_data, in_tmp):
    page = Page("ch09")
    sections = synthesis_page.upgrading_tables(page, ch9)
    assert [labels(md) for md, _ in sections] == [["ch09-table-9-4"], ["ch09-table-9-5"], ["ch09-table-9-6"]]
    assert all(md.startswith("Audit: ") for md, _ in sections)
    md, _ = synthesis_page.table_9_3_notes(ch9)
    notes = book_data.table_9_3_notes
    assert md.count("\n") + 1 == len(notes)
    assert all(escape.myst(n) in md for n in notes["note"])
    assert synthesis_page.extended_tables(page, ch9) == []  # no new cases: no extended block


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


@pytest.mark.parametrize("i", [0, 1, 2])
def test_upgrading_tables_one_precision_per_kind_of_quantity(ch9, in_tmp, i):
    """Scores, sums and totals to one decimal, averages to two, whatever else is in the column."""
    md, _ = synthesis_page.upgrading_tables(Page("ch09"), ch9)[i]
    spec = table_json(md)
    cols = spec["columns"]
    numeric = [j for j, c in enumerate(cols) if c.endswith("upgrading")]
    assert len(numeric) == 5
    cluster = cols.index("Cluster")
    text = lambda r: r["text"] if isinstance(r, dict) else r  # noqa: E731 (a cell linking to its case)
    seen = set()
    for row in spec["rows"]:
        want = 2 if text(row[cluster]) == "Average" else 1
        for j in numeric:
            if row[j] != "–":
                assert _decimals(row[j]) == want, (row[cluster], cols[j], row[j])
                seen.add(want)
    assert seen == {1, 2}
    assert "one decimal" in spec["note"] and "two decimals" in spec["note"]
    # the averages are the book's arithmetic on data/cases.csv (N/A adds nothing and still counts)
    table, _, sector, _ = synthesis_page.UPGRADING_TABLES[i]
    cases = pd.read_csv(ROOT / "data/cases.csv")
    rec = pd.read_csv(ROOT / "data/reconciliation.csv")
    ids = rec.loc[rec["table"].astype(str) == table, "case_id"]
    part = cases[cases["case_id"].isin(ids)]
    avg = next(r for r in spec["rows"] if text(r[cluster]) == "Average")
    product = cols.index("Product upgrading")
    assert float(avg[product]) == pytest.approx(part["upgrading_product"].fillna(0).sum() / len(part), abs=0.005)


def test_extended_tables_for_the_example_cases(book_data, in_tmp):
    p = synthesis_page.prepare(book_data, "cases/examples")
    assert len(p.new_cases)
    sections = synthesis_page.extended_tables(Page("ch09"), p)
    assert sections[0][0].startswith("### Extended with the new cases")
    sectors = set(p.new_cases["sector"])
    expected = [f"ch09-table-{t.replace('.', '-')}-extended" for t, _, s, _ in synthesis_page.UPGRADING_TABLES
                if s in sectors]
    assert [lab for md, _ in sections[1:-1] for lab in labels(md)] == expected
    assert labels(sections[-1][0]) == ["ch09-table-9-1-components"]


# ----------------------------------------------------------------- the audit page

@pytest.fixture(scope="module")
def audit(book_data):
    return audit_page.prepare(book_data)


def test_audit_values_add_up(audit):
    v = audit_page.glue_values(audit)
    for s in STATUSES:
        assert f"n_{s}" in v and f"n_before_{s}" in v and f"prose_{s}" in v
    assert sum(v[f"n_{s}"] for s in STATUSES) == v["n_rows"] == len(audit.audit)
    before = pd.read_csv(ROOT / "data/book/audit_before.csv")
    assert sum(v[f"n_before_{s}"] for s in STATUSES) == len(before)
    assert v["n_before_mismatch"] == (before["status"] == "mismatch").sum()
    errata = pd.read_csv(ROOT / "data/errata.csv")
    assert v["n_genuine"] == (errata["kind"] == "genuine").sum()
    assert v["n_genuine"] + v["n_slips"] == v["n_root_causes"]
    claims = pd.read_csv(ROOT / "data/book/structural_claims.csv")
    assert v["n_claims"] == len(claims) and 0 <= v["n_claims_fail"] < v["n_claims"]
    assert sum(v[f"prose_{s}"] for s in STATUSES) <= v["prose_statements"]


def test_strict_refuses_an_audit_that_breaks_the_standard(book_data):
    first = book_data.errata["root_cause"].iloc[0]

    class LessErrata:  # the book's data without its first erratum: its mismatches lose their root cause
        errata = book_data.errata[book_data.errata["root_cause"] != first]

        def __getattr__(self, name):
            return getattr(book_data, name)

    with pytest.raises(RuntimeError, match=f"unknown root cause '{first}'"):
        audit_page.prepare(LessErrata(), strict=True)
    shown = audit_page.prepare(LessErrata(), strict=False)  # not strict: shown all the same
    assert len(shown.errata) == len(book_data.errata) - 1


def test_audit_sections_name_their_tables(audit, in_tmp):
    page = Page("audit")
    md, _ = audit_page.audit_table(page, audit)
    spec = table_json(md)
    assert labels(md) == ["audit-audit"] and "book-table-interactive" in md
    assert spec["download"] == "audit.csv"
    assert len(spec["rows"]) == len(spec["row_ids"]) == len(audit.audit)
    chapters = sorted(audit.audit.loc[audit.audit["kind"] == "consistency", "chapter"].unique())
    sections = audit_page.consistency_tables(page, audit)
    assert [labels(md) for md, _ in sections] == [[f"audit-consistency-ch{int(c)}"] for c in chapters]
    assert all(md.startswith("Audit: ") for md, _ in sections)
    # rows and columns in words: no sector code or column name, no extraction markup
    from analysis.vocab import is_identifier
    cols = spec["columns"]
    keys = [r[cols.index(c)] for r in spec["rows"] for c in ("Row", "Column")]
    assert not [k for k in keys if isinstance(k, str) and any(is_identifier(p) for p in k.split(" · "))], \
        sorted({k for k in keys if isinstance(k, str) and any(is_identifier(p) for p in k.split(" · "))})[:5]
    prose = table_json(audit_page.prose_table(page, audit)[0])
    assert not any("<sup>" in str(c) for r in prose["rows"] for c in r)


# ----------------------------------------------------------------- prose that depends on the data
# (sector, cross-sector, extended, Chapter 1 and data-dictionary pages)

HOSTILE = "<script>alert(1)</script> *Shoes* [x](javascript:alert(1)) {sub}`y`"


@pytest.fixture(scope="module")
def samples(book_data):
    from analysis.io import extended as ext

    return ext.load_samples("cases/examples", book_data)


def test_sector_page_phrases_follow_what_the_book_scores(book_data):
    from analysis.report import sector_page

    scored = sector_page.Sector.of(book_data.cases, "traditional")
    software = sector_page.Sector.of(book_data.cases, "specialized_suppliers")
    v, w = scored.glue_values(book_data.printed), software.glue_values(book_data.printed)
    assert v["what_it_shows"].startswith("each case's degree") and "upgrading scores" in v["what_it_shows"]
    assert w["what_it_shows"].startswith("the cases and their value-chain governance")
    deg = book_data.cases.loc[book_data.cases["sector"] == "traditional", "ce_degree"].value_counts()
    md, values = sector_page.degree_sentence(v)
    assert values == {} and md == (f"By book Table 9.4, the degree of collective efficiency is low in {deg['low']} "
                                   f"clusters, medium in {deg['medium']} and high in {deg['high']}.")
    assert sector_page.degree_sentence(w)[0].startswith("The book publishes no per-case degree")
    # a degree no cluster has is said in words, not as "high in 0" (complex products)
    cop = sector_page.Sector.of(book_data.cases, "complex_products").glue_values(book_data.printed)
    deg = book_data.cases.loc[book_data.cases["sector"] == "complex_products", "ce_degree"].value_counts()
    assert deg["high"] == 0
    assert sector_page.degree_sentence(cop)[0] == (f"By book Table 9.6, the degree of collective efficiency is low in "
                                                   f"{deg['low']} clusters and medium in {deg['medium']}; "
                                                   "no cluster's is high.")
    assert sector_page.upgrading_section(None, software)[0].startswith("The book does not publish")


def test_sector_page_lists_escape_case_names(book_data, samples, in_tmp):
    from analysis.report import sector_page

    cases = book_data.cases.copy()
    first = cases.index[(cases["sector"] == "traditional") & cases["upgrading_functional"].isna()][0]
    cases.loc[first, "name"] = HOSTILE
    md, _ = sector_page.unpublished_list(sector_page.Sector.of(cases, "traditional"))
    assert md.startswith("- ") and escape.myst(HOSTILE) in md and "<script>" not in md
    published, extended, new = samples
    assert sector_page.extended_block(Page("x"), sector_page.Sector.of(published, "traditional"), published,
                                      published.iloc[0:0], book_data) == ("", {})
    new = new.assign(name=HOSTILE)
    sector = new["sector"].iloc[0]
    md, _ = sector_page.extended_block(Page(sector), sector_page.Sector.of(published, sector), extended, new, book_data)
    assert md.startswith("## Extended sample") and escape.myst(HOSTILE) in md and "<script>" not in md


def test_extended_page_values_links_and_comparison(samples, in_tmp):
    from analysis.report import extended_page

    published, extended, new = samples
    assert extended_page.glue_values(published, extended, new) == {
        "n_new": len(new), "n_published": len(published), "n_extended": len(published) + len(new)}
    md, _ = extended_page.case_page_links(new)
    assert md.splitlines()[2:] == [f"- {{doc}}`cases/{c}`" for c in new["case_id"]]
    assert extended_page.case_page_links(new.iloc[0:0]) == ("", {})
    assert extended_page.new_cases_table(Page("extended"), new.iloc[0:0], "")[0].startswith("This build adds no cases")
    assert labels(extended_page.new_cases_table(Page("extended"), new, "cases/examples")[0]) == ["extended-new-cases"]
    with pytest.raises(ValueError, match="not slugs"):
        extended_page.case_page_links(new.assign(case_id="x`} {raw}`<b>"))
    md, values = extended_page.comparison(Page("extended"), published, extended)
    assert labels(md) == ["extended-sector-comparison"]
    said = values["changed_summaries"]
    assert said.startswith("The new cases change the summaries of ") and said.endswith(".")
    assert set(said.removeprefix("The new cases change the summaries of ").rstrip(".").split(", ")) >= \
        set(new["sector"].map(SECTOR_LABELS))
    # the published edition's page: nothing to compare, said in words, no table
    md, values = extended_page.comparison(Page("extended"), published, published)
    assert md == "" and values["changed_summaries"].startswith("Without new cases")


def test_extended_page_offers_the_case_templates_as_downloads(in_tmp):
    from analysis.report import extended_page

    page = Page("extended")
    written = extended_page.templates(page)
    assert [Path(w).name for w in written] == ["extended-template.yaml", "extended-tavara-1993.yaml"]
    for w, rel in zip(written, extended_page.TEMPLATE_FILES):
        assert Path(w).read_bytes() == (ROOT / rel).read_bytes()
    # the page's Markdown links exactly these files (a missing one fails the strict Sphinx build too)
    text = (ROOT / "chapters/extended.md").read_text(encoding="utf-8")
    for w in written:
        assert f"<{w}>" in text


def test_cross_sector_values_and_extended_block(book_data, samples, in_tmp):
    from analysis.report import cross_sector_page

    p = pd.read_csv(ROOT / "data/book/printed_values.csv", dtype={"table": str})
    ce = p[(p["table"] == "9.1") & (p["column"] == "Collective Efficiency Index")].set_index("row")["printed"].astype(float)
    v = cross_sector_page.glue_values(book_data, book_data.cases)
    assert (v["ce_best"], v["ce_worst"]) == (SECTOR_LABELS[ce.idxmax()], SECTOR_LABELS[ce.idxmin()])
    cop = book_data.cases[book_data.cases["sector"] == "complex_products"]
    qh = cop["gov_quasi_hierarchy"].dropna()
    assert (v["n_cop"], v["qh_any_cop"], v["qh_global_cop"]) == (len(cop), (qh > 0).sum(), qh.isin([2, 3]).sum())
    published, extended, new = samples
    assert cross_sector_page.extended_block(Page("cross"), published, published, published.iloc[0:0]) == ("", {})
    md, _ = cross_sector_page.extended_block(Page("cross"), published, extended, new)
    assert md.startswith("## Published and extended samples") and labels(md) == ["cross-extended-comparison"]


def test_chapter_1_values_and_notes(book_data):
    from analysis.method import tables
    from analysis.report import caselist_page

    raw = pd.read_csv(ROOT / "data/book/table_1_2.csv", dtype=str)
    v = caselist_page.table_1_2_values(tables.table_1_2(book_data.table_1_2))
    assert v["n_field_rows"] == len(raw) and v["n_field_cases"] == len(raw) - 1  # mango and grape rows: one case
    cases = pd.read_csv(ROOT / "data/cases.csv")
    t13 = tables.table_1_3(book_data.cases, book_data.reconciliation)
    assert caselist_page.table_1_3_values(t13, book_data.cases) == {
        "n_t13": len(t13), "n_cases": int((cases["origin"] == "book").sum())}
    notes = pd.DataFrame({"marker": ["a", "*"], "note": ["plain", HOSTILE]})
    md, _ = caselist_page.table_1_2_notes(notes)
    assert md.splitlines() == ["- **a**: plain", f"- **{escape.myst('*')}**: {escape.myst(HOSTILE)}"]


def test_data_dictionary_values_follow_the_vocabulary(in_tmp):
    from analysis.io.schema import SCHEMAS
    from analysis.method.indices import DEFAULT_CE_CUTS, EE_COMPONENTS
    from analysis.report import dictionary_page
    from analysis.vocab import GOVERNANCE_CODES

    v = dictionary_page.glue_values()
    assert v["governance_codes"].count(";") == len(GOVERNANCE_CODES) - 1
    assert all(f"`{k}` {label}" in v["sector_codes"].data for k, label in SECTOR_LABELS.items())
    assert v["ee_columns"].data == ", ".join(f"`{c}`" for c in EE_COMPONENTS)
    assert (v["ce_cut_low"], v["ce_cut_high"]) == DEFAULT_CE_CUTS
    sections = dictionary_page.file_sections(Page("dictionary"), show_checks=False)
    assert [md for md, _ in sections[::2]] == [f"### `data/{name}`" for name in SCHEMAS]
    assert "Rule" not in table_json(sections[1][0])["columns"] and "rule" not in table_json(sections[1][0])["columns"]


def test_data_dictionary_gives_every_column_a_meaning_and_a_type_in_words(in_tmp):
    from analysis.io.schema import SCHEMAS
    from analysis.report import dictionary_page

    labels = pd.read_csv(ROOT / "data" / "labels.csv", dtype=str)
    type_words = set(labels.loc[(labels["kind"] == "category") & (labels["column"] == "data_type"), "label"])
    assert {"text", "whole number", "decimal number"} <= type_words
    sections = dictionary_page.file_sections(Page("dictionary"), show_checks=True)
    n = 0
    for md, _ in sections[1::2]:
        spec = table_json(md)
        cols = [c.lower() for c in spec["columns"]]
        for r in spec["rows"]:
            row = dict(zip(cols, r))
            assert row["meaning"].strip(), (spec["title"], row["column"])
            assert row["type"] in type_words, (spec["title"], row["column"], row["type"])
            n += 1
    assert n == sum(len(s.columns) for s in SCHEMAS.values())


@pytest.mark.parametrize("dtype, code", [
    (pd.StringDtype("pyarrow"), "text"), (pd.StringDtype("python"), "text"), ("object", "text"), ("str", "text"),
    ("Int64", "whole_number"), ("int64", "whole_number"), ("float64", "decimal_number"),
    ("Float64", "decimal_number"), ("bool", "yes_no"), ("boolean", "yes_no"),
    ("datetime64[ns]", "date"), (pd.CategoricalDtype(["a"]), "category")])
def test_storage_types_map_to_one_kind_of_value(dtype, code):
    from analysis import vocab

    assert vocab.data_type(dtype) == code
    labels = pd.read_csv(ROOT / "data" / "labels.csv", dtype=str)
    want = labels.loc[(labels["column"] == "data_type") & (labels["code"] == code), "label"]
    assert len(want) == 1 and vocab.type_label(dtype) == want.iloc[0]  # the label of data/labels.csv


def test_reconciliation_view_cites_pages_and_names_cases(book_data):
    from analysis.report import caselinks, caselist_page

    shown, rows = caselist_page.reconciliation_view(book_data.reconciliation, book_data.cases, show_all=False)
    assert list(shown.columns) == ["Book table", "Printed as", "Case", "Decision", "Evidence"]
    assert shown["Book table"].str.fullmatch(r"Table \d+\.\d+, p\. \d+").all()
    assert rows["evidence"].notna().all() and len(rows) == len(shown) and "line" in rows  # the download keeps it
    names = dict(zip(book_data.cases["case_id"], book_data.cases["name"]))
    assert list(shown["Case"]) == [names[c] for c in rows["case_id"]]
    linked = caselinks.link_rows(shown, rows)  # what Page.table does: the name links to the case page
    assert all(cell["doc"] == f"/chapters/cases/{c}" for cell, c in zip(linked["Case"], rows["case_id"]))
    every, _ = caselist_page.reconciliation_view(book_data.reconciliation, book_data.cases, show_all=True)
    assert len(every) == len(book_data.reconciliation)
