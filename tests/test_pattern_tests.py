"""Table 9.3 put to the test: statistics and verdict rules on small hand-built frames."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from analysis.stats.pattern_tests import (assess_cell, assess_table93, expectation, rank_biserial_batch,
    spearman_batch, verdict_direction, verdict_grid, verdict_strict)

SECTORS = ["traditional", "natural_resource", "complex_products", "specialized_suppliers"]


def book_labels() -> pd.DataFrame:
    """The printed labels of Table 9.3 as given in the brief."""
    ce = {"product": ["Positive", "Positive", "Neutral", "Positive"],
          "process": ["Neutral", "Positive", "Neutral", "Positive"],
          "functional": ["Neutral", "Positive", "Neutral", "Positive"]}
    gl = {"product": ["Positive", "Positive (but passive)", "Neutral (indirectly positive)", "None"],
          "process": ["Positive", "Positive (but passive)", "Neutral (indirectly positive)", "None"],
          "functional": ["Often negative", "Neutral/negative", "Neutral/negative", "None"]}
    rows = [{"block": b, "upgrading": u, "sector": s, "label": lab, "footnote": ""}
            for b, d in (("collective_efficiency", ce), ("global_leaders", gl))
            for u, labs in d.items() for s, lab in zip(SECTORS, labs)]
    return pd.DataFrame(rows)


def cases(sector, ce, qh, product, process=None, functional=None, start=0):
    n = len(ce)
    nan = [np.nan] * n
    return pd.DataFrame({
        "case_id": [f"{sector[:2]}{start + i}" for i in range(n)], "name": "", "sector": sector,
        "ce_ordinal": np.asarray(ce, dtype=float), "global_qh": np.asarray(qh, dtype=float),
        "upgrading_product": np.asarray(product, dtype=float),
        "upgrading_process": np.asarray(process if process is not None else nan, dtype=float),
        "upgrading_functional": np.asarray(functional if functional is not None else nan, dtype=float),
    })


@pytest.fixture
def frame():
    """Traditional: CE tracks product upgrading exactly in rank, process is flat in CE.
    Natural resource: only 4 cases. Complex products: CE all high.
    Specialized suppliers: no per-case scores (like software), no global buyer."""
    trad = cases("traditional", ce=[1, 1, 2, 2, 3, 3], qh=[0, 0, 0, 1, 1, 1],
                 product=[0, 0.5, 1, 1.5, 2.5, 3],
                 process=[2, 1, 2, 2, 1, 2],              # centred ranks orthogonal to CE: rho = 0
                 functional=[3, 2.5, 2, 1.5, 1, 0.5])     # falls with global_qh
    nr = cases("natural_resource", ce=[1, 2, 3, 3], qh=[0, 1, 0, 1], product=[0, 1, 2, 3])
    cp = cases("complex_products", ce=[3] * 5, qh=[0, 0, 1, 1, 0], product=[0, 1, 2, 3, 1])
    ss = cases("specialized_suppliers", ce=[np.nan] * 5, qh=[0] * 5, product=[np.nan] * 5)
    return pd.concat([trad, nr, cp, ss], ignore_index=True)


def test_label_expectations():
    assert [expectation(x) for x in ["Positive", "Positive (but passive)", "Neutral",
                                     "Neutral (indirectly positive)", "Often negative",
                                     "Neutral/negative", "None"]] == ["+", "+", "0", "0", "-", "0/-", "absent"]
    assert expectation("  positive ") == "+"
    with pytest.raises(ValueError):
        expectation("Mildly positive")


@pytest.mark.parametrize("exp, est, want", [("+", 0.5, "supported"), ("+", 0.1, "contradicted"),
                                            ("+", -0.5, "contradicted"), ("0", 0.1, "supported"),
                                            ("0", -0.4, "contradicted"), ("-", -0.3, "supported"),
                                            ("0/-", -0.9, "supported"), ("0/-", 0.29, "supported"),
                                            ("0/-", 0.31, "contradicted")])
def test_direction_rule(exp, est, want):
    assert verdict_direction(exp, est, band=0.3) == want


@pytest.mark.parametrize("exp, est, p, lo, hi, want", [
    ("+", 0.6, 0.05, 0.1, 0.9, "supported"),
    ("+", 0.6, 0.20, -0.2, 0.9, "inconclusive"),
    ("+", -0.6, 0.05, -0.9, -0.1, "contradicted"),
    ("-", -0.6, 0.05, -0.9, -0.1, "supported"),
    ("0", 0.7, 0.05, 0.2, 0.9, "contradicted"),
    ("0", 0.05, 0.80, -0.2, 0.25, "supported"),        # interval inside the band
    ("0", 0.05, 0.80, -0.6, 0.7, "inconclusive"),
    ("0/-", 0.6, 0.05, 0.2, 0.9, "contradicted"),
    ("0/-", -0.6, 0.05, -0.9, -0.2, "supported"),
    ("0/-", 0.1, 0.60, -0.8, 0.2, "supported"),       # upper end below the band
    ("0/-", 0.1, 0.60, -0.8, 0.6, "inconclusive"),
])
def test_strict_rule(exp, est, p, lo, hi, want):
    assert verdict_strict(exp, est, p, lo, hi, alpha=0.10, band=0.3) == want


def test_spearman_exact_p_by_hand():
    rng = np.random.default_rng(0)
    x = np.array([1.0, 2, 3, 4, 5])
    st = spearman_batch(x, x[None], n_perm=9999, n_boot=200, rng=rng)
    # only the identity and the reversal reach |rho| = 1 among 5! = 120 orderings
    assert st["exact"] and st["estimate"][0] == pytest.approx(1.0)
    assert st["p"][0] == pytest.approx(2 / 120)
    y = np.array([[2.0, 1, 3, 3, 0], [0, 0, 1, 1, 1]])
    st = spearman_batch(np.array([1.0, 1, 2, 3, 3]), y, n_perm=9999, n_boot=200, rng=rng)
    for d in range(2):
        assert st["estimate"][d] == pytest.approx(spearmanr([1, 1, 2, 3, 3], y[d]).statistic)


def test_rank_biserial_exact_p_by_hand():
    g = np.array([0.0, 0, 0, 1, 1, 1])
    y = np.array([[1.0, 2, 3, 4, 5, 6]])
    st = rank_biserial_batch(g, y, n_perm=9999, n_boot=200, rng=np.random.default_rng(0))
    # complete separation of the groups: r = 1; 2 of the C(6,3) = 20 splits are as extreme
    assert st["estimate"][0] == pytest.approx(1.0) and st["p"][0] == pytest.approx(0.1)
    assert st["diff_means"][0] == pytest.approx(3.0)
    assert st["n_perm"] == 20 and st["exact"]


def test_monte_carlo_p_is_seeded():
    rng_x = np.random.default_rng(5)
    x = rng_x.integers(1, 4, 12).astype(float)
    y = (x + rng_x.normal(size=12))[None]
    a = spearman_batch(x, y, n_perm=999, n_boot=99, rng=np.random.default_rng(1))
    b = spearman_batch(x, y, n_perm=999, n_boot=99, rng=np.random.default_rng(1))
    c = spearman_batch(x, y, n_perm=999, n_boot=99, rng=np.random.default_rng(2))
    assert not a["exact"] and a["p"][0] == b["p"][0] and a["ci_low"][0] == b["ci_low"][0]
    assert a["p"][0] != c["p"][0] or a["ci_low"][0] != c["ci_low"][0]


def cell(tests, block, upgrading, sector):
    hit = tests[(tests.block == block) & (tests.upgrading == upgrading) & (tests.sector == sector)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_verdicts_on_hand_built_frame(frame):
    t = assess_table93(frame, book_labels(), n_perm=9999, n_boot=499, seed=1)
    ce, gl = "collective_efficiency", "global_leaders"
    # traditional product: Positive, rho ~0.96; as extreme are only the 2*2*2 orderings that
    # swap cases tied on CE, and their reversals: exact p = 16/720
    r = cell(t, ce, "product", "traditional")
    assert r.estimate > 0.9 and r.p_value == pytest.approx(16 / 720) and r.p_method.startswith("exact")
    assert (r.verdict, r.verdict_strict) == ("supported", "supported")
    assert r.model_estimate > 0                    # the model-based slope agrees in sign
    # traditional process: Neutral, rho = 0 exactly -> direction supported, strict cannot tell
    r = cell(t, ce, "process", "traditional")
    assert r.estimate == pytest.approx(0.0, abs=1e-12)
    assert r.verdict == "supported" and r.verdict_strict == "inconclusive"
    # traditional functional under global leaders: 'Often negative', r = -1 with p = 2/20
    r = cell(t, gl, "functional", "traditional")
    assert r.estimate == pytest.approx(-1.0) and r.p_value == pytest.approx(0.1)
    assert r.verdict == "supported" and r.verdict_strict == "inconclusive"   # p = 0.10 is not < 0.10
    # too few natural-resource cases
    r = cell(t, ce, "product", "natural_resource")
    assert r.verdict == "not testable" and "too few" in r.reason and r.n == 4
    # complex products: CE does not vary
    r = cell(t, ce, "product", "complex_products")
    assert r.verdict == "not testable" and "no variation in CE" in r.reason
    # complex products process: no scores at all in this sector
    assert "not published" in cell(t, ce, "process", "complex_products").reason
    # software-like sector: no per-case scores
    r = cell(t, ce, "product", "specialized_suppliers")
    assert r.verdict == r.verdict_strict == "not testable" and "not published" in r.reason
    # 'None' label: no case has a global buyer -> the data agree, but not testable
    r = cell(t, gl, "product", "specialized_suppliers")
    assert r.verdict == "not testable" and "agrees" in r.reason


def test_none_label_contradicted_when_a_global_buyer_is_present(frame):
    frame.loc[frame.case_id == "sp2", "global_qh"] = 1.0
    r = assess_cell(frame, "global_leaders", "product", "specialized_suppliers", "None")
    assert r["verdict"] == r["verdict_strict"] == "contradicted" and "sp2" in r["reason"]


def test_neutral_contradicted_by_a_strong_association(frame):
    r = assess_cell(frame, "collective_efficiency", "product", "traditional", "Neutral", n_boot=199)
    assert r["verdict"] == "contradicted" and r["verdict_strict"] == "contradicted"


def test_table_is_deterministic_and_shaped_like_table_9_3(frame):
    a = assess_table93(frame, book_labels(), n_perm=999, n_boot=199, seed=3)
    b = assess_table93(frame, book_labels(), n_perm=999, n_boot=199, seed=3)
    pd.testing.assert_frame_equal(a, b)
    grid = verdict_grid(a)
    assert grid.shape == (6, 4) and list(grid.columns) == SECTORS
    assert set(grid.to_numpy().ravel()) <= {"supported", "contradicted", "not testable"}
    assert set(verdict_grid(a, "verdict_strict").to_numpy().ravel()) <= {
        "supported", "contradicted", "inconclusive", "not testable"}


def test_descriptive_rows_of_table_9_3_are_skipped(frame):
    labels = pd.concat([book_labels(), pd.DataFrame([
        {"block": "learning_pattern", "upgrading": np.nan, "sector": "traditional",
         "label": "Supplier-driven", "footnote": ""}])], ignore_index=True)
    t = assess_table93(frame, labels, n_perm=199, n_boot=99)
    assert len(t) == 24 and "learning_pattern" not in set(t.block)


def test_runs_on_the_book_data(book_data):
    from analysis.stats.variables import model_frame
    t = assess_table93(model_frame(book_data.cases), book_data.table_9_3, n_perm=999, n_boot=199)
    assert len(t) == 24
    # every cell gets a verdict from the fixed vocabulary, and every untestable one a reason
    assert set(t.verdict) <= {"supported", "contradicted", "not testable"}
    assert (t.loc[t.verdict == "not testable", "reason"].str.len() > 0).all()
