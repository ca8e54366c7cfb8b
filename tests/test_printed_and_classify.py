"""Reading printed cells and judging computed values against them."""
import math

import pytest

from analysis.audit.rules import audit_row, classify
from analysis.method.printed import parse_printed


@pytest.mark.parametrize("text,value,decimals", [
    ("1,005.0", 1005.0, 1), ("29,000", 29000.0, 0), ("0.60", 0.6, 2), ("–3.2", -3.2, 1),
    ("(12.5)", -12.5, 1), (".9801", 0.9801, 4), ("14.03%", 14.03, 2),
])
def test_parse_numbers(text, value, decimals):
    p = parse_printed(text)
    assert p.value == pytest.approx(value) and p.decimals == decimals


@pytest.mark.parametrize("text", ["n.a.", "N/A", "", None, float("nan")])
def test_parse_missing(text):
    assert parse_printed(text).is_missing


def test_parse_range_and_garbage():
    p = parse_printed("60–90")
    assert (p.low, p.high, p.value) == (60.0, 90.0, None)
    with pytest.raises(ValueError, match="cannot read"):
        parse_printed("about six")


def test_classify_exact_and_rounding_rules():
    assert classify("28", 28.0)[0] == "match"
    # 29 / 11 = 2.6363..., half-up at 2 dp is 2.64
    assert classify("2.64", 29 / 11) == ("rounding", "stated [2.635, 2.645) meets computed 2.63636")
    # one rule both ways: 28 / 15 = 1.8666... truncated to 1.86 and 24 / 9 = 2.667 padded
    # to 2.70 both lie outside half a unit of the printed last digit
    status, rule = classify("1.86", 28 / 15)
    assert status == "mismatch" and "0.333 x the tolerance 0.005" in rule
    assert classify("2.70", 24 / 9)[0] == "mismatch"
    assert classify("1.87", 28 / 15)[0] == "rounding" and classify("2.67", 24 / 9)[0] == "rounding"
    # half-up: 2.665 prints as 2.67, never as 2.66
    assert classify("2.67", 2.665)[0] == "rounding" and classify("2.66", 2.665)[0] == "mismatch"
    assert classify("0.60", 4 / 11)[0] == "mismatch"


def test_classify_input_tolerance_and_not_derivable():
    # 0.5*7.61 + 0.5*4.80 = 6.205; printed 6.21 is within 2-dp precision, 6.19 is not even with input error
    assert classify("6.21", 6.205, input_tolerance=0.005)[0] == "rounding"
    assert classify("6.19", 6.205, input_tolerance=0.005)[0] == "mismatch"
    assert classify("7.60", None)[0] == "not_derivable"
    assert classify("7.60", math.nan)[0] == "not_derivable"
    assert classify("n.a.", 3.0)[0] == "not_derivable"


def test_audit_row_layout():
    row = audit_row("9.4", "Total", "Product upgrading", "28", 28.0, "note")
    assert list(row) == ["table", "row", "column", "printed", "computed", "status", "rule", "note", "tolerance", "exact"]
    assert row["status"] == "match" and row["computed"] == 28.0


def test_exact_cells_refuse_rounding():
    assert classify("6", 6.4)[0] == "rounding"                       # rounding would excuse it...
    assert classify("6", 6.4, allow_rounding=False)[0] == "mismatch"  # ...but a sum of scores must be exact
    assert classify("6", 6.5)[0] == "mismatch"                       # 6.5 rounds half-up to 7
    assert classify("6", 6.0, allow_rounding=False)[0] == "match"


@pytest.mark.parametrize("text,value", [("150+", 150.0), ("1,000+", 1000.0), ("2.5+", 2.5)])
def test_parse_lower_bound(text, value):
    p = parse_printed(text)
    assert p.value == value and p.lower_bound and not p.is_missing
    assert not parse_printed("150").lower_bound and not parse_printed("+150").lower_bound


def test_lower_bound_in_cells_and_classify():
    # "150+" means at least 150: 330 firms (Table 1.2) fit it, 120 would not
    assert classify("150+", 330)[0] == "match"
    assert classify("150+", 150)[0] == "match"
    assert classify("150+", 149.8, input_tolerance=0.5)[0] == "rounding"  # reached only within the inputs' error
    assert classify("150+", 120)[0] == "mismatch"
    with pytest.raises(ValueError):
        parse_printed("150++")
