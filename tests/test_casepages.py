"""Case pages (analysis/book/casepages.py) and links from table rows (analysis/report/caselinks.py).

The fast tests render the pages without Sphinx and read the MyST and table JSON they
wrote; the slow ones read the built book (``site`` / ``two_books`` fixtures).
"""
import json
import re

import pandas as pd
import pytest

from analysis.report.present import Page

from analysis.book import casepages
from analysis.paths import ROOT
from analysis.report import caselinks


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("cases")
    info = casepages.write_case_pages(out, "cases/examples", log=lambda m: None)
    return out / "chapters" / "cases", info


def _table(folder, case_id, name):
    stem = Page(f"case-{case_id}").file_name(name)  # downloads carry the page's prefix
    return json.loads((folder / "downloads" / f"case-{case_id}" / f"{stem}.table.json").read_text(encoding="utf-8"))


def test_every_published_and_new_case_has_a_page(pages):
    folder, info = pages
    published = pd.read_csv(ROOT / "data" / "cases.csv", dtype=str)
    expected = set(published["case_id"]) | {"footwear-el-porvenir", "industrial-park-villa-el-salvador"}
    assert {p.stem for p in folder.glob("*.md")} == expected | {"index"}
    assert info["pages"] == len(expected)


def test_published_case_page_content(pages):
    folder, _ = pages
    md = (folder / "textile-itaji.md").read_text(encoding="utf-8")
    # an orphan page (not in the toc: the case index links it) with a stable label from the case id
    assert md.startswith("---\norphan: true\n---\n\n(case-textile-itaji)=\n# ")
    for heading in ("Scores against the sector", "Value chains", "Sources", "Where the book shows this case",
                    "Table 9.3 and regression context", "Policy priorities"):
        assert f"## {heading}" in md
    # its source, linked to the bibliography through the key of data/case_references.csv
    refs = pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str)
    key = refs.loc[refs["case_id"] == "textile-itaji", "bibkey"].iloc[0]
    assert f"{{cite:p}}`{key}`" in md
    # every table it appears in, with printed pages, and the name variants of the reconciliation
    rec = pd.read_csv(ROOT / "data" / "reconciliation.csv", dtype=str)
    tables = _table(folder, "textile-itaji", "book_tables")
    shown = [r[0] for r in tables["rows"]]
    assert len(shown) == (rec["case_id"] == "textile-itaji").sum()
    assert all(re.match(r"^Table \d+\.\d+, p\. \d+$", s) for s in shown), shown
    assert "Name variants printed in the book" in md
    # scores against the sector: the case's own printed scores
    row = pd.read_csv(ROOT / "data" / "cases.csv", dtype=str).set_index("case_id").loc["textile-itaji"]
    scores = _table(folder, "textile-itaji", "scores")
    assert scores["rows"][0][1] == row["upgrading_product"]
    # the policy menu aims at the weakest points
    assert _table(folder, "textile-itaji", "policy_menu")["rows"]
    # readers get printed pages, not lines of our text extraction (the downloads keep them)
    for name in ("book_tables", "policy_menu"):
        assert not [c for c in _table(folder, "textile-itaji", name)["columns"] if "line" in c.lower()], name
    png = folder / "downloads" / "case-textile-itaji" / "against_sector.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (png.with_suffix(".pdf")).exists()  # heavy formats only on demand


def test_new_case_page_shares_the_template_and_adds_justifications(pages):
    folder, _ = pages
    md = (folder / "footwear-el-porvenir.md").read_text(encoding="utf-8")
    assert md.startswith("---\norphan: true\n---\n\n(case-footwear-el-porvenir)=\n# ")
    for heading in ("Scores against the sector", "Value chains", "Scores and their justifications",
                    "Collective efficiency", "Sources", "Policy priorities"):
        assert f"## {heading}" in md
    assert "not coded by the book's authors" in md
    assert _table(folder, "footwear-el-porvenir", "justifications")["rows"]


def test_index_links_every_case_and_loads_the_local_filter(pages):
    folder, info = pages
    docs = []
    for name in ("published_cases", "new_cases"):
        stem = Page("case-index").file_name(name)
        spec = json.loads((folder / "downloads" / "case-index" / f"{stem}.table.json").read_text(encoding="utf-8"))
        docs += [r[0]["doc"] for r in spec["rows"]]
    assert docs == [f"/chapters/cases/{i}" for i in info["ids"]]
    md = (folder / "index.md").read_text(encoding="utf-8")
    assert '<div id="case-filters"' in md
    csv = (folder / "downloads" / "case-index" / f"{Page('case-index').file_name('published_cases')}.csv").read_text(encoding="utf-8")
    assert "{'text'" not in csv and "doc" not in csv.splitlines()[0]  # the download keeps plain text
    js = (ROOT / "_static" / "case_index.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "http" not in js


def test_index_has_a_sortable_bibliography_by_case(pages):
    folder, _ = pages
    refs = pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str)
    stem = Page("case-index").file_name("sources_by_case")
    spec = json.loads((folder / "downloads" / "case-index" / f"{stem}.table.json").read_text(encoding="utf-8"))
    assert spec["columns"] == ["Case", "Sector", "Country", "Source (as printed)", "BibTeX key"]
    # one row per (case, work) pair of data/case_references.csv, each case linked to its page
    pairs = {(r[0]["doc"].rsplit("/", 1)[1], r[4]) for r in spec["rows"]}
    assert len(spec["rows"]) == len(refs) and pairs == set(zip(refs["case_id"], refs["bibkey"]))
    assert all(r[3]["doc"] == "/bibliography" for r in spec["rows"])
    md = (folder / "index.md").read_text(encoding="utf-8")
    assert "(sources-by-case)=" in md and ":class: book-table book-table-interactive" in md.split("(sources-by-case)=")[1]
    csv = pd.read_csv(folder / "downloads" / "case-index" / f"{stem}.csv", dtype=str)
    assert list(csv["BibTeX key"]) == [r[4] for r in spec["rows"]]  # the download holds plain text


def test_case_text_goes_through_escape():
    """A hostile name is backslash-escaped in the MyST heading (analysis.escape.myst)."""
    from analysis import escape

    evil = "{{ env.srcdir }} <img src=x onerror=alert(1)> $x$"
    assert casepages.escape.myst is escape.myst
    assert "{{" not in escape.myst(evil)


def test_rerun_renders_nothing_and_changes_no_file(tmp_path):
    cache = tmp_path / "cache"
    first = casepages.write_case_pages(tmp_path / "a", cache_dir=cache, log=lambda m: None)
    page = tmp_path / "a" / "chapters" / "cases" / "textile-itaji.md"
    mtime = page.stat().st_mtime_ns
    second = casepages.write_case_pages(tmp_path / "a", cache_dir=cache, log=lambda m: None)
    assert first["rendered"] == first["pages"] and second["rendered"] == 0
    assert second["changed_files"] == 0 and page.stat().st_mtime_ns == mtime


def test_a_new_case_page_is_rendered_again_when_the_other_cases_change_its_regression_use(tmp_path, monkeypatch):
    """The page cache is keyed by the case's own row and by what the other cases decide for
    it: which models of the extended sample use it. Another case can change that (a newly
    scored sector adds a regressor) without touching this case's row."""
    cache = tmp_path / "cache"
    first = casepages.write_case_pages(tmp_path / "a", "cases/examples", cache_dir=cache, log=lambda m: None)
    real = casepages.regression_use

    def changed(sample):
        use = real(sample)
        if "footwear-el-porvenir" in use:
            use["footwear-el-porvenir"] = dict(use["footwear-el-porvenir"], used=[], why="(changed)")
        return use

    casepages._BASE.clear()
    monkeypatch.setattr(casepages, "regression_use", changed)
    second = casepages.write_case_pages(tmp_path / "a", "cases/examples", cache_dir=cache, log=lambda m: None)
    assert first["rendered"] == first["pages"]
    # only the page whose regression use changed is rendered again
    assert second["rendered"] == 1
    casepages._BASE.clear()


def test_link_rows_links_the_case_column_only():
    data = pd.DataFrame({"case_id": ["textile-itaji", "bad id!"], "name": ["A", "B"], "x": [1, 2]})
    shown = caselinks.link_rows(data.copy(), data)
    assert shown.loc[0, "case_id"] == {"text": "textile-itaji", "doc": "/chapters/cases/textile-itaji"}
    assert shown.loc[1, "case_id"] == "bad id!"  # not a slug: no link
    named = caselinks.link_rows(data[["name", "x"]], data)
    assert named.loc[0, "name"]["doc"] == "/chapters/cases/textile-itaji"
    assert caselinks.link_rows(data[["x"]], data).equals(data[["x"]])  # no case column: unchanged
    assert caselinks.link_rows(data[["name"]].iloc[:1], data).loc[0, "name"] == "A"  # rows not aligned


def test_site_case_pages_and_row_links(site):
    page = (site / "chapters" / "cases" / "textile-itaji.html").read_text(encoding="utf-8")
    assert 'id="case-textile-itaji"' in page
    assert "bibliography.html#" in page  # the source links to its bibliography entry
    index = (site / "chapters" / "cases" / "index.html").read_text(encoding="utf-8")
    assert 'id="case-index-published-cases"' in index
    assert index.count('href="textile-itaji.html"') >= 1
    # a table row that names a case on another page links to the case page
    linked = [p for p in (site / "chapters").rglob("*.html")
              if "cases/" not in p.as_posix() and 'href="cases/textile-itaji.html"' in p.read_text(encoding="utf-8")]
    assert linked, "no chapter table links to a case page"
    assert "case_index.js" in index  # the filter script, served from the site
    # the sidebar lists chapters, not the 40 case pages
    assert page.count("apparel-torreon.html") <= 1


def test_ce_degrees_of_the_sector_are_listed_low_to_high(book_data):
    """The sector's degrees in their own order (low, medium, high), counted from the data."""
    cases = book_data.cases
    sector = cases[cases["sector"] == "traditional"]
    case = sector.iloc[0]
    row = casepages._scores_table(case, sector).set_index("Item").loc["Collective-efficiency degree"]
    counts = sector["ce_degree"].value_counts()
    assert row["Sector range"] == ", ".join(f"{d}: {counts[d]}" for d in ("low", "medium", "high") if d in counts)
    assert row["Cases scored"] == str(int(sector["ce_degree"].notna().sum()))


def test_a_case_without_scores_gets_no_empty_figure(pages):
    """The software cases have no published upgrading score: a sentence says so, no figure."""
    folder, _ = pages
    md = (folder / "software-monterrey.md").read_text(encoding="utf-8")
    assert "no upgrading score for this case" in md and "```{figure}" not in md
    assert not (folder / "downloads" / "case-software-monterrey" / "against_sector.png").exists()
    scored = (folder / "textile-itaji.md").read_text(encoding="utf-8")
    assert "```{figure}" in scored


# ---------------------------------------------------------------- reviewer's items (issue: case pages)

def _section(md, heading, end="\n## "):
    """The text of a page's section, from its heading to the next one."""
    part = md.split(f"## {heading}", 1)[1]
    return part.split(end, 1)[0]


def _regression_sentence(folder, case_id):
    return _section((folder / f"{case_id}.md").read_text(encoding="utf-8"), "Table 9.3 and regression context")


def test_regression_context_follows_the_models_own_rule(pages):
    """Which of the five outcome models use the case, by listwise deletion over each model's
    variables (the regression page's rule), with the regression page's plain-words reasons."""
    folder, _ = pages
    # no global quasi-hierarchy code: in none of the models, although it has a CE degree and scores
    text = _regression_sentence(folder, "footwear-campina-grande")
    assert "left out of all five outcome models" in text and "quasi-hierarchy governance code unknown" in text
    assert "is used in" not in text and "in the sample" not in text
    # functional score N/A: in product, process and intersectoral, not in functional and sum
    text = _regression_sentence(folder, "garment-bucaramanga")
    assert "used in the product, process and intersectoral models" in text
    assert "left out of the functional and sum models" in text
    assert "functional upgrading score not available" in text and "not in the regression sample" not in text
    # a fully scored case: in all five
    text = _regression_sentence(folder, "textile-itaji")
    assert "used in all five outcome models (product, process, functional, intersectoral, sum)" in text
    # the software cases: no CE degree, no score
    text = _regression_sentence(folder, "software-monterrey")
    assert "left out of all five" in text and "no per-case upgrading scores at all" in text


def test_regression_context_agrees_with_the_regression_pages_rule(book_data):
    """regression_use against an independent per-case check over the models' variables."""
    from analysis.report import regression_pages as rp
    from analysis.stats import models

    use = casepages.regression_use(book_data.cases)
    frame = rp.analysis_frame(book_data.cases)
    regs = rp.page_regressors(frame, list(models.OUTCOMES))
    for _, row in frame.iterrows():
        expected = [o for o, col in models.OUTCOMES.items() if row[[col, *regs]].notna().all()]
        assert use[row["case_id"]]["used"] == expected, row["case_id"]
    assert use["garment-bucaramanga"]["left_out"] == ["functional", "sum"]
    assert use["footwear-campina-grande"]["used"] == []


def test_new_case_regression_context_uses_the_extended_sample(pages):
    folder, _ = pages
    text = _regression_sentence(folder, "footwear-el-porvenir")
    assert "extended-sample models" in text and "left out of all five" in text
    assert "quasi-hierarchy governance code unknown" in text
    # a new case with everything the models need is used in them (same rule, extended sample)
    from analysis.io import extended as ext
    from analysis.io.data import load_book_data

    data = load_book_data()
    _, extended, _ = ext.load_samples("cases/examples", data)
    full = extended[extended["case_id"] == "textile-itaji"].assign(case_id="new-full", origin="new")
    use = casepages.regression_use(pd.concat([extended, full], ignore_index=True))
    assert use["new-full"]["used"] == ["product", "process", "functional", "intersectoral", "sum"]
    assert "extended-sample models" in casepages.regression_text(use["new-full"], is_new=True)


def _words(text):
    return [w.strip(".,;:()[]'\"\\") for w in re.split(r"\s+", text)]


def test_policy_section_shows_labels_not_identifiers(pages):
    """No snake_case identifier in any sentence or cell of the policy section, no code style."""
    from analysis.vocab import is_identifier

    folder, _ = pages
    ids = list(pd.read_csv(ROOT / "data" / "cases.csv", dtype=str)["case_id"]) + ["footwear-el-porvenir"]
    for cid in ids:
        md = (folder / f"{cid}.md").read_text(encoding="utf-8")
        section = _section(md, "Policy priorities", end="[All cases]")
        prose = "\n".join(line for line in section.splitlines() if not line.startswith(("```", ":")))
        assert "`" not in prose, (cid, prose)
        assert not [w for w in _words(prose) if is_identifier(w)], (cid, prose)
        menu = _table(folder, cid, "policy_menu")
        for row in menu["rows"]:
            for cell in row:
                bad = [w for w in _words(str(cell)) if is_identifier(w)]
                assert not bad, (cid, cell)
    # the reviewer's examples
    menu = _table(folder, "aeronautics-sjc-sao-paulo", "policy_menu")
    assert all("complex_products" not in str(c) for r in menu["rows"] for c in r)
    targets = {r[2]: r[3] for r in _table(folder, "footwear-campina-grande", "policy_menu")["rows"]}
    assert targets["Promote access to new markets and value chains"] == "EE: market access; Functional upgrading"


def test_weak_points_are_measured_against_the_sector(pages):
    """Salmon is at or above its sector's mean on every type (functional and intersectoral 2, the
    top of the sector): no weak point, no Table 10.1 action; the rule is stated on the page."""
    folder, _ = pages
    for cid in ("salmon-region-austral", "sugar-valle-del-cauca"):
        section = _section((folder / f"{cid}.md").read_text(encoding="utf-8"), "Policy priorities",
                           end="[All cases]")
        assert casepages.WEAK_RULE in section
        assert "at or above its sector" in section and "Weak point" not in section
        menu = _table(folder, cid, "policy_menu")
        assert [r[0] for r in menu["rows"]] == ["Table 10.2, p. 317"] * len(menu["rows"]) and menu["rows"]
    # a case below its sector's mean: the item furthest below it, with both numbers
    section = _section((folder / "footwear-campina-grande.md").read_text(encoding="utf-8"), "Policy priorities",
                       end="[All cases]")
    assert "Weak point\\: Functional upgrading \\(scored 0 against a sector mean of 0\\.75\\)" in section


def test_weak_points_rule():
    from analysis.method import policy

    means = {"upgrading_product": 2.64, "upgrading_process": 2.55, "upgrading_functional": 0.55,
             "upgrading_intersectoral": 0.36}
    salmon = {"sector": "natural_resource", "upgrading_product": 3, "upgrading_process": 3,
              "upgrading_functional": 2, "upgrading_intersectoral": 2}
    assert policy.weak_points(salmon, means) == []  # but above the sector everywhere
    low = dict(salmon, upgrading_product=2, upgrading_process=1.5, upgrading_functional=0)
    assert policy.weak_points(low, means) == ["upgrading_process"]  # 1.05 below, the furthest
    tie = dict(salmon, upgrading_product=2.14, upgrading_process=2.05)
    assert policy.weak_points(tie, means) == ["upgrading_product", "upgrading_process"]
    # unknown is not weak; an item without a sector mean (CE components) is not compared
    assert policy.weak_points({"upgrading_product": float("nan"), "ee_information": 0}, means) == []


def test_software_pages_have_no_empty_scores_table(pages):
    """A case whose sector has no score at all gets no table of dashes (and so no citation entry
    for it: the citation page lists the registered tables of the manifest)."""
    folder, _ = pages
    for cid in ("software-joinville", "software-df", "software-guadalajara", "software-aguascalientes",
                "software-monterrey"):
        md = (folder / f"{cid}.md").read_text(encoding="utf-8")
        scores = _section(md, "Scores against the sector")
        assert "literal-table" not in scores and "no upgrading score for this case" in scores
        assert "9.4–9.6" not in md
        d = folder / "downloads" / f"case-{cid}"
        assert not list(d.glob("*-scores.*"))
        labels = [i["label"] for i in json.loads((d / "manifest.json").read_text(encoding="utf-8"))["items"]]
        assert f"case-{cid}-scores" not in labels and f"case-{cid}-chains" in labels
    # the other pages keep the table, sourced to their sector's own book table
    scores = _table(folder, "salmon-region-austral", "scores")
    assert scores["source"].startswith("book Table 9.5, p. ")


def test_sources_group_the_works_of_one_printed_label(pages):
    folder, _ = pages
    md = (folder / "copper-cuajone-toquepala.md").read_text(encoding="utf-8")
    bullets = [line for line in _section(md, "Sources").splitlines() if line.startswith("- ")]
    assert bullets == ["- Torres\\-Zorrilla \\(2000\\, 2001\\) "
                       "{cite:p}`torreszorrilla2000estrategia,torreszorrilla2001complejo`"]
    refs = pd.read_csv(ROOT / "data" / "case_references.csv", dtype=str, keep_default_na=False)
    for cid, part in refs.groupby("case_id", sort=False):
        md = (folder / f"{cid}.md").read_text(encoding="utf-8")
        bullets = [line for line in _section(md, "Sources").splitlines() if line.startswith("- ")]
        assert len(bullets) == part["as_printed"].nunique(), cid
        for printed, keys in part.groupby("as_printed", sort=False)["bibkey"]:
            assert any(f"{{cite:p}}`{','.join(keys)}`" in b for b in bullets), (cid, printed)


def test_index_upgrading_sum_only_when_all_four_types_are_scored(pages):
    folder, _ = pages
    stem = Page("case-index").file_name("published_cases")
    spec = json.loads((folder / "downloads" / "case-index" / f"{stem}.table.json").read_text(encoding="utf-8"))
    col = spec["columns"].index("Upgrading (sum of 4 types)")  # the header the filter script reads
    cells = {r[0]["doc"].rsplit("/", 1)[1]: r[col] for r in spec["rows"]}
    assert cells["garment-bucaramanga"] == "3 (functional N/A)"
    assert cells["textile-itaji"] == "7" and cells["software-monterrey"] == "–"
    # every cell starts with its number (or is a dash), so the filter still orders its options by value
    assert all(re.match(r"^(\d+(\.\d+)?( \(.+ N/A\))?|–)$", c) for c in cells.values()), cells
    assert "only when all four are scored" in (folder / "index.md").read_text(encoding="utf-8")
    js = (ROOT / "_static" / "case_index.js").read_text(encoding="utf-8")
    assert '"Upgrading (sum of 4 types)"' in js


def test_sources_are_grouped_in_the_order_of_the_references_file():
    """One entry per printed label, labels and keys in file order (the label is escaped when shown)."""
    refs = pd.DataFrame({"case_id": ["x", "x", "x"], "bibkey": ["a1", "a2", "b1"],
                         "as_printed": ["{{ evil }} (2000, 2001)", "{{ evil }} (2000, 2001)", "Other (1999)"]})
    assert casepages._group_sources(refs) == [("{{ evil }} (2000, 2001)", ["a1", "a2"]), ("Other (1999)", ["b1"])]


def test_means_note_quotes_the_book_and_the_data(book_data):
    """The note under each case's scores table quotes Table 9.4's printed functional average
    and the mean of the scored cases; both must be what the data say."""
    printed = pd.read_csv(ROOT / "data" / "book" / "printed_values.csv", dtype=str)
    p = printed[(printed["table"] == "9.4") & (printed["row"] == "Average") & (printed["column"] == "Functional upgrading")]
    trad = book_data.cases[book_data.cases["sector"] == "traditional"]
    scored_mean = pd.to_numeric(trad["upgrading_functional"], errors="coerce").mean()
    assert f"prints {p['printed'].iloc[0]} " in casepages.MEANS_NOTE
    assert f"is {scored_mean:.2f} " in casepages.MEANS_NOTE
    md = (ROOT / "chapters" / "cross_sector.md").read_text(encoding="utf-8")
    assert f"prints {p['printed'].iloc[0]} for traditional functional upgrading, {scored_mean:.2f} here" in md


def test_in_words_names_cases_and_columns():
    names = {"footwear-leon": "Footwear, León", "footwear-sinos-valley": "Footwear, Sinos Valley"}
    got = caselinks.in_words("high: footwear-leon, footwear-sinos-valley; upgrading_process 2.67, x-ray", names)
    assert got == "high: Footwear, León; Footwear, Sinos Valley; Process upgrading 2.67, x-ray"
    assert caselinks.in_words(None, names) is None
