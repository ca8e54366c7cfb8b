"""What the regression page (``chapters/regression.md``) shows, computed in one place: the
models of the published sample, the numbers its prose glues in, its generated lists and its
extended-sample section. The notebook reads its parameters, calls these and displays the
results; the page's sentences are its Markdown. Shared helpers of the regression and
Table 9.3 pages stay in :mod:`analysis.report.regression_pages`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import escape
from analysis.io import case_exports
from analysis.report import format as fmt
from analysis.report import regression_pages as rp
from analysis.stats import models, robustness
from analysis.vocab import SECTOR_LABELS

CI = 0.95  # level of every interval on the page


@dataclass
class RegressionPage:
    """The published sample's models and what the page derives from them."""

    pub: rp.RegressionRun
    outcomes: list[str]
    sectors: list[str]
    new_here: pd.DataFrame      # new cases in the page's sectors (empty without new cases)
    show_extended: bool          # the page shows the extended sample beside the published one
    dropped: pd.DataFrame
    reference: str
    inference: pd.DataFrame

    @property
    def results(self):
        return self.pub.results

    @property
    def ols(self):
        return [r for r in self.pub.results if r.kind == "ols"]


def check_conventions(ols_p: str, ordered_se: str) -> None:
    if ols_p not in ("t", "normal") or ordered_se not in ("oim", "robust"):
        raise ValueError(f"ols_p must be 't' or 'normal' (got {ols_p!r}); "
                         f"ordered_se must be 'oim' or 'robust' (got {ordered_se!r})")


def prepare(cases: pd.DataFrame, new_cases: pd.DataFrame, *, outcomes: list[str], sectors: list[str],
            seed: int, n_perm: int, n_boot: int, ols_p: str, ordered_se: str, case_set: str) -> RegressionPage:
    """Fit every model on the published cases ``cases`` with the page's conventions."""
    check_conventions(ols_p, ordered_se)
    pub = rp.run_regressions(cases, outcomes=outcomes, sectors=sectors, seed=seed, n_perm=n_perm, n_boot=n_boot,
                             caption="Upgrading on collective efficiency and chain governance "
                             "(published cases of Upgrading to Compete, 2006)", use_t=ols_p == "t",
                             ordered_se=ordered_se)
    new_here = new_cases[new_cases["sector"].isin(sectors)] if len(new_cases) else new_cases
    return RegressionPage(pub=pub, outcomes=outcomes, sectors=sectors, new_here=new_here,
                          show_extended=case_set == "extended" and len(new_here) > 0,
                          dropped=rp.sample_report(pub.results, pub.frame),
                          reference=rp.reference_sector(pub.regressors, pub.frame, outcomes),
                          inference=rp.ols_inference(pub.results, CI))


def glue_values(p: RegressionPage, *, seed: int, n_perm: int, n_boot: int) -> dict:
    """The numbers and words the page's prose glues in."""
    results, inf, ns = p.results, p.inference, [r.n for r in p.ols]
    ordered = [r for r in results if r.kind != "ols" and r.estimable]
    ratio = [float((r.bse / r.bse_robust * (r.robust_scale ** 0.5)).max()) for r in ordered]
    low = p.pub.low_variation
    flagged = low[low["flag"]] if len(low) else low
    return {
        "n_cases": int(len(p.pub.frame)), "n_sectors": int(len(p.sectors)),
        "sectors_analysed": fmt.count(len(p.sectors), "sector"),
        "n_min": int(min(ns)), "n_max": int(max(ns)), "n_dropped": int(len(p.dropped)),
        "n_models": int(len(results)), "n_estimated": int(sum(r.estimable for r in results)),
        "n_refused": int(sum(not r.estimable for r in results)), "n_outcomes": int(len(p.outcomes)),
        "n_regressors": int(len(p.pub.regressors)), "seed": int(seed), "n_perm": int(n_perm), "n_boot": int(n_boot),
        "perm_mc_max": f"{inf['p_permutation_mc_se'].max():.4f}" if len(inf) else "–",
        "boot_mc_max": f"{inf[['boot_low_mc_se', 'boot_high_mc_se']].max().max():.3f}" if len(inf) else "–",
        "robust_scale_n": int(ordered[0].n) if ordered else 0,
        "oim_hc0_max_pct": int(round((max(ratio) - 1) * 100)) if ratio else 0,
        "low_var_outcomes": ", ".join(flagged["outcome"]) if len(flagged) else "none",
        "low_var_detail": "; ".join(f"{r.outcome}: {r['most common value']:g} in {r['cases with it']} of {r.n} cases"
                                    for _, r in flagged.iterrows()) if len(flagged) else "none",
        "ci_pct": int(round(CI * 100)), "reference_sector": str(SECTOR_LABELS.get(p.reference, "none")),
        "n_new": int(len(p.new_here)),
        "stars": ", ".join(f"{mark} below {cut:.0%}" for cut, mark in reversed(models.STARS)),
        "n_coef_total": int(sum(len([t for t in r.params.index if t != "const"]) for r in results if r.estimable)),
    }


def outcome_lines(p: RegressionPage) -> str:
    """One Markdown bullet per OLS model: each core coefficient with its robust, permutation and
    bootstrap inference (interval ends to the digits their Monte-Carlo error supports)."""
    lines, inf = [], p.inference
    for r in p.ols:
        if not r.estimable:
            lines.append(f"- **{r.outcome}**: not estimable ({escape.myst(r.reason)}).")
            continue
        parts = []
        for t in rp.CORE_REGRESSORS:
            row = inf[(inf["outcome"] == r.outcome) & (inf["term"] == t)]
            if row.empty:
                parts.append(f"{rp.SHORT_LABELS[t]} not in the model "
                             f"({escape.myst(r.dropped_regressors.get(t, 'dropped'))})")
                continue
            x = row.iloc[0]
            parts.append(f"{rp.SHORT_LABELS[t]} {x['coef']:+.2f} (robust p {x['p_hc3']:.3f}, permutation p "
                         f"{x['p_permutation']:.3f}, bootstrap {CI:.0%} interval "
                         f"{fmt.with_mc_error(x['boot_low'], x['boot_low_mc_se'], 2)} "
                         f"to {fmt.with_mc_error(x['boot_high'], x['boot_high_mc_se'], 2)})")
        lines.append(f"- **{r.outcome}** (n = {r.n}, R² {r.fit_stat:.2f}): " + "; ".join(parts) + ".")
    return "\n".join(lines)


def ce_category_values(cat: pd.DataFrame) -> dict:
    """Glued values of the CE-as-categories paragraph (product upgrading)."""
    prod = cat[cat["outcome"] == "product"]
    if not len(prod):
        return {"cat_product_high": "–", "cat_product_medium": "–", "cat_product_p": "–",
                "cat_product_verdict": "cannot be tested"}
    r = prod.iloc[0]
    return {"cat_product_high": f"{r['high vs low']:+.2f}", "cat_product_medium": f"{r['medium vs low']:+.2f}",
            "cat_product_p": f"{r['p linearity']:.3f}",
            "cat_product_verdict": "is rejected" if r["p linearity"] < 0.05 else "is not rejected"}


def refused_text(results) -> str:
    """Why each refused model was refused (empty when every model was estimated)."""
    refused = [r for r in results if not r.estimable]
    if not refused:
        return ""
    return ("\n".join(f"- **{r.outcome}, {models.KINDS[r.kind].lower()}**: {escape.myst(rp.variables_in_words(r.reason))}."
                      for r in refused)
            + "\n\nSeparation means that some combination of the regressors sorts the cases into the outcome "
              "categories without overlap, so the likelihood keeps growing as the coefficients grow and has no "
              "maximum. OLS has no such problem and is reported for the same outcome.")


def extended_section(page, p: RegressionPage, extended_cases: pd.DataFrame, *, seed: int, n_perm: int,
                     n_boot: int) -> str:
    """MyST of the 'Published and extended samples' section (empty unless the page shows it)."""
    if not p.show_extended:
        return ""
    xrun = rp.run_regressions(extended_cases, outcomes=p.outcomes, sectors=p.sectors, seed=seed,
                              n_perm=n_perm, n_boot=n_boot, caption="Upgrading on collective efficiency and "
                              "chain governance (published cases plus new cases)", label="tab:regression-extended")
    new_ids = set(p.new_here["case_id"])
    used = {cid for r in xrun.results if r.kind == "ols" and r.estimable
            for cid in set(xrun.frame["case_id"]) - set(r.dropped_cases.get("case_id", []))} & new_ids
    xdropped = rp.sample_report(xrun.results, xrun.frame)
    xdropped = xdropped[xdropped["case_id"].isin(new_ids)]
    parts = ["## Published and extended samples\n\n"
             "This build adds " + ", ".join(escape.myst(n) for n in p.new_here["name"])
             + " (coded by contributors, not by the book's authors). Everything above is the published sample "
               f"and is unchanged. Of the {fmt.count(len(new_ids), 'new case')}, {len(used)} enter at least one "
               "model; the extended estimates are shown beside the published ones below."]
    if len(xdropped):
        parts.append(page.table(xdropped.drop(columns="case_id"), "extended_dropped",
                                "New cases left out of at least one model, and why", "the new case files", data=xdropped))
    cmp = rp.compare_runs(p.pub, xrun)
    parts.append(page.table(rp.show_p(cmp, ["p (published)", "p (extended)"]), "extended_comparison",
                            "Published and extended estimates side by side (all models)",
                            "data/cases.csv and the new case files", data=cmp))
    parts.append(rp.publish_table(page, xrun, "regression_table_extended",
                                  "Regression table on the extended sample (published cases plus new cases)",
                                  "data/cases.csv and the new case files; analysis/stats/models.py"))
    return "\n\n".join(parts)


def codebook_view(cb: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The codebook as shown: a variable that no case of ``cases`` has a value for says so in
    its Missing cell ("all 40: no published case coded").

    Such rows are kept, not dropped: the codebook describes the files offered for download
    (cases.dta, cases.parquet), which hold these variables (the eight collective-efficiency
    components, empty for every published case, are there for new cases), so a reader who
    opens the file in Stata or R finds every variable here, and sees at once that an empty
    column is empty for every case, not a column that failed to load."""
    out = cb.copy()
    published = "origin" in cases and cases["origin"].eq("book").all()
    nobody = "no published case coded" if published else "no case coded"
    empty = out["missing"].eq(len(cases)) & out["distinct values"].eq(0)
    out["missing"] = [f"all {fmt.number(int(m))}: {nobody}" if e else fmt.number(int(m))
                      for m, e in zip(out["missing"], empty)]
    return out


def data_downloads(page, cases: pd.DataFrame) -> str:
    """MyST of the case file for other software: its codebook table and the .dta and Parquet links."""
    exported = case_exports.write_all(cases, page.dir / "data")
    cb = case_exports.codebook(cases)
    md = page.table(codebook_view(cb, cases), "codebook",
                    "Codebook of the case file (data/cases.csv, cases.dta, cases.parquet)",
                    "datapackage.json (descriptions); analysis/vocab.py (codes); analysis/io/case_exports.py",
                    data=cb)
    page.items[-1]["files"] += [f.as_posix() for k, f in exported.items() if k != "codebook"]
    return (md + "\n\n" + f"{{download}}`Stata (.dta) <{exported['dta'].as_posix()}>` · "
            f"{{download}}`Parquet <{exported['parquet'].as_posix()}>`")


# ---------------------------------------------------------------- the page's sections
# Each returns (MyST, values to glue): the notebook glues the values and displays the MyST.

def sample_section(page, p: RegressionPage, cases_dir: str, case_set: str) -> tuple[str, dict]:
    parts = [page.table(rp.sample_sizes(p.results), "sample_sizes",
                        "Estimation sample of each outcome (the ordered models use the same cases as OLS)",
                        "data/cases.csv (book Tables 9.2 and 9.4-9.6); chapters/regression.md"),
             page.table(p.dropped.drop(columns="case_id"), "dropped_cases", "Cases left out of at least one model, and why",
                        "data/cases.csv; listwise deletion over each model's variables", data=p.dropped)]
    if cases_dir and case_set == "published" and len(p.new_here):
        parts.append(f"This build was given new case files ({fmt.count(len(p.new_here), 'case')} in these sectors), "
                     "but the page runs with `case_set = published`, so only the published cases enter the models. "
                     "Run it with `case_set = extended` to see the extended estimates beside the published ones.")
    return "\n\n".join(parts), {}


def variables_section(page, p: RegressionPage) -> tuple[str, dict]:
    return page.table(rp.variable_table(p.pub.regressors, p.outcomes), "variables",
                      "Variables of the models and their definitions", "analysis/stats/variables.py (VARIABLES)"), {}


def estimates_section(page, p: RegressionPage) -> tuple[str, dict]:
    coefs = rp.coefficient_rows(p.results)
    return "\n\n".join([
        rp.publish_table(page, p.pub, "regression_table",
                         "Upgrading regressed on collective efficiency, global quasi-hierarchy and sector (published cases)",
                         "data/cases.csv; analysis/stats/models.py", note=p.pub.note),
        page.table(rp.show_p(coefs.assign(term=coefs["term"].map(lambda t: rp.SHORT_LABELS.get(t, t))),
                             ["p", "p_robust"]), "regression_coefficients",
                   "Every estimated coefficient at full precision (the numbers the R replication is compared with)",
                   "data/cases.csv; analysis/stats/models.py; replication/regressions.R", data=coefs, note=p.pub.note)]), {}


def inference_section(page, p: RegressionPage) -> tuple[str, dict]:
    inf = p.inference
    shown = rp.show_mc(rp.show_p(inf.assign(term=inf["term"].map(rp.SHORT_LABELS)), ["p_hc3", "p_permutation"]), rp.BOOT_MC)
    return page.table(shown, "ols_inference", f"OLS coefficients: robust Wald, permutation and bootstrap inference "
                      f"({CI:.0%} intervals)", "data/cases.csv; analysis/stats/models.py", data=inf), {}


def figures_section(page, p: RegressionPage) -> tuple[str, dict]:
    regs = list(p.pub.regressors)
    return "\n\n".join([
        page.figure(rp.coef_plot(p.results, variables=regs, labels=rp.SHORT_LABELS, interval="bootstrap"),
                    "coefficients_bootstrap",
                    f"Coefficients of the three models for each outcome, with {CI:.0%} intervals: pairs-bootstrap "
                    "percentile intervals for OLS, robust Wald intervals for the ordered models. Data: published cases; "
                    "notebook chapters/regression.md.",
                    "Three panels of coefficient estimates with horizontal interval bars, one marker per outcome"),
        page.figure(rp.coef_plot(p.ols, variables=regs, labels=rp.SHORT_LABELS, interval="wald"),
                    "coefficients_ols_wald",
                    f"OLS coefficients with robust (HC3) Wald {CI:.0%} intervals; compare with the bootstrap intervals "
                    "of the previous figure. Data: published cases; notebook chapters/regression.md.",
                    "One panel of OLS coefficient estimates with horizontal interval bars, one marker per outcome")]), {}


def categories_section(page, p: RegressionPage) -> tuple[str, dict]:
    cat = robustness.ce_categories(p.pub.frame, p.outcomes, p.pub.regressors)
    return page.table(rp.show_p(cat, ["p linear", "p medium", "p high", "p linearity"]), "ce_categories",
                      "Collective efficiency as equal steps and as categories (OLS, HC3, t and F p-values)",
                      "data/cases.csv; analysis/stats/robustness.py", data=cat), ce_category_values(cat)


def influence_section(page, p: RegressionPage) -> tuple[str, dict]:
    infl = robustness.loo_influence(p.pub.frame, p.outcomes, p.pub.regressors)
    shown = infl.assign(term=infl["term"].map(rp.SHORT_LABELS)).drop(columns="case_id")
    md = page.table(rp.show_p(shown, []), "loo_influence",
                    "Leave-one-out influence: the largest change of each OLS coefficient when one case is dropped",
                    "data/cases.csv; analysis/stats/robustness.py (DFBETA)", data=infl)
    return md, {"loo_terms": int(len(infl)),
                "loo_sign_flips": int((~infl["sign kept by every omission"]).sum()) if len(infl) else 0}


def conventions_section(page, p: RegressionPage) -> tuple[str, dict]:
    chg = robustness.convention_changes(p.results)
    md = page.table(rp.show_p(chg.assign(term=chg["term"].map(rp.SHORT_LABELS)), ["p old", "p new"]),
                    "convention_changes", "Stars that changed: old conventions (normal reference, HC0) against the "
                    "current ones", "analysis/stats/robustness.py (convention_changes)", data=chg)
    return md, {"n_star_changes": int(len(chg))}


def seeds_section(page, p: RegressionPage, *, seed: int, check_seeds: str, n_perm: int, n_boot: int) -> tuple[str, dict]:
    seeds = [seed] + [int(s) for s in check_seeds.split(",") if s.strip()]
    if len(seeds) < 2:
        return "", {}
    stab = robustness.seed_stability(p.pub.frame, p.outcomes, p.pub.regressors, seeds, n_perm=n_perm,
                                     n_boot=n_boot)
    # every text column (object or string dtype; the function passes anything else through)
    shown = stab.assign(**{c: stab[c].map(rp.variables_in_words) for c in stab.columns
                           if not pd.api.types.is_numeric_dtype(stab[c])})
    return page.table(shown, "seed_stability", "Resampling conclusions under other master seeds (changes against the "
                      "page's seed)", "analysis/stats/robustness.py (seed_stability)", data=stab), {}


def estimability_section(page, p: RegressionPage) -> tuple[str, dict]:
    md = page.table(rp.estimability(p.results), "estimability",
                    "Which models could be estimated, with how many cases, and why not",
                    "analysis/stats/models.py (estimability_report)", data=models.estimability_report(p.results))
    refused = refused_text(p.results)
    return md + ("\n\n" + refused if refused else ""), {}
