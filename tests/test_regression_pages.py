"""The regression and Table 9.3 pages: byte-identical exports for a seed, published results
untouched by new cases, the page specification, the sample report, and the analytic
ordered-model score behind the faster fits."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.tools.numdiff import approx_fprime

from analysis.book import build as b
from analysis.io import extended as ext
from analysis.stats import models
from analysis.stats import pattern_tests as pt
from analysis.report import regression_pages as rp
from analysis.stats import sensitivity as sens
from analysis.stats.variables import model_frame, synthetic_cases

from analysis.paths import ROOT  # noqa: E402
OUTS = list(models.OUTCOMES)
PAGE = dict(outcomes=OUTS, seed=20061, n_perm=199, n_boot=199)


def exports(run: rp.RegressionRun) -> tuple[str, str, str]:
    return run.csv, run.latex, run.html


def table93_exports(cases: pd.DataFrame, labels: pd.DataFrame, seed: int) -> list[str]:
    """The CSV strings of the Table 9.3 page's tables (tests, grid, recoding and leave-one-out)."""
    frame = rp.analysis_frame(cases)
    kw = dict(seed=seed, n_perm=199, n_boot=99)
    tests = pt.assess_table93(frame, labels, **kw)
    vs = sens.verdict_stability(frame, labels, n_draws=30, **kw)
    cs = sens.coefficient_stability(frame, regressors=rp.page_regressors(frame, OUTS), n_draws=50, seed=seed)
    return [t.to_csv(index=False, lineterminator="\n")
            for t in (tests, rp.verdict_grid_both(tests), vs, cs)]


# ----------------------------------------------------------------- determinism

def test_regression_exports_are_byte_identical_for_the_same_seed(book_data):
    a = rp.run_regressions(book_data.cases, **PAGE)
    again = rp.run_regressions(book_data.cases, **PAGE)
    assert exports(a) == exports(again)
    assert a.latex.startswith(r"\begin{table}") and a.html.startswith("<table") and a.csv.startswith("term,")
    other = rp.run_regressions(book_data.cases, **{**PAGE, "seed": 1})
    assert other.csv != a.csv            # the seed reaches the permutation p-values in the table


def test_table93_exports_are_byte_identical_for_the_same_seed(book_data):
    first = table93_exports(book_data.cases, book_data.table_9_3, seed=20061)
    assert first == table93_exports(book_data.cases, book_data.table_9_3, seed=20061)
    assert first != table93_exports(book_data.cases, book_data.table_9_3, seed=7)


# ----------------------------------------------------------------- published results stay put

def test_published_estimates_unchanged_when_the_example_cases_are_added(book_data):
    published, extended, new = ext.load_samples("cases/examples", book_data)
    assert len(new) == 2 and len(extended) == len(book_data.cases) + 2
    before = rp.run_regressions(book_data.cases, **PAGE)
    after = rp.run_regressions(published, **PAGE)
    assert exports(after) == exports(before)
    assert table93_exports(published, book_data.table_9_3, 20061) == \
        table93_exports(book_data.cases, book_data.table_9_3, 20061)
    # and the extended run is a different sample: El Porvenir enters the Table 9.3 product cell
    # (it lacks a governance code, so it cannot enter the regressions)
    x = pt.assess_table93(rp.analysis_frame(extended), book_data.table_9_3, n_perm=199, n_boot=99, seed=1)
    p = pt.assess_table93(rp.analysis_frame(published), book_data.table_9_3, n_perm=199, n_boot=99, seed=1)
    cell = lambda t: t[(t.block == "collective_efficiency") & (t.upgrading == "product")
                       & (t.sector == "traditional")].iloc[0]
    assert cell(x)["n"] == cell(p)["n"] + 1
    xrun = rp.run_regressions(extended, **PAGE)
    assert [r.n for r in xrun.results] == [r.n for r in before.results]
    assert any("footwear-el-porvenir" in set(r.dropped_cases["case_id"]) for r in xrun.results)
    cmp = rp.compare_runs(before, xrun)
    assert (cmp["coef change"].fillna(0) == 0).all()
    assert list(cmp["outcome"].drop_duplicates()) == OUTS    # published order kept


# ----------------------------------------------------------------- specification and sample

def test_page_regressors_leave_out_sectors_without_scores(book_data):
    frame = rp.analysis_frame(book_data.cases)
    regs = rp.page_regressors(frame, OUTS)
    assert regs == ("ce_ordinal", "global_qh", "sector_natural_resource", "sector_complex_products")
    assert rp.reference_sector(regs, frame, OUTS) == "traditional"
    only_nr = rp.analysis_frame(book_data.cases, ["natural_resource", "complex_products"])
    assert rp.page_regressors(only_nr, OUTS) == ("ce_ordinal", "global_qh", "sector_complex_products")
    run = rp.run_regressions(book_data.cases, **PAGE)
    assert all(not r.dropped_regressors for r in run.results)   # no dummy dropped in every model


def test_sample_report_names_each_dropped_case_and_why(book_data):
    run = rp.run_regressions(book_data.cases, **PAGE)
    rep = rp.sample_report(run.results, run.frame).set_index("case_id")
    assert rep.loc["garment-bucaramanga", "left out of"] == "functional, sum"
    assert "functional upgrading score not available" in rep.loc["garment-bucaramanga", "why"]
    assert rep.loc["footwear-campina-grande", "missing"] == "global quasi-hierarchy"  # a label, not global_qh
    assert rep.loc["garment-bucaramanga", "missing"] == "functional upgrading, upgrading sum"
    assert "governance code unknown" in rep.loc["footwear-campina-grande", "why"]
    software = rep[rep["sector"].str.startswith("Specialized")]
    assert len(software) == 5 and software["why"].str.contains(rp.NO_SCORES).all()
    assert len(rep) == 7
    sizes = rp.sample_sizes(run.results).set_index("outcome")["n"]
    assert sizes.to_dict() == {"product": 34, "process": 34, "functional": 33, "intersectoral": 34, "sum": 33}


def test_refused_models_are_reported(book_data):
    run = rp.run_regressions(book_data.cases, **PAGE)
    est = rp.estimability(run.results)
    refused = est[est["estimated"] == "no"]
    assert set(zip(refused["outcome"], refused["model"])) == {("intersectoral", "Ordered logit"),
                                                             ("intersectoral", "Ordered probit")}
    assert refused["reason"].str.startswith("separation").all()


def test_parse_choice():
    assert rp.parse_choice("all", ["a", "b"], "x") == ["a", "b"]
    assert rp.parse_choice(" b , a", ["a", "b"], "x") == ["a", "b"]
    for bad in ("c", "", "a,c"):
        with pytest.raises(ValueError, match="parameter x"):
            rp.parse_choice(bad, ["a", "b"], "x")
    with pytest.raises(ValueError):
        rp.parse_choice("all", ["a", "b"], "x", all_word=None)


def test_pages_declare_their_parameters_and_are_registered():
    runs = {r.output: r for r in b.read_runs()}
    for page in ("chapters/regression", "chapters/table93"):
        run = runs[page]
        declared = b.declared_parameters(ROOT / run.source)
        assert declared["case_set"]["allowed"] == ["published", "extended"]
        assert {"seed", "n_perm", "n_boot", "cases_dir"} <= set(declared)
        assert b.check_parameters(run, declared) == []
    assert {"n_draws", "recode_prob"} <= set(b.declared_parameters(ROOT / "chapters/table93.md"))
    assert {"outcomes", "sectors"} <= set(b.declared_parameters(ROOT / "chapters/regression.md"))


# ----------------------------------------------------------------- analytic ordered-model score

@pytest.mark.parametrize("distr", ["logit", "probit"])
def test_analytic_ordered_score_matches_numerical_derivatives(distr):
    frame = model_frame(synthetic_cases(200, seed=5))
    prep = models.prepare(frame, "product", models.DEFAULT_REGRESSORS, kind="o" + distr)
    levels = np.unique(prep.y)
    endog = pd.Series(pd.Categorical.from_codes(np.searchsorted(levels, prep.y),
                                                categories=[f"{v:g}" for v in levels], ordered=True))
    m = models._ScoredOrderedModel(endog, prep.X, distr=models._LINKS[distr])
    rng = np.random.default_rng(0)
    for _ in range(3):
        p0 = m.start_params + rng.normal(0, 0.3, len(m.start_params))
        num = approx_fprime(p0, m.loglikeobs, centered=True)
        np.testing.assert_allclose(m.score_obs(p0), num, atol=1e-6)
        np.testing.assert_allclose(m.score(p0), num.sum(axis=0), atol=1e-5)
        H = m.hessian(p0)
        np.testing.assert_allclose(H, H.T)
        assert np.all(np.linalg.eigvalsh(H) < 0)          # concave log-likelihood


def test_recoding_convention_changes_lists_only_coefficients_that_moved():
    import pandas as pd
    from analysis.report import regression_pages as rp
    base = pd.DataFrame({"outcome": ["product", "product"], "term": ["ce_ordinal", "gov_market"],
                         "p": [0.04, 0.5], "significant": [True, False],
                         "share_significance_kept": [0.8, 0.9], "share_both_kept": [0.7, 0.9]})
    old = base.assign(p=[0.03, 0.5], share_significance_kept=[0.85, 0.9], share_both_kept=[0.75, 0.9])
    out = rp.recoding_convention_changes(base, old)
    assert list(out["term"]) == ["ce_ordinal"]
    assert out.loc[0, "recoding: both kept old"] == 0.75 and out.loc[0, "recoding: both kept new"] == 0.7
    assert out.loc[0, "p old"] == 0.03 and out.loc[0, "p new"] == 0.04
    assert rp.recoding_convention_changes(base, base).empty


def test_coef_plot_has_labels_and_intervals():
    from analysis.stats.variables import model_frame, synthetic_cases

    frame = model_frame(synthetic_cases(80, seed=2))
    res = models.fit_models(frame, outcomes=("product", "process"), kinds=("ols", "ologit"), n_perm=0, n_boot=0)
    fig = rp.coef_plot(res)
    axes = fig.get_axes()
    assert len(axes) == 2
    for ax in axes:
        assert ax.get_xlabel() and len(ax.containers) == 2           # one errorbar set per outcome
    assert axes[0].get_ylabel() == "explanatory variable"
    assert fig.legends and not axes[0].get_legend()                  # the legend is outside the panels


def test_coef_plot_labels_do_not_collide_at_print_size(book_data):
    """The published three-panel figure, as a page saves it (theme.conform: full width, fonts
    of at least 8 pt): no two axis labels or tick labels overlap and none leaves the image."""
    from analysis import theme

    run = rp.run_regressions(book_data.cases, **PAGE)
    fig = theme.conform(rp.coef_plot(run.results, variables=list(run.regressors), labels=rp.SHORT_LABELS))
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    boxes = [ax.xaxis.label.get_window_extent(renderer) for ax in fig.axes]
    boxes += [fig.legends[0].get_window_extent(renderer)]
    if fig._supxlabel is not None:  # the note on models that cannot be estimated
        boxes.append(fig._supxlabel.get_window_extent(renderer))
    W, H = fig.bbox.width, fig.bbox.height
    for i, a in enumerate(boxes):
        assert a.x0 >= -1 and a.x1 <= W + 1 and a.y0 >= -1 and a.y1 <= H + 1, (i, a)
        for b_ in boxes[i + 1:]:
            assert not a.overlaps(b_), (a, b_)
    assert theme.smallest_font(fig) >= theme.MIN_FONT


def test_codebook_marks_the_variables_no_published_case_has_data_for(book_data, tmp_path, monkeypatch):
    import json
    import re

    from analysis.report import regression_page
    from analysis.report.present import Page
    from analysis.vocab import CE_COMPONENTS

    monkeypatch.chdir(tmp_path)
    md = regression_page.data_downloads(Page("regression"), book_data.cases)
    spec = json.loads(open(re.search(r"```\{literal-table\} (\S+)", md).group(1), encoding="utf-8").read())
    cases = pd.read_csv(ROOT / "data" / "cases.csv")
    rows = {r[0]: dict(zip(spec["columns"], r)) for r in spec["rows"]}
    assert set(CE_COMPONENTS) <= set(rows)  # kept: the .dta and Parquet files hold them
    empty = [c for c in cases.columns if cases[c].isna().all()]
    assert set(CE_COMPONENTS) <= set(empty)
    for var, row in rows.items():
        if var in empty:
            assert "no published case coded" in row["Missing"] and str(len(cases)) in row["Missing"], var
        else:
            assert row["Missing"] == str(int(cases[var].isna().sum())), var
    download = pd.read_csv(tmp_path / "downloads" / "regression" / spec["download"])
    assert pd.api.types.is_integer_dtype(download["missing"])  # the CSV keeps the counts as numbers
