"""Indices and aggregates on small hand-worked frames."""
import math

import pandas as pd
import pytest

from analysis.method.aggregate import upgrading_aggregates
from analysis.method.indices import (EE_COMPONENTS, JA_COMPONENTS, ce_degree_from_index, ce_index,
    ee_index, ja_index, upgrading_sum, with_indices)


def frame(**cols):
    return pd.DataFrame(cols)


def test_indices_from_components():
    ee = dict(zip(EE_COMPONENTS, ([3, 1], [2, 1], [1, None], [0, 1])))
    ja = dict(zip(JA_COMPONENTS, ([1, 0], [1, 0], [2, 0], [3, 0])))
    cases = frame(**ee, **ja)
    assert ee_index(cases).tolist()[0] == 3 + 2 + 1 + 0
    assert math.isnan(ee_index(cases).tolist()[1])       # one EE component missing: no index
    assert ja_index(cases).tolist() == [7.0, 0.0]
    assert ce_index(cases).tolist()[0] == pytest.approx(0.5 * 6 + 0.5 * 7)


def test_ce_degree_cut_points():
    idx = pd.Series([0.0, 3.99, 4.0, 7.99, 8.0, 12.0, None])
    got = ce_degree_from_index(idx).astype("string").tolist()
    assert got[:6] == ["low", "low", "medium", "medium", "high", "high"]
    assert pd.isna(got[6])
    with pytest.raises(ValueError):
        ce_degree_from_index(idx, cuts=(8.0, 4.0))


def test_with_indices_keeps_given_degree_and_derives_missing():
    comps = {c: [3.0, 1.0] for c in (*EE_COMPONENTS, *JA_COMPONENTS)}
    cases = frame(ce_degree=pd.Categorical(["low", None], categories=["low", "medium", "high"], ordered=True),
                  upgrading_product=[1.0, 2.0], upgrading_process=[1.0, 2.0],
                  upgrading_functional=[None, 0.0], upgrading_intersectoral=[0.0, 0.0], **comps)
    out = with_indices(cases)
    assert out.loc[0, "ce_degree"] == "low"                  # given by the coder, kept even if index says high
    assert out.loc[0, "ce_degree_source"] == "given"
    assert out.loc[1, "ce_index"] == 4.0                      # 4 x 1 each side
    assert out.loc[1, "ce_degree"] == "medium"
    assert out.loc[1, "ce_degree_source"] == "derived from CE index"


def test_upgrading_sum_counts_na_as_zero_but_all_missing_is_missing():
    cases = frame(upgrading_product=[1.5, None], upgrading_process=[1.5, None],
                  upgrading_functional=[None, None], upgrading_intersectoral=[0.0, None])
    s = upgrading_sum(cases).tolist()
    assert s[0] == 3.0 and math.isnan(s[1])


def test_aggregates_follow_book_convention():
    rows = frame(upgrading_product=[2.0, 3.0, 1.0], upgrading_process=[2.0, 2.0, 2.0],
                 upgrading_functional=[1.0, None, 0.5], upgrading_intersectoral=[0.0, 0.0, 1.0])
    agg = upgrading_aggregates(rows)
    assert agg.loc["Total", "upgrading_product"] == 6.0
    assert agg.loc["Average", "upgrading_functional"] == pytest.approx(1.5 / 3)  # N/A counted in the denominator
    assert agg.loc["Available-case average", "upgrading_functional"] == pytest.approx(1.5 / 2)
    assert agg.loc["Total", "upgrading_sum"] == (5 + 5 + 4.5)
    assert agg.loc["n", "upgrading_functional"] == 2


def test_degree_from_bounds_when_missing_components_cannot_change_it():
    # EE 2+2+1+2 = 7; JA 2 + ? + 2 + 1 -> JA in [5, 8]; CE in [6, 7.5]: medium whatever the missing one is
    known = dict(zip(EE_COMPONENTS, ([2.0], [2.0], [1.0], [2.0])))
    known.update(dict(zip(JA_COMPONENTS, ([2.0], [None], [2.0], [1.0]))))
    cases = frame(ce_degree=pd.Categorical([None], categories=["low", "medium", "high"], ordered=True),
                  upgrading_product=[1.0], upgrading_process=[None], upgrading_functional=[None],
                  upgrading_intersectoral=[None], **known)
    out = with_indices(cases)
    assert math.isnan(out.loc[0, "ce_index"])
    assert (out.loc[0, "ce_index_min"], out.loc[0, "ce_index_max"]) == (6.0, 7.5)
    assert out.loc[0, "ce_degree"] == "medium" and "bounds" in out.loc[0, "ce_degree_source"]
    # two missing components: CE in [6-1, 7.5+...] spans two bands, so no degree
    cases.loc[0, "ee_information"] = None
    out = with_indices(cases)
    assert pd.isna(out.loc[0, "ce_degree"])
