"""The one number formatter (analysis/report/format.py)."""
import math

from analysis.report import format as fmt


def test_numbers_fixed_or_fewest_decimals_and_missing_as_dash():
    assert fmt.number(29000) == "29,000"
    assert fmt.number(29000, separator=False) == "29000"
    assert fmt.number(7.6, 2) == "7.60"
    assert fmt.number(0.125) == "0.125"
    assert fmt.number(float("nan")) == fmt.MISSING
    assert fmt.cell("7.60") == "7.60"  # a printed string is never reformatted


def test_monte_carlo_estimates_show_only_the_digits_their_error_supports():
    # MC error 0.018 is more than half a unit of the 2nd decimal (0.005): one decimal
    assert fmt.with_mc_error(2.990091, 0.017879) == "+3.0"
    # 0.0029 <= 0.005 but > 0.0005: two decimals
    assert fmt.with_mc_error(0.741627, 0.002855) == "+0.74"
    # negligible error: up to the maximum
    assert fmt.with_mc_error(-0.7769, 0.0001) == "-0.777"
    assert fmt.with_mc_error(0.5, 0.0001, max_decimals=2, sign=False) == "0.50"
    # the boundary belongs to the finer rounding (at most half a unit)
    assert fmt.with_mc_error(1.234, 0.005) == "+1.23"
    assert fmt.with_mc_error(float("nan"), 0.01) == fmt.MISSING
    assert fmt.with_mc_error(1.26, math.nan) == "+1.3"  # unknown error: the coarsest


def test_beside_shows_a_computed_value_at_the_figures_precision():
    assert fmt.beside(10000.0) == "10,000" and fmt.beside(41000.0, 0) == "41,000"
    assert fmt.beside(20.0, 2) == "20"            # a whole number as an integer
    assert fmt.beside(0.73, 3) == "0.730"         # exact at the figure's decimals
    assert fmt.beside(22.7, 0) == "22.7"          # one decimal more when it is not whole there
    assert fmt.beside(60.97561, 0) == "60.98"     # not "61.0": a zero that only pads
    assert fmt.beside(28.0000004, 0) == "28"      # floating-point noise below the digits shown
    assert fmt.beside(1997.0, separator=False) == "1997"
    assert fmt.beside(None) == fmt.MISSING
