"""Chapters 2-4 (dairy, fruit, salmon): data files, audits, consistency checks, figures.

Expected values are worked out by hand from the printed cells (source lines of
the book given in comments), never copied from the functions' output.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

# The repository has no packaging/pytest config yet: make `analysis` importable.
from analysis.paths import ROOT  # noqa: E402

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest

from analysis.io.chapter_tables import TEXT_CLAIMS
from analysis.io.data import read_validated
from analysis.io.schema import TEXT_CLAIMS as TEXT_CLAIMS_SCHEMA  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.audit.rules import AUDIT_COLUMNS, STATUSES  # noqa: E402
from analysis.audit.casestudies import ch2_dairy, ch3_fruit, ch4_salmon  # noqa: E402
from analysis.io.chapter_tables import validate_qualitative  # noqa: E402
from analysis.method.cells import number, read_cells  # noqa: E402
from analysis.report import dairy_page, fruit_page, salmon_page  # noqa: E402

DATA = ROOT / "data" / "chapters"
NUMERIC = {"2.1": ch2_dairy, "2.2": ch2_dairy, "3.1": ch3_fruit, "3.2": ch3_fruit,
           "4.1": ch4_salmon, "4.3": ch4_salmon, "4.4": ch4_salmon}


def _path(table: str) -> Path:
    return DATA / f"table_{table.replace('.', '_')}.csv"


def _qual(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def cells() -> dict:
    out = {t: read_cells(_path(t)) for t in NUMERIC}
    out["4.2"] = validate_qualitative(_qual("table_4_2.csv"), "4.2")
    out["4.4 businesses"] = _qual("table_4_4_businesses.csv")
    # the prose statements (numbers, lines, qualifiers) the consistency checks judge
    out[TEXT_CLAIMS] = read_validated(DATA.parent / "book" / "text_claims.csv", TEXT_CLAIMS_SCHEMA)
    return out


@pytest.fixture(scope="module")
def t12() -> pd.DataFrame:
    """The Table 1.2 rows these chapters need, typed by hand from source lines 494-499."""
    cols = ["row_no", "cluster", "case_id", "country", "date_of_creation", "firms", "production_1995",
            "production_2002", "exports_1996", "exports_2002", "direct_jobs", "indirect_jobs", "footnotes", "line"]
    rows = [
        [1, "Salmon–Región Austral", "1", "Chile", "1978", "65 + 150", "500.0", "1,005.0", "480.0", "970.0",
         "29,000", "12,500", "a", 494],
        [2, "Milk and dairy–Boaco, Chontales", "2", "Nicaragua", "mid-1990s", "10,605", "25.4", "31.8", "2.9",
         "12.7", "15,624", "6,544", "", 495],
        [3, "Mangoes–Petrolina-Juazeiro", "3", "Brazil", "1980s", "330", "8.0", "37.0", "22.0", "51.0",
         "17,400", "11,600", "bc", 496],
        [4, "Grapes–Petrolina-Juazeiro", "4", "Brazil", "1980s", "250", "45.0", "56.0", "10.0", "34.0", "", "",
         "b", 497],
        [5, "Melons–Rio Grande do Norte", "5", "Brazil", "1980s", "120", "19.0", "13.0", "25.0", "38.0",
         "19,000", "12,500", "bc", 498],
        [6, "Apples–Santa Catarina", "6", "Brazil", "1960s", "750", "23.3", "51.7", "6.0", "31.0",
         "23,500", "6,800", "b", 499],
    ]
    return pd.DataFrame(rows, columns=cols)


def _audit(table: str, frame: pd.DataFrame) -> list[dict]:
    return getattr(NUMERIC[table], "audit_table_" + table.replace(".", "_"))(frame)


def _find(rows: list[dict], table: str, row: str, column: str) -> dict:
    hits = [r for r in rows if r["table"] == table and r["row"] == row and r["column"] == column]
    assert len(hits) == 1, (table, row, column, len(hits))
    return hits[0]


# ------------------------------------------------------------------ data files
@pytest.mark.parametrize("table", sorted(NUMERIC))
def test_cells_file_loads_and_has_lines_in_chapter_range(table):
    c = read_cells(_path(table))
    lo, hi = {"2": (760, 940), "3": (1074, 1130), "4": (1507, 1690)}[table[0]]
    assert c["line"].between(lo, hi).all()


def test_cell_counts_match_the_printed_grids():
    # 5x3, 4x7, 8x4, 5x4, 6x4, 12x4, 7+10 businesses
    expected = {"2.1": 15, "2.2": 28, "3.1": 32, "3.2": 20, "4.1": 24, "4.3": 48, "4.4": 17}
    assert {t: len(read_cells(_path(t))) for t in expected} == expected


def test_qualitative_tables_validate():
    t42 = validate_qualitative(_qual("table_4_2.csv"), "4.2")
    t45 = validate_qualitative(_qual("table_4_5.csv"), "4.5")
    t46 = validate_qualitative(_qual("table_4_6.csv"), "4.6")
    # 4.2: 3 stages x 3 header facts + 1+1+1, 1+2+2, 2+3+6, 3+3+2, 1+2+1, 1+1+2, 1+1+1 bullets
    assert len(t42) == 9 + 3 + 5 + 11 + 8 + 4 + 4 + 3
    assert len(t45) == 4 + 5            # four actions on each page, five on the continuation
    assert len(t46) == 3 * 11 + 1       # 11 lines of three cells, one cell split in two
    assert set(ch4_salmon.table_4_2(t42).columns) == {"Initiation", "Maturity", "Globalization"}
    assert ch4_salmon.table_4_6(t46).shape == (11, 3)


def test_financing_shares_must_add_to_100():
    bad = _qual("table_4_5.csv")
    bad.loc[0, "private_share_pct"] = "80"
    bad.loc[0, "public_share_pct"] = "10"
    with pytest.raises(ValueError):
        validate_qualitative(bad, "4.5")


# ------------------------------------------------------------------ audits cover every derived cell
@pytest.mark.parametrize("table", sorted(NUMERIC))
def test_audit_covers_every_derived_cell(table, cells):
    frame = cells[table]
    rows = _audit(table, frame)
    derived = frame[frame["kind"] == "derived"]
    assert len(rows) == len(derived)
    assert {(r["row"], r["column"]) for r in rows} == set(zip(derived["row"], derived["column"]))
    for r in rows:
        assert list(r) == AUDIT_COLUMNS and r["status"] in STATUSES


def test_derived_counts():
    # 3.1: two share rows x 4; 3.2: all 20 shares; 4.1: world share x 6 years;
    # 4.3: 10 row totals + 4 cells on each of the 2 subtotal lines.
    counts = {t: int((read_cells(_path(t))["kind"] == "derived").sum()) for t in NUMERIC}
    assert counts == {"2.1": 0, "2.2": 0, "3.1": 8, "3.2": 20, "4.1": 6, "4.3": 10 + 8, "4.4": 0}


def test_shares_without_published_inputs_are_not_derivable(cells):
    for t in ("3.1", "3.2", "4.1"):
        assert {r["status"] for r in _audit(t, cells[t])} == {"not_derivable"}


# ------------------------------------------------------------------ hand-computed recomputations
def test_table_4_3_sums_by_hand(cells):
    rows = ch4_salmon.audit_table_4_3(cells["4.3"])
    core_jobs = _find(rows, "4.3", ch4_salmon.CORE + "Subtotal", ch4_salmon.JOBS)
    assert core_jobs["computed"] == 4000 + 9500 + 14000 + 1000
    sup_total = _find(rows, "4.3", ch4_salmon.SUP + "Subtotal", ch4_salmon.TOT)
    assert sup_total["computed"] == (3 + 2) + 50 + 20 + 30 + 12 + 30
    sup_jobs = _find(rows, "4.3", ch4_salmon.SUP + "Subtotal", ch4_salmon.JOBS)
    assert sup_jobs["computed"] == 800 + 3300 + 900 + 3200 + 1000 + 3300
    hatch = _find(rows, "4.3", ch4_salmon.CORE_ROWS[0], ch4_salmon.TOT)
    assert hatch["computed"] == 5 + 19 and hatch["status"] == "match"
    # Integrated core firms are de-duplicated (footnote a): 19+31+31+28 = 109 would be wrong.
    assert _find(rows, "4.3", ch4_salmon.CORE + "Subtotal", ch4_salmon.INT)["status"] == "not_derivable"


def test_table_4_3_reconstruction_adds_up_only_with_fourth_core_row(cells):
    c = cells["4.3"]
    without = sum(number(c, r, ch4_salmon.JOBS) for r in ch4_salmon.CORE_ROWS[:3])
    assert without == 27500 and without + 1000 == 28500   # printed core subtotal: 28,500


def test_growth_rate_claim_recomputed(cells, t12):
    rows = ch4_salmon.consistency_ch4(cells, t12)
    r = _find(rows, "4.1 vs text", "1990→2001 average annual growth (%)", ch4_salmon.PROD)
    assert r["computed"] == pytest.approx(((405 / 26) ** (1 / 11) - 1) * 100, abs=1e-6)
    assert r["status"] == "mismatch"   # about 28.4 percent, not 25


def test_tenth_region_share(cells, t12):
    r = _find(ch4_salmon.consistency_ch4(cells, t12), "4.1 vs text", "2001",
              "Tenth Region share of Chile's production (%)")
    assert r["computed"] == pytest.approx(100 * 350 / 405, abs=1e-6) and r["status"] == "match"


# ------------------------------------------------------------------ the audit can fail
def test_corrupted_input_turns_audit_row_into_mismatch(cells):
    bad = cells["4.3"].copy()
    row = ch4_salmon.CORE_ROWS[2]  # Processing: 9 independent firms
    bad.loc[(bad["row"] == row) & (bad["column"] == ch4_salmon.IND), "printed"] = "19"
    rows = ch4_salmon.audit_table_4_3(bad)
    assert _find(rows, "4.3", row, ch4_salmon.TOT)["status"] == "mismatch"          # 19 + 31 != 40
    assert _find(rows, "4.3", ch4_salmon.CORE + "Subtotal", ch4_salmon.IND)["computed"] == 5 + 10 + 19 + 6


def test_corrupted_table_2_2_input_breaks_consistency(cells, t12):
    good = _find(ch2_dairy.consistency_ch2(cells, t12), "2.1 vs 2.2", "Exports (US$ millions)", "Nicaragua")
    assert good["status"] == "mismatch" and good["computed"] == 22.7    # printed 24 vs 22.7
    fixed = dict(cells)
    f = cells["2.2"].copy()
    f.loc[(f["row"] == "Export (US$ millions)") & (f["column"] == "2000"), "printed"] = "24"
    fixed["2.2"] = f
    assert _find(ch2_dairy.consistency_ch2(fixed, t12), "2.1 vs 2.2", "Exports (US$ millions)",
                 "Nicaragua")["status"] == "match"


def test_derived_cell_cannot_feed_an_audit(cells):
    bad = cells["2.1"].copy()
    bad.loc[0, "kind"] = "derived"
    with pytest.raises(ValueError):
        ch2_dairy.audit_table_2_1(bad)


# ------------------------------------------------------------------ consistency findings
def test_consistency_ch2(cells, t12):
    rows = ch2_dairy.consistency_ch2(cells, t12)
    assert all(r["status"] in STATUSES and "line" in r["note"] for r in rows)
    firms = _find(rows, "2.1 vs 1.2", "Number of firms (livestock + industrial)", "Boaco-Chontales")
    # 10,000 + 540 + 70 = 10,610 > 10,605 printed in Table 1.2
    assert firms["status"] == "mismatch"
    small = _find(rows, "2.1 vs text", "Number of livestock companies", "SMEs in Boaco-Chontales")
    assert small["status"] == "match"


def test_consistency_ch3(cells, t12):
    rows = ch3_fruit.consistency_ch3(cells, t12)
    sc_jobs = _find(rows, "3.1 vs 1.2", "Total employment", ch3_fruit.SC)
    assert sc_jobs["computed"] == 23500 + 6800 and sc_jobs["status"] == "match"
    rn_jobs = _find(rows, "3.1 vs 1.2", "Total employment", ch3_fruit.RN)
    assert rn_jobs["computed"] == 19000 + 12500 and rn_jobs["status"] == "mismatch"
    pj60 = [r for r in rows if r["table"] == "3.2 vs text" and r["printed"] == "60"
            and r["column"] == "1996/1997"][0]
    assert pj60["status"] == "rounding" and pj60["computed"] == 61
    sc_exports = [r for r in rows if r["table"] == "3.1 vs text" and r["row"] == "Share of total exports"
                  and r["column"] == ch3_fruit.SC][0]
    assert sc_exports["status"] == "mismatch"   # "about half" vs 96%


def test_consistency_ch4(cells, t12):
    rows = ch4_salmon.consistency_ch4(cells, t12)
    jobs = _find(rows, "4.3 vs text", "Core + supply", ch4_salmon.JOBS)
    assert jobs["computed"] == 28500 + 12500 and jobs["status"] == "match"   # "more than 40,000"
    exp96 = _find(rows, "4.1 vs 1.2", "1996", ch4_salmon.EXPORTS)
    assert exp96["status"] == "mismatch" and exp96["computed"] == 525.0       # Table 1.2 prints 480.0
    counts = [r for r in rows if r["table"] == "4.4 vs text"]
    assert [r["computed"] for r in counts] == [6, 6]


# ------------------------------------------------------------------ display tables and figures
def test_display_tables(cells):
    t31 = ch3_fruit.table_3_1(cells["3.1"])
    assert t31.loc["Number of growers", ch3_fruit.PJM] == "150+"
    assert ch2_dairy.table_2_1(cells["2.1"]).loc["Total production (millions of gallons/yr)", "Nicaragua"] == "60–90"
    assert ch4_salmon.table_4_3(cells["4.3"]).shape == (12, 4)
    assert len(ch4_salmon.table_4_4(cells["4.4"], cells["4.4 businesses"])) == 17


@pytest.mark.parametrize("make,table", [(dairy_page.figure_2_2, "2.2"), (fruit_page.figure_3_2, "3.2"),
                                        (salmon_page.figure_4_1, "4.1")])
def test_figures_are_labelled(make, table, cells):
    fig = make(cells[table])
    assert isinstance(fig, Figure)
    # every panel says what its axes measure (the caption, not the image, carries the title)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes if ax.get_visible())
    matplotlib.pyplot.close(fig)
