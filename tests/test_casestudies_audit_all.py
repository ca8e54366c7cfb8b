"""The case-study loader, the combined audit and the page helpers.

Expected values are counted or computed by hand from the data files and the
book (comments give the arithmetic); the CSV files are re-read here with the
csv module, independently of the loader under test.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from audit_support import audited
from analysis.audit.book_audit import audit_problems, book_audit
from analysis.audit.casestudies import audit_all, ch8_trade
from analysis.report import casestudy_display as display
from analysis.report import trade_display as trade_show
from analysis.io.chapter_tables import TEXT_CLAIMS, TEXT_VERDICTS, load_chapter_tables, table_key
from analysis.io.trade_series import load_user_series, resolve_project_path
from analysis.io.data import load_book_data

from analysis.paths import ROOT  # noqa: E402
CHAPTERS = ROOT / "data" / "chapters"


def _derived_cells_by_hand() -> set[tuple[str, str, str]]:
    """(table, row, column) of every cell marked derived in a cells file, read with the csv module."""
    out = set()
    for path in sorted(CHAPTERS.glob("table_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows or "kind" not in rows[0]:
            continue  # qualitative table
        table = path.stem.removeprefix("table_").replace("_", ".")
        out |= {(table, r["row"], r["column"]) for r in rows if r["kind"] == "derived"}
    return out


@pytest.fixture(scope="module")
def tables():
    return load_chapter_tables()


@pytest.fixture(scope="module")
def audit(tables):
    return audit_all.casestudy_audit(tables, load_book_data().table_1_2)


# ---------------------------------------------------------------- loader
def test_loader_reads_every_table_file(tables):
    files = sorted(p.name for p in CHAPTERS.glob("table_*.csv"))
    assert len(files) == 19
    assert set(tables) == {table_key(Path(f)) for f in files} | {TEXT_VERDICTS, TEXT_CLAIMS}
    assert {"4.2", "4.4 businesses", "4.5", "4.6"} <= set(tables)
    assert len(tables["4.5"]) == 9 and len(tables[TEXT_VERDICTS]) == 39
    # cells files keep the printed text: lower bounds and a fraction without leading zero
    t31, t55 = tables["3.1"], tables["5.5"]
    assert set(t31.loc[t31["row"] == "Number of growers", "printed"]) == {"700", "150+", "400+", "100+"}
    assert (t55.loc[t55["column"] == "Exports/sales", "printed"] == ".9801").sum() == 1


def test_table_key():
    assert table_key(Path("table_4_4_businesses.csv")) == "4.4 businesses"
    assert table_key(Path("table_5_2.csv")) == "5.2"
    with pytest.raises(ValueError):
        table_key(Path("table_x.csv"))


def test_invalid_files_are_named(tmp_path):
    for p in CHAPTERS.glob("*.csv"):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    bad = tmp_path / "table_4_6.csv"
    bad.write_text(bad.read_text(encoding="utf-8").replace("Process upgrading", "Proces upgrading", 1),
                   encoding="utf-8")
    with pytest.raises(ValueError, match="table_4_6.csv"):
        load_chapter_tables(tmp_path)
    (tmp_path / "table_4_6.csv").write_bytes((CHAPTERS / "table_4_6.csv").read_bytes())
    cells = tmp_path / "table_8_3.csv"
    cells.write_text(cells.read_text(encoding="utf-8").replace(",derived,", ",derivd,", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="table_8_3.csv"):
        load_chapter_tables(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_chapter_tables(tmp_path / "nothing")


def test_user_series_must_stay_in_the_project(tmp_path):
    assert len(load_user_series("data/examples/trade_series_example.csv")) > 0
    for bad in ("../outside.csv", "data/../../outside.csv", "/etc/hosts"):
        with pytest.raises(ValueError, match="project|relative"):
            resolve_project_path(bad)
    with pytest.raises(FileNotFoundError):
        resolve_project_path("data/examples/no_such_file.csv")


# ---------------------------------------------------------------- coverage
def test_every_derived_cell_appears_exactly_once(audit):
    derived = audit[audit["kind"] == "derived cell"]
    keys = list(zip(derived["table"], derived["row"], derived["column"]))
    assert len(keys) == len(set(keys))
    assert set(keys) == _derived_cells_by_hand()
    # 3.1: 8, 3.2: 20, 4.1: 6, 4.3: 18, 5.1: 41, 5.2: 69, 5.3: 35, 5.4: 14, 5.5: 20, 8.3: 20
    assert len(keys) == 251


def test_counts_by_kind_and_chapter(audit):
    checks = audit[audit["kind"] == "consistency"]
    # ch2: 3 text + 1 Table 1.2 + 2 table-vs-table; ch3: 19 vs 1.2 + 17 vs text (3.1) + 11 vs text (3.2);
    # ch4: 4 + 12 + 5 + 4 + 2; ch5: 11 + 6 + 8 + 3 + 14 + 9 (5.1, 5.2 with the Subtotal row's change
    # against its own levels, 5.3, 5.4, 5.5, 1.2); ch8: the CVRD pellet share. Chapter 5's three checks
    # of the prose against its own arithmetic (parts of 319 establishments, sales per worker, shop
    # employment) are expression claims of data/book/text_claims.csv, not rows of the chapter audit.
    assert checks.groupby("chapter").size().to_dict() == {2: 6, 3: 47, 4: 27, 5: 51, 8: 1}
    # derived cells judged by the one rounding rule: the seven Table 5.2 cells of E05 and 5.5's leverage
    mism = audit[(audit["status"] == "mismatch") & (audit["kind"] == "derived cell")]
    assert len(mism) == 8 and set(mism["table"]) == {"5.2", "5.5"}
    assert set(audit["kind"]) == set(audit_all.KINDS)
    assert list(audit.columns) == audit_all.COLUMNS


def test_keys_are_unique_and_lines_known(audit):
    assert not audit.duplicated(["table", "row", "column"]).any()
    derived = audit[audit["kind"] == "derived cell"]
    assert derived["line"].notna().all()
    assert audit["line"].notna().all()
    row = audit.set_index(["table", "row", "column"]).loc[("5.4 vs text", "1999", "Number of employees")]
    assert row["line"] == 2037 and row["printed"] == "5,357" and row["computed"] == 5255.0
    sam = audit.set_index(["table", "row", "column"]).loc[("8.3", "Samitri", "Market share")]
    assert sam["line"] == 2961   # source line of the Samitri row


def test_hand_computed_rows(audit):
    a = audit.set_index(["table", "row", "column"])
    # 69+222+128+48+142+80+572+94+24+24 = 1,403 against the printed 1,480
    sub = a.loc[("5.2", "Subtotal", "1992 | Exports to the U.S. (US$ millions)")]
    assert sub["computed"] == 1403 and sub["status"] == "mismatch"
    # 7.16 / (16.93 - 7.16) = 0.73286, printed 0.730
    lev = a.loc[("5.5", "1998", "Leverage (liabilities/equity)")]
    assert lev["computed"] == pytest.approx(7.16 / 9.77, abs=1e-6) and lev["status"] == "mismatch"
    # Table 3.1 prints 150+ growers, Table 1.2 330 firms: the bound holds
    assert a.loc[("3.1 vs 1.2", "Number of growers", "Petrolina-Juazeiro | Mangoes"), "status"] == "match"
    # 400+ against 250 firms does not
    assert a.loc[("3.1 vs 1.2", "Number of growers", "Petrolina-Juazeiro | Grapes"), "status"] == "mismatch"


def test_table_without_audit_function_refuses_derived_cells(tables):
    t = dict(tables)
    bad = tables["8.2"].copy()
    bad.loc[bad.index[1], "kind"] = "derived"
    t["8.2"] = bad
    with pytest.raises(ValueError, match="8.2"):
        audit_all.derived_cell_audit(t)


# ---------------------------------------------------------------- through book_audit and the errata
def test_book_audit_explains_every_mismatch(book_data):
    a = audited(book_data)
    assert audit_problems(a, book_data.errata) == []
    assert set(book_data.errata["kind"]) == {"genuine", "rounding_slip"}
    # every mismatch points at one of the listed root causes
    assert set(a.loc[a.status == "mismatch", "root_cause"]) == set(book_data.errata["root_cause"])


def test_corrupted_input_becomes_an_unexplained_mismatch(data_copy):
    p = data_copy / "chapters" / "table_8_3.csv"
    text = p.read_text(encoding="utf-8")
    assert text.count("CVRD,Processed,77.3,") == 1
    p.write_text(text.replace("CVRD,Processed,77.3,", "CVRD,Processed,70.3,"), encoding="utf-8")
    d = load_book_data(data_copy)
    bad = audit_problems(book_audit(d), d.errata)
    # 70.3 + 22.5 = 92.8 against the printed 99.8; the column total 149.1 against 156.1
    assert {"mismatch without a root cause: 8.3 / CVRD / Total",
            "mismatch without a root cause: 8.3 / Total / Processed"} <= set(bad)


def test_corrected_input_leaves_a_stale_erratum(data_copy):
    # with 24 instead of 22.7 for 2000 exports, Tables 2.1 and 2.2 agree and the erratum is stale
    p = data_copy / "chapters" / "table_2_2.csv"
    rows = list(csv.DictReader(p.open(encoding="utf-8", newline="")))
    hit = [r for r in rows if r["row"] == "Export (US$ millions)" and r["column"] == "2000"]
    assert len(hit) == 1 and hit[0]["printed"] == "22.7"
    hit[0]["printed"] = "24"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    d = load_book_data(data_copy)
    assert audit_problems(book_audit(d), d.errata) == ["erratum E07 is not the root cause of any mismatch"]


# ---------------------------------------------------------------- page helpers
def test_rebuilt_table_uses_computed_values(tables, audit):
    rows = display.table_audit(audit, "5.2")
    frame, counts = display.rebuilt_table(tables["5.2"], rows, "Country")
    sub = frame.set_index("Country").loc["Subtotal"]
    assert sub["1992 | Exports to the U.S. (US$ millions)"] == 1403.0       # recomputed, not the printed 1,480
    assert sub["Ranking"] is None                                            # printed "—"
    assert frame.set_index("Country").loc["1 China", "Ranking"] == "8"        # input kept as printed
    # 22 inputs; 69 derived of which the 13 rankings cannot be recomputed
    assert counts == {"input": 22, "recomputed": 56, "derived_as_printed": 13}
    f31, _ = display.rebuilt_table(tables["3.1"], display.table_audit(audit, "3.1"), "Indicator")
    growers = f31.set_index("Indicator").loc["Number of growers"].tolist()
    assert growers == ["700", "150+", "400+", "100+"]
    f21, _ = display.rebuilt_table(tables["2.1"], display.table_audit(audit, "2.1"), "Indicator")
    assert f21.set_index("Indicator").loc["Total production (millions of gallons/yr)", "Nicaragua"] == "60–90"


def test_cell_notes_group_shared_footnotes(tables):
    notes = display.cell_notes(tables["5.3"])
    assert "Row Wooden furniture: footnote f: ISIC code 3220" in notes
    assert all(n.count("ISIC") == 1 for n in notes if "ISIC" in n)


def test_panels_and_text_comparison(tables):
    classified = pd.concat([ch8_trade.classify_table_8_2(tables["8.2"]), ch8_trade.classify_table_8_4(tables["8.4"])],
                           ignore_index=True)
    assert trade_show.select_panels(classified, "all") == list(dict.fromkeys(classified["panel"]))
    assert trade_show.select_panels(classified, "fresh, Office") == [
        "(a) Salmon, fresh or chilled, whole", "(a) Office furniture"]
    with pytest.raises(ValueError, match="matches 4 panels"):
        trade_show.select_panels(classified, "salmon")
    with pytest.raises(ValueError):
        trade_show.kr_column("sideways")
    cmp = ch8_trade.compare_with_text(classified, tables[TEXT_VERDICTS])
    # PROVENANCE_ch8.md: Chile fresh 'withdrawal' vs niche shift (K-R), Chile Atlantic 'upgrading'
    # (both rules), Mexico bedroom 'withdrawal' vs niche shift (K-R): four disagreements
    said = trade_show.disagreements(cmp, classified, "absolute")
    # cited by printed page, the extraction line kept for traceability
    assert len(said) == 4 and sum(s.startswith("On pp. 231–246 (text line 2868)") for s in said) == 3
    view = trade_show.text_comparison_view(cmp, "absolute")
    assert len(view) == 39 and set(view["vs text (K–R)"]) <= {"agree", "disagree", "not stated", "unclassifiable"}


def test_md_escape():
    assert display.md_escape("US$ 7 *and* [x]") == r"US\$ 7 \*and\* \[x\]"
