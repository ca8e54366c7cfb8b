"""Sensitivity analyses: recoding draws, leave-one-out, and their speed."""

import numpy as np
import pandas as pd
import pytest

from analysis.stats.sensitivity import (coefficient_stability, loo_coefficients, loo_verdicts,
    recode_draws, verdict_stability)
from analysis.stats.variables import UPGRADING_COLUMNS, model_frame, synthetic_cases

SECTORS = ["traditional", "natural_resource", "complex_products", "specialized_suppliers"]


def labels() -> pd.DataFrame:
    rows = []
    for b, lab in (("collective_efficiency", "Positive"), ("global_leaders", "Neutral")):
        for u in ("product", "process", "functional"):
            for s in SECTORS[:3]:
                rows.append({"block": b, "upgrading": u, "sector": s, "label": lab})
    for u in ("product", "process", "functional"):
        rows.append({"block": "global_leaders", "upgrading": u, "sector": SECTORS[3], "label": "None"})
    return pd.DataFrame(rows)


@pytest.fixture
def frame():
    return model_frame(synthetic_cases(40, seed=8, missing_rate=0.05))


def test_recoding_moves_scores_by_one_step_at_the_stated_rate(frame):
    d = recode_draws(frame, step=1.0, prob=0.3, n_draws=400, seed=1)
    for col in UPGRADING_COLUMNS:
        v = frame[col].to_numpy()
        diff = d[col] - v
        assert np.isnan(d[col][:, np.isnan(v)]).all()                 # missing stays missing
        ok = ~np.isnan(v)
        assert set(np.unique(np.abs(diff[:, ok]))) <= {0.0, 0.5, 1.0}  # 0.5 only when clipped
        assert ((d[col][:, ok] >= 0) & (d[col][:, ok] <= 3)).all()
        interior = ok & (v >= 1) & (v <= 2)                           # never clipped
        assert np.mean(diff[:, interior] != 0) == pytest.approx(0.3, abs=0.02)
    np.testing.assert_array_equal(d["upgrading_sum"], sum(d[c] for c in UPGRADING_COLUMNS))
    again = recode_draws(frame, step=1.0, prob=0.3, n_draws=400, seed=1)
    np.testing.assert_array_equal(again["upgrading_product"], d["upgrading_product"])
    same = recode_draws(frame, prob=0.0, n_draws=3)
    np.testing.assert_array_equal(same["upgrading_product"][2], frame["upgrading_product"].to_numpy())


def test_no_recoding_keeps_everything(frame):
    cs = coefficient_stability(frame, prob=0.0, n_draws=20)
    assert (cs["share_both_kept"] == 1.0).all()
    vs = verdict_stability(frame, labels(), prob=0.0, n_draws=20, n_perm=199, n_boot=99)
    assert (vs["share_kept"] == 1.0).all() and (vs["share_strict_kept"] == 1.0).all()


def test_strong_planted_effect_survives_recoding():
    frame = model_frame(synthetic_cases(300, seed=3, ce_effect=0.8, noise=0.5))
    cs = coefficient_stability(frame, outcomes=("product",), n_draws=100, prob=0.2)
    ce = cs[cs.term == "ce_ordinal"].iloc[0]
    assert ce.significant and ce.share_both_kept == 1.0


def test_loo_names_the_case_that_carries_the_sign():
    # group 1 mean 1.7 > group 0 mean 1.0 only because of case c9 (y = 5): without it 0.875 < 1
    y = [1, 1.1, 0.9, 1, 1, 0.8, 0.9, 0.85, 0.95, 5]
    g = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    frame = pd.DataFrame({"case_id": [f"c{i}" for i in range(10)], "name": "", "sector": "traditional",
                          "upgrading_product": y, "global_qh": np.asarray(g, dtype=float)})
    lo = loo_coefficients(frame, outcomes=("product",), regressors=["global_qh"])
    row = lo.iloc[0]
    assert row.coef > 0 and "c9" in row.flipped_by.split(", ")
    assert row.n_loo == 10 and row.share_kept < 1


def test_loo_verdict_changed_by_the_only_global_case(frame):
    frame = frame.copy()
    sw = frame.index[frame.sector == "specialized_suppliers"]
    frame.loc[sw, "global_qh"] = 0.0
    frame.loc[sw[0], "global_qh"] = 1.0                    # one global buyer contradicts 'None'
    lab = pd.DataFrame([{"block": "global_leaders", "upgrading": "product",
                         "sector": "specialized_suppliers", "label": "None"}])
    lv = loo_verdicts(frame, lab)
    assert lv.loc[0, "verdict"] == "contradicted"
    assert lv.loc[0, "changed_by"] == frame.loc[sw[0], "case_id"]
