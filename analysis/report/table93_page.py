"""What the Table 9.3 page (``chapters/table93.md``) shows, computed in one place: the rank
tests of the book's Table 9.3 labels on the published cases, the numbers its prose glues in,
and each section's tables and figures. Every section function returns ``(MyST, values to
glue)`` for :func:`analysis.report.present.show`; the page's sentences are its Markdown.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import escape
from analysis.audit.claims import check_claims
from analysis.report import caselinks
from analysis.report import regression_pages as rp
from analysis.stats import pattern_tests as pt
from analysis.stats import sensitivity as sens
from analysis.stats.models import OUTCOMES

#: shares of recoding draws that make a verdict robust (at least) or fragile (below)
ROBUST, FRAGILE = 0.9, 0.6
KEY = ["block", "upgrading", "sector", "label"]


@dataclass
class Settings:
    """The page's parameters (see the notebook's parameters cell)."""

    seed: int
    n_perm: int
    n_boot: int
    alpha: float
    neutral_band: float
    n_draws: int
    recode_prob: float
    recode_step: float
    sens_n_perm: int
    sens_n_boot: int
    coef_alpha: float
    case_set: str = "published"
    cases_dir: str = ""

    @property
    def cell(self) -> dict:
        """Keyword arguments of every cell test."""
        return dict(alpha=self.alpha, neutral_band=self.neutral_band, ci_level=pt.CI_LEVEL, min_n=pt.MIN_N)


@dataclass
class Table93Page:
    s: Settings
    frame: pd.DataFrame       # the published cases as the tests use them
    labels: pd.DataFrame      # book Table 9.3
    notes: pd.DataFrame       # its footnotes
    tests: pd.DataFrame       # one row per cell
    new_cases: pd.DataFrame
    extended_cases: pd.DataFrame
    _loo: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def loo_coefficients(self) -> pd.DataFrame:
        """Leave-one-out stability of the OLS coefficients (computed once, used by two sections)."""
        if self._loo is None:
            outs = tuple(OUTCOMES)
            self._loo = sens.loo_coefficients(self.frame, outcomes=outs, regressors=rp.page_regressors(self.frame, outs),
                                              alpha=self.s.coef_alpha)
        return self._loo


def prepare(cases: pd.DataFrame, data, extended_cases: pd.DataFrame, new_cases: pd.DataFrame,
            s: Settings) -> Table93Page:
    frame = rp.analysis_frame(cases)
    tests = pt.assess_table93(frame, data.table_9_3, n_perm=s.n_perm, n_boot=s.n_boot, seed=s.seed, **s.cell)
    return Table93Page(s, frame, data.table_9_3, data.table_9_3_notes, tests, new_cases, extended_cases)


def glue_values(p: Table93Page) -> dict:
    s, tests = p.s, p.tests
    counts = rp.verdict_counts(tests).set_index("reading")
    testable = tests.loc[tests["verdict"] != "not testable", "n"]
    testable = testable[testable > 0]
    mc = tests[tests["p_method"].str.startswith("Monte")]
    out = {"n_cells": int(len(tests)), "n_cell_min": int(testable.min()), "n_cell_max": int(testable.max()),
           "robust_pct": int(round(ROBUST * 100)), "fragile_pct": int(round(FRAGILE * 100))}
    for reading in ("direction", "significance"):
        for k in ("supported", "contradicted", "inconclusive", "not testable"):
            out[f"{reading}_{k.replace(' ', '_')}"] = int(counts.loc[reading, k])
    out.update(alpha=float(s.alpha), band=float(s.neutral_band), ci_pct=int(round(pt.CI_LEVEL * 100)),
               min_n=int(pt.MIN_N), n_perm=int(s.n_perm), n_boot=int(s.n_boot), seed=int(s.seed),
               n_draws=int(s.n_draws), recode_pct=int(round(s.recode_prob * 100)), recode_step=float(s.recode_step),
               sens_n_perm=int(s.sens_n_perm), sens_n_boot=int(s.sens_n_boot), coef_alpha=float(s.coef_alpha),
               p_mc_max=f"{mc['p_mc_se'].max():.4f}" if len(mc) else "0",
               ci_mc_max=f"{tests[['ci_low_mc_se', 'ci_high_mc_se']].max().max():.3f}",
               n_exact=int(tests["p_method"].str.startswith("exact").sum()))
    return out


def cells_section(page, p: Table93Page) -> tuple[str, dict]:
    view = rp.table93_view(p.tests, p.labels)
    md = page.table(rp.show_mc(rp.show_p(view, ["p (permutation)"]), rp.TABLE93_MC), "cells",
                    "Table 9.3 labels against the case data: association, permutation p-value, bootstrap interval, "
                    "within-sector OLS slope and the two verdicts",
                    "book Table 9.3 (data/book/table_9_3.csv) and the per-case data (data/cases.csv)", data=p.tests,
                    note="Letters in brackets are the book's footnotes to the label.")
    notes = "\n".join(f"- **{escape.myst(f'[{m}]')}** {escape.myst(t)}" for m, t in zip(p.notes["marker"], p.notes["note"]))
    return md + "\n\n" + notes, {}


def forest_section(page, p: Table93Page) -> tuple[str, dict]:
    band = p.s.neutral_band
    return page.figure(rp.forest_figure(p.tests, band, pt.CI_LEVEL), "associations",
                       f"Rank association of each testable Table 9.3 cell with its {pt.CI_LEVEL:.0%} bootstrap "
                       f"interval; the marker gives the sign the book's label expects and the grey band is the neutral "
                       f"zone (±{band:g}). Data: book Tables 9.2-9.6; notebook chapters/table93.md.",
                       "Two panels of horizontal interval bars, one per sector and upgrading type, for CE and for "
                       "global leaders"), {}


def grid_section(page, p: Table93Page) -> tuple[str, dict]:
    return "\n\n".join([
        page.table(rp.verdict_grid_both(p.tests), "verdict_grid", "Verdict grid: book label, then direction reading / "
                   "significance reading", "book Table 9.3 and data/cases.csv; analysis/stats/pattern_tests.py"),
        page.table(rp.verdict_counts(p.tests), "verdict_counts", "Number of cells per verdict, by reading",
                   "analysis/stats/pattern_tests.py")]), {}


def _explain(r) -> str:
    return (f"- **{rp.BLOCK_LABELS[r.block]}, {r.upgrading}, {rp.SECTOR_LABELS[r.sector]}** "
            f"(label *{escape.myst(r.label)}*): {escape.myst(r.reason)}.")


def explanations_section(page, p: Table93Page) -> tuple[str, dict]:
    """Why the data go against a label, and why a cell cannot be tested."""
    tests = p.tests
    contra = tests[(tests["verdict"] == "contradicted") | (tests["verdict_strict"] == "contradicted")]
    untest = tests[tests["verdict"] == "not testable"]
    parts = []
    if len(contra):
        parts.append("Where the data go against a label (in at least one reading):\n\n"
                     + "\n".join(_explain(r) for r in contra.itertuples()))
    if len(untest):
        parts.append("Cells that cannot be tested:\n\n" + "\n".join(_explain(r) for r in untest.itertuples()))
    return "\n\n".join(parts), {}


def convention_section(page, p: Table93Page) -> tuple[str, dict]:
    """Cells whose verdict changed between the earlier conventions and the current ones."""
    old = pt.assess_table93(p.frame, p.labels, n_perm=p.s.n_perm, n_boot=1999, seed=p.s.seed, seeding="legacy",
                            **p.s.cell)
    cols = ["verdict", "verdict_strict", "p_value", "model_p"]
    both = old[KEY + cols].merge(p.tests[KEY + cols], on=KEY, suffixes=(" old", " new"))
    vchg = both[(both["verdict old"] != both["verdict new"]) | (both["verdict_strict old"] != both["verdict_strict new"])]
    shown = vchg.assign(block=vchg["block"].map(rp.BLOCK_LABELS), sector=vchg["sector"].map(rp.SECTOR_LABELS))
    if not len(vchg):  # no empty table: say so
        return "No cell's verdict changed.", {"n_verdict_changes": 0}
    md = page.table(rp.show_p(shown, ["p_value old", "p_value new", "model_p old", "model_p new"]),
                    "convention_changes", "Table 9.3 cells whose verdict changed between the old and the new conventions",
                    "analysis/stats/pattern_tests.py (seeding='legacy' against the default)", data=vchg)
    return md, {"n_verdict_changes": int(len(vchg))}


def sensitivity_changes_section(page, p: Table93Page) -> tuple[str, dict]:
    """Coefficients whose leave-one-out significance call changed between normal and t p-values."""
    outs = tuple(OUTCOMES)
    lc_old = sens.loo_coefficients(p.frame, outcomes=outs, regressors=rp.page_regressors(p.frame, outs),
                                   alpha=p.s.coef_alpha, use_t=False)
    cols = ["outcome", "term", "p", "significant", "share_kept", "flipped_by"]
    sc = p.loo_coefficients[cols].merge(lc_old[cols], on=["outcome", "term"], suffixes=(" new", " old"))
    schg = sc[(sc["significant new"] != sc["significant old"]) | (sc["share_kept new"] != sc["share_kept old"])]
    schg = schg[["outcome", "term", "p old", "p new", "significant old", "significant new", "share_kept old",
                 "share_kept new", "flipped_by old", "flipped_by new"]]
    md = page.table(rp.show_p(schg.assign(term=schg["term"].map(rp.SHORT_LABELS)), ["p old", "p new"]),
                    "sensitivity_changes",
                    "Regression coefficients whose significance call or leave-one-out stability changed (normal → t p-values)",
                    "analysis/stats/sensitivity.py (use_t=False against the default)", data=schg)
    return md, {"n_sens_changes": int(len(schg))}


def claims_section(page, p: Table93Page, data) -> tuple[str, dict]:
    names = dict(zip(data.cases["case_id"], data.cases["name"]))
    claims = rp.claims_with_tests(check_claims(data), p.tests)
    shown = claims.assign(**{c: claims[c].map(lambda t: caselinks.in_words(t, names))
                             for c in claims.columns if not pd.api.types.is_numeric_dtype(claims[c])
                             and c not in ("claim", "verdict")})
    return page.table(shown, "claims",
                      "Chapter 9 statements on these relations: the mean-based check and the rank test of the matching "
                      "cell", "book Chapter 9 text (paraphrased in data/book/structural_claims.csv) and Tables 9.2-9.6; "
                      "analysis/audit/claims.py", data=claims), {}


def _case_names(frame: pd.DataFrame):
    """A function turning "id1, id2" (case ids, as the sensitivity tables list them) into the
    cases' names, for readers; the download keeps the ids."""
    by_id = dict(zip(frame["case_id"], frame["name"]))

    def names(ids) -> str:
        if not isinstance(ids, str) or not ids:
            return ids
        return "; ".join(escape.one_line(by_id.get(i.strip(), i.strip())) for i in ids.split(","))
    return names


def verdict_stability_section(page, p: Table93Page) -> tuple[str, dict]:
    s = p.s
    kw = dict(seed=s.seed, n_perm=s.sens_n_perm, n_boot=s.sens_n_boot, **s.cell)
    vs = sens.verdict_stability(p.frame, p.labels, step=s.recode_step, prob=s.recode_prob, n_draws=s.n_draws, **kw)
    lv = sens.loo_verdicts(p.frame, p.labels, **kw)
    vshow = vs[KEY + ["verdict", "verdict_strict", "share_kept", "share_strict_kept", "direction_shares"]].merge(
        lv[KEY + ["share_kept", "share_strict_kept", "changed_by", "changed_strict_by"]], on=KEY,
        suffixes=(" (recoding)", " (leave-one-out)"))
    untested = vshow["verdict"] == "not testable"
    shares = [c for c in vshow.columns if c.startswith("share_")]
    for c in shares:  # nothing is "kept" where nothing was tested
        vshow[c] = vshow[c].astype(float).mask(untested)
    vdata = vshow.copy()
    names = _case_names(p.frame)
    for col in ("changed_by", "changed_strict_by"):
        vshow[col] = vshow[col].map(names)
    vshow["block"] = vshow["block"].map(rp.BLOCK_LABELS)
    vshow["sector"] = vshow["sector"].map(rp.SECTOR_LABELS)
    vshow = vshow.rename(columns={
        "verdict": "direction verdict", "verdict_strict": "significance verdict",
        "share_kept (recoding)": "direction kept (recoding)",
        "share_strict_kept (recoding)": "significance kept (recoding)",
        "direction_shares": "direction verdicts over the draws",
        "share_kept (leave-one-out)": "direction kept (leave-one-out)",
        "share_strict_kept (leave-one-out)": "significance kept (leave-one-out)",
        "changed_by": "direction changed by leaving out", "changed_strict_by": "significance changed by leaving out"})
    md = page.table(rp.show_p(vshow, []), "verdict_stability",
                    "How often each verdict stays the same: share of recoding draws and share of leave-one-out fits "
                    "(direction reading, then significance reading), and the cases whose removal changes it",
                    "data/cases.csv; analysis/stats/sensitivity.py", data=vdata)
    tested = vs[vs["verdict"] != "not testable"]
    lt = lv[lv["verdict"] != "not testable"]
    return md, {"n_cells_tested": int(len(tested)), "n_robust_recoding": int((tested["share_kept"] >= ROBUST).sum()),
                "n_fragile_recoding": int((tested["share_kept"] < FRAGILE).sum()),
                "n_loo_all_kept": int((lt["share_kept"] == 1).sum())}


def _ce_lines(summ: pd.DataFrame, coef_alpha: float, names) -> str:
    lines = []
    for _, r in summ[summ["term"] == "ce_ordinal"].iterrows():
        who = r["leave-one-out: changed by"]
        lines.append(f"- **{r['outcome']}**: CE coefficient {r['coef']:+.2f} "
                     f"({'significant' if r['significant'] else 'not significant'} at {coef_alpha:g}); sign kept in "
                     f"{r['recoding: sign kept']:.0%} of draws, sign and significance call kept in "
                     f"{r['recoding: both kept']:.0%}; leave-one-out keeps both in {r['leave-one-out: both kept']:.0%} "
                     "of fits" + (f", changed by leaving out {escape.myst(names(who))}" if isinstance(who, str) and who
                                  else "") + ".")
    return "For the collective-efficiency coefficient:\n\n" + "\n".join(lines)


def coefficient_stability_sections(page, p: Table93Page) -> tuple[tuple[str, dict], tuple[str, dict]]:
    """The coefficients' recoding and leave-one-out stability (with the CE coefficient in words), and
    the same recodings judged with the earlier convention (normal p-values), old beside new."""
    s, outs = p.s, tuple(OUTCOMES)
    regs = rp.page_regressors(p.frame, outs)
    kw = dict(outcomes=outs, regressors=regs, step=s.recode_step, prob=s.recode_prob, n_draws=s.n_draws,
              seed=s.seed, alpha=s.coef_alpha)
    cs = sens.coefficient_stability(p.frame, **kw)
    summ = rp.sensitivity_summary(cs, p.loo_coefficients)
    changes = rp.recoding_convention_changes(cs, sens.coefficient_stability(p.frame, **kw, use_t=False))
    who = "leave-one-out: changed by"
    stability = page.table(rp.show_p(summ.assign(term=summ["term"].map(rp.SHORT_LABELS),
                                                 **{who: summ[who].map(_case_names(p.frame))}), ["p"]), "coefficient_stability",
                           "How often each OLS coefficient keeps its sign and significance under random recoding and "
                           "when one case is left out", "data/cases.csv; analysis/stats/sensitivity.py", data=summ)
    conventions = page.table(rp.show_p(changes.assign(term=changes["term"].map(rp.SHORT_LABELS)), ["p old", "p new"]),
                             "recoding_convention_changes",
                             "OLS coefficients whose recoding stability changed between the earlier convention (normal "
                             "p-values) and this edition's (t with n − k degrees of freedom)",
                             "data/cases.csv; analysis/stats/sensitivity.py (use_t=False against the default)", data=changes)
    return ((stability + "\n\n" + _ce_lines(summ, s.coef_alpha, _case_names(p.frame)), {}),
            (conventions, {"n_recoding_changes": int(len(changes)), "n_recoding_coefs": int(len(cs))}))


def extended_section(page, p: Table93Page) -> tuple[str, dict]:
    """The verdicts on the published and the extended samples, when the page is given new cases."""
    s = p.s
    if not len(p.new_cases):
        return "", {}
    if s.case_set != "extended":
        return ("New case files were given to this build, but the page runs with `case_set = published`; "
                "set `case_set = extended` to see the verdicts on the extended sample beside these.", {})
    xtests = pt.assess_table93(rp.analysis_frame(p.extended_cases), p.labels, n_perm=s.n_perm, n_boot=s.n_boot,
                               seed=s.seed, **s.cell)
    sbs = rp.side_by_side_verdicts(p.tests, xtests)
    changed = sbs[sbs["changed"] == "yes"]
    intro = ("## Published and extended samples\n\n"
             "This build adds " + ", ".join(escape.myst(n) for n in p.new_cases["name"])
             + " (coded by contributors, not by the book's authors). Everything above uses the published cases "
               f"only and is unchanged. With the new cases, {len(changed)} of {len(sbs)} cells change a verdict.")
    return intro + "\n\n" + page.table(rp.show_p(sbs, ["p_value (published)", "p_value (extended)"]), "extended_verdicts",
                                       "Table 9.3 verdicts on the published and the extended samples side by side",
                                       "data/cases.csv and the new case files; analysis/stats/pattern_tests.py",
                                       data=sbs), {}
