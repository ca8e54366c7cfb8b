"""Chapter 8 method (analysis.method.trade) on small hand-worked examples.

Expectations are worked out by hand in the comments, never copied from output.
"""
import math

# the repository root holds the ``analysis`` package; no conftest is assumed

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.method import trade  # noqa: E402
from analysis.method.trade import (KR_IMMISERIZING, KR_NICHE, KR_UPGRADING, KR_WITHDRAWAL, NO_UPGRADING,
    UNCLASSIFIABLE, UPGRADING_NICHE, UPGRADING_SHARE, classify_kaplinsky_readman, classify_table_8_1)

NAN = float("nan")


# ---------------------------------------------------------------- decomposition
def test_equation_8_1_by_hand():
    # Q 10 -> 15, V 2 -> 3: X 20 -> 45, ΔX = 25 = 3*5 (volume) + 10*1 (unit value)
    d = trade.decompose_8_1(q0=10, q1=15, v0=2, v1=3)
    assert d == {"delta_x": 25, "volume": 15, "unit_value": 10}


def test_equation_8_2_by_hand_expanding_market():
    # Qw 100 -> 120, M 0.10 -> 0.125 (ΔM 0.025, ΔQw 20), V1 = 3
    # world demand 3*0.1*20 = 6; share 3*0.025*100 = 7.5; cross 3*0.025*20 = 1.5; unit value 10*1 = 10
    d = trade.decompose_8_2(q0=10, q1=15, v0=2, v1=3, qw0=100, qw1=120)
    assert d["world_demand"] == pytest.approx(6)
    assert d["market_share"] == pytest.approx(7.5)
    assert d["interaction"] == pytest.approx(1.5)
    assert d["unit_value"] == pytest.approx(10)
    assert d["delta_x"] == pytest.approx(25)


def test_equation_8_2_declining_world_demand_adds_up():
    # Qw 100 -> 80, Q 10 -> 12 (M 0.10 -> 0.15), V 2 -> 2.5: X 20 -> 30
    # world -5, share +12.5, cross -2.5, unit value +5 -> 10
    d = trade.decompose_8_2(q0=10, q1=12, v0=2, v1=2.5, qw0=100, qw1=80)
    assert (d["world_demand"], d["market_share"], d["interaction"], d["unit_value"]) == pytest.approx(
        (-5, 12.5, -2.5, 5))
    assert sum(d[k] for k in ("world_demand", "market_share", "interaction", "unit_value")) == pytest.approx(10)


def test_decompose_from_values_derives_unit_values():
    d = trade.decompose_from_values(x0=20, x1=45, q0=10, q1=15, qw0=100, qw1=120)
    assert d["unit_value"] == pytest.approx(10) and d["delta_x"] == pytest.approx(25)


def test_unit_value_and_share_missing_or_zero():
    assert trade.unit_value(10, 4) == 2.5
    assert math.isnan(trade.unit_value(10, 0))
    assert math.isnan(trade.unit_value(10, NAN))
    assert trade.market_share(5, 20) == 0.25
    assert math.isnan(trade.market_share(NAN, 20))


def test_relative_change():
    # own +10 %, competitors +21 %: ratio 1.1/1.21 = 0.9091, i.e. -9.09 %
    assert trade.relative_change(0.10, 0.21) == pytest.approx(-1 / 11)
    # both fall, own falls less (-5 % vs -10 %): 0.95/0.90 - 1 = +5.56 % (a relative rise)
    assert trade.relative_change(-0.05, -0.10) == pytest.approx(1 / 18)
    assert math.isnan(trade.relative_change(NAN, 0.1))


# ---------------------------------------------------------------- Table 8.1 rule
@pytest.mark.parametrize("dx,dm,dv,dqw,label", [
    (25, 0.025, 1, 20, UPGRADING_SHARE),        # all up
    (10, 0.05, 0.5, -20, UPGRADING_SHARE),      # rising share in a declining market still counts
    (-6.8, 0.02, 0.2, -50, NO_UPGRADING),       # ... unless export value fell
    (5, 0.0, 1, 20, UPGRADING_NICHE),           # unchanged share, expanding market
    (5, 0.0, 1, 0, NO_UPGRADING),               # unchanged share, flat market
    (5, 0.0, 1, -3, NO_UPGRADING),              # unchanged share, declining market
    (5, -0.01, 1, 20, NO_UPGRADING),            # share fell
    (5, 0.02, 0.0, 20, NO_UPGRADING),           # unit value unchanged
    (5, 0.02, -1, 20, NO_UPGRADING),            # unit value fell (immiserizing-type growth)
    (0, 0.02, 1, 20, NO_UPGRADING),             # export value unchanged (e.g. printed "0%")
])
def test_table_8_1_cases(dx, dm, dv, dqw, label):
    assert classify_table_8_1(dx, dm, dv, dqw).label == label


def test_table_8_1_missing_start_share():
    v = classify_table_8_1(5, NAN, 1, 20)
    assert v.label == UNCLASSIFIABLE and "market share" in v.reason
    # a known failing condition settles it even without the share
    v = classify_table_8_1(5, NAN, -1, 20)
    assert v.label == NO_UPGRADING and "not needed" in v.reason


def test_table_8_1_zero_share_needs_world_demand():
    assert classify_table_8_1(5, 0, 1, NAN).label == UNCLASSIFIABLE
    # a rising share does not need world demand at all
    assert classify_table_8_1(5, 0.1, 1, NAN).label == UPGRADING_SHARE


def test_table_8_1_tolerance_treats_tiny_change_as_zero():
    assert classify_table_8_1(5, 0.004, 1, 0, tol=0.005).label == NO_UPGRADING
    assert classify_table_8_1(5, 0.004, 1, 0).label == UPGRADING_SHARE


# ---------------------------------------------------------------- Kaplinsky–Readman
@pytest.mark.parametrize("dm,dv,label", [
    (1, 1, KR_UPGRADING), (0, 1, KR_UPGRADING),
    (1, -1, KR_IMMISERIZING), (0, -1, KR_IMMISERIZING),
    (-1, -1, KR_WITHDRAWAL), (-1, 1, KR_NICHE),
])
def test_kr_quadrants(dm, dv, label):
    assert classify_kaplinsky_readman(dm, dv).label == label


def test_kr_zero_unit_value_change_is_unclassifiable():
    v = classify_kaplinsky_readman(1, 0)
    assert v.label == UNCLASSIFIABLE and "unchanged" in v.reason


def test_kr_missing_share_says_what_it_could_be():
    v = classify_kaplinsky_readman(NAN, 5)
    assert v.label == UNCLASSIFIABLE and "upgrading or niche shift" in v.reason
    v = classify_kaplinsky_readman(NAN, -5)
    assert "immiserizing growth or withdrawal" in v.reason


def test_rules_differ_in_a_shrinking_market():
    # ΔM = 0, ΔV > 0, world demand falling, export value falling: KR upgrading, Table 8.1 not
    assert classify_kaplinsky_readman(0, 0.2).label == KR_UPGRADING
    assert classify_table_8_1(-40, 0, 0.2, -200).label == NO_UPGRADING


# ---------------------------------------------------------------- user series
def _frame():
    # A: X 20 -> 45, Q 10 -> 15 (V 2 -> 3, M .10 -> .125); B: X 180 -> 165, Q 90 -> 105
    # (V 2 -> 1.5714, M .90 -> .875); world 100 -> 120
    return pd.DataFrame({
        "product": ["P"] * 4, "country": ["A", "A", "B", "B"], "year": ["2000", "2010", "2000", "2010"],
        "export_value": ["20", "45", "180", "165"], "export_volume": ["10", "15", "90", "105"],
        "world_import_volume": ["100", "120", "100", "120"],
    })


def test_classify_series_by_hand():
    out = trade.classify_series(_frame()).set_index("country")
    a, b = out.loc["A"], out.loc["B"]
    assert a["share_change_pp"] == pytest.approx(2.5)
    assert a["unit_value_change_pct"] == pytest.approx(50)
    assert a["effect_world_demand"] == pytest.approx(6) and a["effect_unit_value"] == pytest.approx(10)
    # competitors of A = B alone: unit value 2 -> 165/105, i.e. -21.43 %
    assert a["competitor_uv_change_pct"] == pytest.approx(100 * (165 / 105 / 2 - 1))
    assert a["unit_value_vs_competitors_pct"] == pytest.approx(100 * (1.5 / (165 / 105 / 2) - 1))
    assert (a["table81"], a["kr"], a["kr_relative"]) == (UPGRADING_SHARE, KR_UPGRADING, KR_UPGRADING)
    assert (b["table81"], b["kr"], b["kr_relative"]) == (NO_UPGRADING, KR_WITHDRAWAL, KR_WITHDRAWAL)
    assert b["world_growth_pct"] == pytest.approx(20)


def test_series_missing_start_volume_is_unclassifiable():
    f = _frame()
    f.loc[0, "export_volume"] = "n.a."
    a = trade.classify_series(f).set_index("country").loc["A"]
    assert a["table81"] == UNCLASSIFIABLE and a["kr"] == UNCLASSIFIABLE
    assert math.isnan(a["share_start_pct"])


def test_series_single_country_has_no_competitors():
    f = _frame().iloc[:2]
    a = trade.classify_series(f).iloc[0]
    assert a["kr"] == KR_UPGRADING
    assert a["kr_relative"] == UNCLASSIFIABLE and "competitor" in a["kr_relative_reason"]


def test_read_trade_series_errors_name_file_row_field(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("product,country,year,export_value,export_volume,world_import_volume\n"
                 "P,A,2000,10,5,100\nP,A,2005,abc,6,120\n")
    with pytest.raises(ValueError) as e:
        trade.read_trade_series(p)
    msg = str(e.value)
    assert "mine.csv" in msg and "row 2" in msg and "CSV line 3" in msg and "'export_value'" in msg


def test_read_trade_series_range_and_world_consistency(tmp_path):
    p = tmp_path / "neg.csv"
    p.write_text("product,country,year,export_value,export_volume,world_import_volume\n"
                 "P,A,2000,10,-5,100\n")
    with pytest.raises(ValueError, match=r"row 1 .*'export_volume'"):
        trade.read_trade_series(p)
    q = tmp_path / "world.csv"
    q.write_text("product,country,year,export_value,export_volume,world_import_volume\n"
                 "P,A,2000,10,5,100\nP,B,2000,10,5,101\n")
    with pytest.raises(ValueError, match=r"row 2 .*'world_import_volume'"):
        trade.read_trade_series(q)


def test_read_trade_series_missing_column(tmp_path):
    p = tmp_path / "short.csv"
    p.write_text("product,country,year,export_value\nP,A,2000,10\n")
    with pytest.raises(ValueError, match="header.*export_volume"):
        trade.read_trade_series(p)
