"""Explanatory variables: hand-derived values on a hand-built case frame."""
import numpy as np
import pandas as pd
import pytest

from analysis.stats.variables import (CE_LEVELS, VARIABLES, listwise, missing_report, model_frame,
    synthetic_cases)

NA = pd.NA


def hand_cases() -> pd.DataFrame:
    """Four cases whose derived variables are worked out by hand in the tests below."""
    return pd.DataFrame({
        "case_id": ["A", "B", "C", "D"],
        "name": ["a", "b", "c", "d"],
        "sector": ["traditional", "natural_resource", "complex_products", "specialized_suppliers"],
        "origin": ["book", "book", "new", "book"],
        "ce_degree": pd.Categorical(["low", "high", None, "medium"], categories=CE_LEVELS, ordered=True),
        "upgrading_product": [1.0, 3.0, 2.5, np.nan],
        "upgrading_process": [0.5, 2.0, 2.0, np.nan],
        "upgrading_functional": [0.0, np.nan, 1.0, np.nan],
        "upgrading_intersectoral": [0.0, 1.0, 0.5, np.nan],
        # A: market both, network both, qh absent, hierarchy domestic
        # B: market domestic, qh domestic, hierarchy unknown
        # C: qh global, everything else unknown
        # D: all known, none global
        "gov_market": pd.array([3, 1, NA, 0], dtype="Int64"),
        "gov_network": pd.array([3, 0, NA, 1], dtype="Int64"),
        "gov_quasi_hierarchy": pd.array([0, 1, 2, 1], dtype="Int64"),
        "gov_hierarchy": pd.array([1, NA, NA, 0], dtype="Int64"),
    })


@pytest.fixture
def frame():
    return model_frame(hand_cases())


def col(frame, name):
    return frame[name].tolist()


def test_ce_coding(frame):
    assert col(frame, "ce_ordinal")[:2] == [1.0, 3.0] and col(frame, "ce_ordinal")[3] == 2.0
    assert np.isnan(frame.loc[2, "ce_ordinal"])
    assert col(frame, "ce_medium")[:2] + col(frame, "ce_medium")[3:] == [0.0, 0.0, 1.0]
    assert col(frame, "ce_high")[:2] == [0.0, 1.0]
    assert np.isnan(frame.loc[2, "ce_high"])


def test_governance_variables(frame):
    # quasi-hierarchy codes 0, 1, 2, 1 -> global only for code 2 (or 3)
    assert col(frame, "global_qh") == [0.0, 0.0, 1.0, 0.0]
    assert col(frame, "has_market")[:2] == [1.0, 1.0] and col(frame, "has_market")[3] == 0.0
    assert np.isnan(frame.loc[1, "has_hierarchy"])
    # A: market(3) network(3) hierarchy(1) present -> 3 forms (code 3 counts once); D: network, qh -> 2
    assert frame.loc[0, "n_chains"] == 3.0 and frame.loc[3, "n_chains"] == 2.0
    assert np.isnan(frame.loc[1, "n_chains"])          # one code unknown
    # any_global: A has code 3 -> 1; B none global but hierarchy unknown -> NaN;
    # C qh=2 settles it despite unknowns -> 1; D all known, none global -> 0
    assert frame.loc[0, "any_global"] == 1.0
    assert np.isnan(frame.loc[1, "any_global"])
    assert frame.loc[2, "any_global"] == 1.0 and frame.loc[3, "any_global"] == 0.0


def test_sectors_interactions_and_sum(frame):
    assert col(frame, "sector_traditional") == [1.0, 0.0, 0.0, 0.0]
    assert frame.loc[1, "ce_x_natural_resource"] == 3.0 and frame.loc[0, "ce_x_natural_resource"] == 0.0
    assert np.isnan(frame.loc[2, "ce_x_traditional"])  # CE missing -> every CE term missing
    assert frame.loc[0, "upgrading_sum"] == 1.5
    assert np.isnan(frame.loc[1, "upgrading_sum"])     # functional N/A: no partial sum
    assert frame.loc[2, "upgrading_sum"] == 6.0


def test_every_variable_documented(frame):
    derived = [c for c in frame.columns if c not in ("case_id", "name", "sector", "origin")]
    assert set(derived) <= set(VARIABLES), set(derived) - set(VARIABLES)
    assert "counts once" in VARIABLES["n_chains"]       # the code-3 rule is stated


def test_listwise_reports_dropped_cases(frame):
    kept, dropped = listwise(frame, ["upgrading_functional", "ce_ordinal"])
    assert kept["case_id"].tolist() == ["A"]
    reasons = dict(zip(dropped["case_id"], dropped["missing"]))
    assert reasons == {"B": "upgrading_functional", "C": "ce_ordinal",
                       "D": "upgrading_functional"}
    rep = missing_report(frame, ["ce_ordinal"])
    assert rep.loc[0, "n_missing"] == 1 and rep.loc[0, "cases"] == "C"


@pytest.mark.parametrize("column, value", [("ce_degree", "very high"), ("gov_market", 5),
                                           ("upgrading_product", 1.25), ("sector", "software")])
def test_invalid_codes_raise(column, value):
    cases = hand_cases()
    if column == "ce_degree":
        cases[column] = cases[column].astype(object)
    elif column == "gov_market":
        cases[column] = cases[column].astype(object)
    cases.loc[0, column] = value
    with pytest.raises(ValueError):
        model_frame(cases)


def test_synthetic_cases_have_the_schema():
    cases = synthetic_cases(50, seed=1, missing_rate=0.1)
    frame = model_frame(cases)            # validates grid, codes and sectors
    assert len(frame) == 50
    assert frame["ce_ordinal"].isna().any() and frame["upgrading_product"].isna().any()
