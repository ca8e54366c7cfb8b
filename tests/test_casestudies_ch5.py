"""Chapter 5 (wooden furniture, Puebla/Chipilo, Segusino): cells, audits, consistency, figures.

Expected values are computed by hand from the printed inputs in the comments,
never copied from the functions under test.
"""
from __future__ import annotations


# the repository root holds the ``analysis`` package; no conftest is assumed

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # figures are built without a display

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.audit.rules import AUDIT_COLUMNS, STATUSES  # noqa: E402
from analysis.method.cells import read_cells  # noqa: E402
from analysis.audit.casestudies import ch5_furniture as ch5  # noqa: E402
from analysis.report import furniture_page  # noqa: E402

from analysis.paths import CHAPTERS_DATA_DIR as DATA  # noqa: E402
from analysis.io.chapter_tables import TEXT_CLAIMS  # noqa: E402
from analysis.io.data import read_validated  # noqa: E402
from analysis.io.schema import TEXT_CLAIMS as TEXT_CLAIMS_SCHEMA  # noqa: E402
TABLES = ["5.1", "5.2", "5.3", "5.4", "5.5"]
# printed grid sizes counted on the page: rows x columns
SIZES = {"5.1": 11 * 6, "5.2": 13 * 7, "5.3": 7 * 7, "5.4": 7 * 3, "5.5": 5 * 8}


def _audit(table: str, cells: pd.DataFrame) -> list[dict]:
    return getattr(ch5, f"audit_table_{table.replace('.', '_')}")(cells)


def _find(rows: list[dict], row: str, column: str, table: str | None = None) -> dict:
    hits = [r for r in rows if r["row"] == row and r["column"] == column
            and (table is None or r["table"] == table)]
    assert len(hits) == 1, (row, column, table, len(hits))
    return hits[0]


def _corrupt(cells: pd.DataFrame, row: str, column: str, text: str) -> pd.DataFrame:
    """Copy of a cells frame with one printed cell replaced."""
    out = cells.copy()
    mask = (out["row"] == row) & (out["column"] == column)
    assert mask.sum() == 1
    out.loc[mask, "printed"] = text
    return out


@pytest.fixture(scope="module")
def cells() -> dict:
    out = {t: read_cells(DATA / f"table_{t.replace('.', '_')}.csv") for t in TABLES}
    out[TEXT_CLAIMS] = read_validated(DATA.parent / "book" / "text_claims.csv", TEXT_CLAIMS_SCHEMA)
    return out


@pytest.fixture()
def table_1_2() -> pd.DataFrame:
    """Row 7 of Table 1.2 typed by hand (printed strings, footnote d: figures for 1996)."""
    return pd.DataFrame([{
        "row_no": 7, "cluster": "Furniture–Chipilo, Puebla", "case_id": "furniture-chipilo",
        "country": "Mexico", "date_of_creation": "1987", "firms": "146",
        "production_1995": "17.5", "production_2002": "6.7", "exports_1996": "17.1",
        "exports_2002": "7.0", "direct_jobs": "5,400", "indirect_jobs": "n.a.",
        "footnotes": "d", "line": 500,
    }])


# ---------------------------------------------------------------- cells files
@pytest.mark.parametrize("table", TABLES)
def test_cells_file_validates_and_is_complete(cells, table):
    c = cells[table]
    assert len(c) == SIZES[table]
    assert set(c["kind"]) <= {"input", "derived"}
    assert (c["kind"] == "derived").any()


def test_printed_strings_kept_as_printed(cells):
    assert ch5.printed(cells["5.4"], "1999", ch5.T54_CHG) == "–26"  # en dash kept
    assert ch5.printed(cells["5.1"], "1991", ch5.T51_MAQ) == "n.a."
    assert ch5.printed(cells["5.2"], "Total", ch5.T52_EXP["2001"]) == "6,355"
    assert ch5.printed(cells["5.5"], "1995", ch5.T55_EXPORTS) == "—"


# ---------------------------------------------------------------- audit coverage
@pytest.mark.parametrize("table", TABLES)
def test_audit_covers_every_derived_cell(cells, table):
    c = cells[table]
    derived = {(r, k) for r, k, kind in zip(c["row"], c["column"], c["kind"]) if kind == "derived"}
    rows = _audit(table, c)
    assert len(rows) == len(derived)
    assert {(r["row"], r["column"]) for r in rows} == derived
    assert all(r["table"] == table and r["status"] in STATUSES for r in rows)
    assert all(list(r) == AUDIT_COLUMNS for r in rows)


@pytest.mark.parametrize("table", TABLES)
def test_display_table_has_printed_shape(cells, table):
    c = cells[table]
    shown = getattr(ch5, f"table_{table.replace('.', '_')}")(c)
    assert shown.shape == (c["row"].nunique(), c["column"].nunique())


# ---------------------------------------------------------------- hand recomputations
def test_5_1_totals_and_shares(cells):
    rows = ch5.audit_table_5_1(cells["5.1"])
    r = _find(rows, "1999", ch5.T51_TOTAL)
    assert r["computed"] == pytest.approx(239.44 + 213.47)  # 452.91 vs printed 452.90
    assert r["status"] == "rounding"
    r = _find(rows, "1994", ch5.T51_MAQ_PCT)
    assert r["computed"] == pytest.approx(100 * 145.23 / (145.23 + 25.58), abs=1e-6)  # 85.0243
    assert r["status"] == "rounding"
    assert _find(rows, "1992", ch5.T51_NON_PCT)["status"] == "not_derivable"


def test_5_1_series_uses_inputs_only(cells):
    s = ch5.exports_series_5_1(cells["5.1"])
    total = s[(s["series"] == "Total")].set_index("year")["us_millions"]
    assert total[1994] == pytest.approx(145.23 + 25.58)
    assert total[1991] == pytest.approx(23.88)  # no split published: the printed total is the input
    # a corrupted printed total of a split year changes nothing computed
    bad = _corrupt(cells["5.1"], "1994", ch5.T51_TOTAL, "999.99")
    s2 = ch5.exports_series_5_1(bad)
    assert s2[(s2["series"] == "Total") & (s2["year"] == 1994)]["us_millions"].iloc[0] == pytest.approx(170.81)
    assert _find(ch5.audit_table_5_1(bad), "1994", ch5.T51_TOTAL)["status"] == "mismatch"


def test_5_2_subtotal_1992_does_not_add_up(cells):
    rows = ch5.audit_table_5_2(cells["5.2"])
    listed_1992 = 69 + 222 + 128 + 48 + 142 + 80 + 572 + 94 + 24 + 24  # = 1,403
    r = _find(rows, "Subtotal", ch5.T52_EXP["1992"])
    assert r["computed"] == listed_1992 == 1403
    assert r["status"] == "mismatch"  # printed 1,480
    r = _find(rows, "Others", ch5.T52_EXP["1992"])
    assert r["computed"] == 1805 - 1403 and r["status"] == "mismatch"  # printed 324
    r = _find(rows, "1 China", ch5.T52_CHG)
    assert r["computed"] == 1898 - 69 and r["status"] == "rounding"  # printed 1,828
    r = _find(rows, "7 Taiwan", ch5.T52_CHG_PCT)
    assert r["computed"] == pytest.approx(100 * 281 / 6355 - 100 * 572 / 1805)  # -27.27 pp
    assert r["status"] == "rounding"
    assert _find(rows, "Total", ch5.T52_CHG)["status"] == "match"  # 6,355 - 1,805 = 4,550


def test_5_3_employment_per_firm(cells):
    rows = ch5.audit_table_5_3(cells["5.3"])
    r = _find(rows, "Wooden furniture", ch5.T53_EMP_PER_FIRM)
    assert r["computed"] == pytest.approx(7383 / 1413, abs=1e-6)  # 5.22505 -> 5.23
    assert r["status"] == "rounding"
    assert _find(rows, "Automotive", ch5.T53_WAGE)["status"] == "not_derivable"


def test_5_4_yearly_changes(cells):
    rows = ch5.audit_table_5_4(cells["5.4"])
    assert _find(rows, "1997", ch5.T54_CHG)["computed"] == 4596 - 3294 == 1302
    r = _find(rows, "1997", ch5.T54_CHG_PCT)
    assert r["computed"] == pytest.approx(100 * 1302 / 3294, abs=1e-6)  # 39.5264
    assert r["status"] == "rounding"
    assert _find(rows, "2002", ch5.T54_CHG)["computed"] == 3041 - 3309
    assert _find(rows, "1996", ch5.T54_CHG)["status"] == "not_derivable"


def test_5_5_ratio_definitions(cells):
    rows = ch5.audit_table_5_5(cells["5.5"])
    # liability ratio = assets / liabilities: 1995 4.75 / 1.67 = 2.84431
    r = _find(rows, "1995", ch5.T55_LIAB_RATIO)
    assert r["computed"] == pytest.approx(4.75 / 1.67, abs=1e-6) and r["status"] == "rounding"
    # leverage = liabilities / equity: 2000 11.38 / (13.72 - 11.38) = 4.86325
    r = _find(rows, "2000", ch5.T55_LEVERAGE)
    assert r["computed"] == pytest.approx(11.38 / 2.34, abs=1e-6) and r["status"] == "rounding"
    # 1998: 7.16 / 9.77 = 0.73286, printed 0.730: outside what rounded inputs allow
    r = _find(rows, "1998", ch5.T55_LEVERAGE)
    assert r["computed"] == pytest.approx(0.732856, abs=1e-6) and r["status"] == "mismatch"
    r = _find(rows, "1996", ch5.T55_EQUITY)
    assert r["computed"] == pytest.approx(9.60 - 2.67) and r["status"] == "rounding"  # printed 6.92


def test_segusino_ratio_series(cells):
    s = ch5.segusino_ratios_5_5(cells["5.5"]).set_index("year")
    assert list(s.index) == [1995, 1996, 1997, 1998, 2000]
    assert s.loc[1997, "leverage"] == pytest.approx(4.47 / (11.88 - 4.47))


# ---------------------------------------------------------------- corrupted inputs
@pytest.mark.parametrize("table,row,column,bad,audit_row_,audit_col", [
    ("5.1", "1994", ch5.T51_MAQ, "146.23", "1994", ch5.T51_TOTAL),
    ("5.2", "1 China", ch5.T52_EXP["2001"], "1,998", "1 China", ch5.T52_CHG),
    ("5.3", "Wooden furniture", ch5.T53_EMP, "7,483", "Wooden furniture", ch5.T53_EMP_PER_FIRM),
    ("5.4", "1997", ch5.T54_EMP, "4,600", "1997", ch5.T54_CHG),
    ("5.5", "1995", ch5.T55_ASSETS, "4.95", "1995", ch5.T55_LIAB_RATIO),
])
def test_corrupted_input_gives_mismatch(cells, table, row, column, bad, audit_row_, audit_col):
    assert _find(_audit(table, cells[table]), audit_row_, audit_col)["status"] in ("match", "rounding")
    broken = _corrupt(cells[table], row, column, bad)
    assert _find(_audit(table, broken), audit_row_, audit_col)["status"] == "mismatch"


# ---------------------------------------------------------------- consistency
def test_consistency_rows_are_well_formed(cells, table_1_2):
    rows = ch5.consistency_ch5(cells, table_1_2)
    assert rows and all(list(r) == AUDIT_COLUMNS for r in rows)
    assert all(r["status"] in STATUSES for r in rows)
    assert all("line" in r["note"] for r in rows)  # every claim names its source line


def test_consistency_text_claims(cells, table_1_2):
    rows = ch5.consistency_ch5(cells, table_1_2)
    # 5,281 (Nov 1998) and 3,041 (Aug 2002) are quoted exactly
    assert _find(rows, "2002", ch5.T54_EMP, "5.4 vs text")["status"] == "match"
    # text repeats the table's 0.730, which the inputs do not support (7.16/9.77 = 0.733)
    assert _find(rows, "1998", ch5.T55_LEVERAGE + " (printed in table)", "5.5 vs text")["status"] == "match"
    assert _find(rows, "1998", ch5.T55_LEVERAGE + " (recomputed)", "5.5 vs text")["status"] == "mismatch"
    # US$453 million = 239.44 + 213.47 = 452.91 rounded
    r = _find(rows, "1999", "exports (US$ millions)", "5.1 vs text")
    assert r["computed"] == pytest.approx(452.91) and r["status"] == "rounding"
    # sales growth 1995-96: 17.47 / 11.74 - 1 = 48.8%, not the 70% of the text
    r = _find(rows, "1996", "sales growth over 1995 (%)", "5.5 vs text")
    assert r["computed"] == pytest.approx(100 * (17.47 / 11.74 - 1), abs=1e-6) and r["status"] == "mismatch"
    # 5 percent of firms: 1,413 / 29,459 = 4.80%
    r = _find(rows, "Wooden furniture", "% of Puebla's firms", "5.3 vs text")
    assert r["computed"] == pytest.approx(100 * 1413 / 29459, abs=1e-6) and r["status"] == "rounding"


def test_consistency_with_table_1_2(cells, table_1_2):
    rows = ch5.consistency_ch5(cells, table_1_2)
    r = _find(rows, "7", "production_1995", "1.2 vs 5.5")
    assert r["computed"] == pytest.approx(17.47) and r["status"] == "rounding"  # footnote d: 1996 sales
    assert _find(rows, "7", "firms", "1.2 vs text")["status"] == "match"  # 145 shops + Segusino
    assert _find(rows, "7", "exports_2002 vs production_2002", "1.2 row 7 (internal)")["status"] == "mismatch"
    # a wrong Table 1.2 cell is caught
    bad = table_1_2.assign(exports_1996="18.1")
    rows = ch5.consistency_ch5(cells, bad)
    assert _find(rows, "7", "exports_1996", "1.2 vs 5.5")["status"] == "mismatch"


def test_consistency_accepts_file_style_keys(cells, table_1_2):
    by_file = {(k if k == TEXT_CLAIMS else f"table_{k.replace('.', '_')}"): c for k, c in cells.items()}
    assert len(ch5.consistency_ch5(by_file, table_1_2)) == len(ch5.consistency_ch5(cells, table_1_2))


# ---------------------------------------------------------------- figures
@pytest.mark.parametrize("make,table", [
    (furniture_page.figure_exports_5_1, "5.1"),
    (furniture_page.figure_employment_5_4, "5.4"),
    (furniture_page.figure_segusino_ratios_5_5, "5.5"),
])
def test_figures_are_labelled(cells, make, table):
    fig = make(cells[table])
    try:
        assert isinstance(fig, plt.Figure)
        for ax in fig.axes:
            assert ax.get_xlabel() and ax.get_ylabel()
            assert "(" in ax.get_ylabel()  # unit in brackets
        assert any(ax.get_title() for ax in fig.axes) or fig._suptitle is not None
    finally:
        plt.close(fig)
