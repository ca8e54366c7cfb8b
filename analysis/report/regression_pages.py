"""Helpers of the two "Beyond the book" pages: the regression chapter
(``chapters/regression.md``) and Table 9.3 put to the test (``chapters/table93.md``).

The statistics live in :mod:`analysis.stats.models`, :mod:`analysis.stats.pattern_tests` and
:mod:`analysis.stats.sensitivity`; this module only chooses the specification the
pages use, runs it, and shapes the results into the tables and figures shown.
Everything is a pure function of its inputs and the seed, so the strings the
pages export (CSV, LaTeX, HTML) are byte-identical from one build to the next
(``tests/test_regression_pages.py``).

Published results are always computed from the published cases alone, with a
specification chosen from the published cases alone; the extended sample gets
its own run beside them (the rule of :mod:`analysis.io.extended`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import escape
from analysis.report import format as fmt
from analysis.stats import models, robustness
from analysis.stats.pattern_tests import BLOCKS, TESTED
from analysis.vocab import SECTOR_LABELS
from analysis.stats.variables import BASE_SECTOR, SECTORS, VARIABLES, model_frame
from analysis import theme

CORE_REGRESSORS = ("ce_ordinal", "global_qh")
TERM_LABELS = {
    "ce_ordinal": "Collective efficiency (low=1, medium=2, high=3)",
    "global_qh": "Global quasi-hierarchical chain (0/1)",
    **{f"sector_{s}": f"Sector: {SECTOR_LABELS[s]}" for s in SECTORS},
    "const": "Constant",
}
SHORT_LABELS = {
    "ce_ordinal": "CE degree", "global_qh": "global quasi-hierarchy",
    **{f"sector_{s}": SECTOR_LABELS[s] for s in SECTORS}, "const": "constant",
}
#: Monte-Carlo estimates and their standard errors, for :func:`show_mc`
BOOT_MC = {"boot_low": "boot_low_mc_se", "boot_high": "boot_high_mc_se"}
TABLE93_MC = {"interval low": "low MC s.e.", "interval high": "high MC s.e."}
BLOCK_LABELS = {"collective_efficiency": "Collective efficiency", "global_leaders": "Global leaders"}
#: expected signs in words (a bare "+" or "-" in a table cell would read as a list bullet)
EXPECTED_WORDS = {"+": "positive", "0": "none", "-": "negative", "0/-": "none or negative",
                  "absent": "no global buyer"}
#: plain-words reason for a missing model variable
MISSING_WHY = {
    "ce_ordinal": "degree of collective efficiency not published",
    "global_qh": "quasi-hierarchy governance code unknown",
    **{f"upgrading_{u}": f"{u} upgrading score not available (N/A)"
       for u in ("product", "process", "functional", "intersectoral")},
    "upgrading_sum": "sum of upgrading undefined (a component is missing)",
}
#: short names of the variables a case can miss (the dropped-cases table's "missing" column)
MISSING_LABELS = {**SHORT_LABELS, **{f"upgrading_{u}": f"{u} upgrading"
                                     for u in ("product", "process", "functional", "intersectoral")},
                  "upgrading_sum": "upgrading sum"}
SCORE_VARS = ["upgrading_product", "upgrading_process", "upgrading_functional",
              "upgrading_intersectoral", "upgrading_sum"]
NO_SCORES = "no per-case upgrading scores at all"


# --------------------------------------------------------------------------- parameters

def parse_choice(text: str, allowed, name: str, all_word: str | None = "all") -> list[str]:
    """A comma-separated parameter as a list, in the order of ``allowed``; ``all`` means all of them.

    Unknown entries are an error naming the parameter and the allowed values.
    """
    allowed = list(allowed)
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    if all_word is not None and items == [all_word]:
        return allowed
    bad = [t for t in items if t not in allowed]
    if bad or not items:
        raise ValueError(f"parameter {name}={text!r}: use a comma-separated list of "
                         f"{', '.join(allowed)}" + (f" or '{all_word}'" if all_word else ""))
    return [a for a in allowed if a in items]


def analysis_frame(cases: pd.DataFrame, sectors=tuple(SECTORS)) -> pd.DataFrame:
    """The model frame (:func:`analysis.stats.variables.model_frame`) of the cases of ``sectors``."""
    frame = model_frame(cases)
    return frame[frame["sector"].isin(list(sectors))].reset_index(drop=True)


def scored_sectors(frame: pd.DataFrame, outcomes) -> list[str]:
    """Sectors with at least one case whose score is published for one of ``outcomes``."""
    cols = [models.OUTCOMES[o] for o in outcomes]
    has = frame[cols].notna().any(axis=1)
    return [s for s in SECTORS if (has & (frame["sector"] == s)).any()]


def page_regressors(frame: pd.DataFrame, outcomes) -> tuple[str, ...]:
    """CE degree, global quasi-hierarchy and a dummy for each scored sector but the reference one.

    Sectors without any published score (the software cases) cannot enter an
    estimation sample, so they get no dummy at all rather than one dropped in
    every model. The reference sector is traditional manufacturing when it is
    scored, otherwise the first scored sector.
    """
    scored = scored_sectors(frame, outcomes)
    base = BASE_SECTOR if BASE_SECTOR in scored else (scored[0] if scored else BASE_SECTOR)
    return CORE_REGRESSORS + tuple(f"sector_{s}" for s in scored if s != base)


def reference_sector(regressors, frame: pd.DataFrame, outcomes) -> str:
    scored = scored_sectors(frame, outcomes)
    dummies = {r.removeprefix("sector_") for r in regressors if r.startswith("sector_")}
    rest = [s for s in scored if s not in dummies]
    return rest[0] if rest else ""


# --------------------------------------------------------------------------- regressions

@dataclass
class RegressionRun:
    """All models of one sample, and the exported strings."""

    frame: pd.DataFrame
    regressors: tuple[str, ...]
    outcomes: list[str]
    results: list[models.ModelResult]
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    csv: str = ""
    latex: str = ""
    html: str = ""
    note: str = ""
    low_variation: pd.DataFrame = field(default_factory=pd.DataFrame)


def table_note(results: list[models.ModelResult], *, use_t: bool = True, ordered_se: str = "oim",
               low_flags=()) -> str:
    """The conventions of the regression table, in one note (shown under the table and written
    into the LaTeX and HTML downloads)."""
    ols = [r for r in results if r.kind == "ols" and r.estimable]
    n_perm = max((r.n_perm for r in ols), default=0)
    parts = [
        "OLS: coefficient, HC3 standard error in parentheses, p-values and stars from "
        + ("the t distribution with n − k degrees of freedom" if use_t else "the normal distribution")
        + (f"; Freedman-Lane permutation p-value of the HC3 t-ratio in brackets ({n_perm:,} permutations)"
           if n_perm else "") + ".",
        "Ordered logit and probit: "
        + ("model-based (OIM) standard error in parentheses, robust sandwich standard error scaled by "
           "n/(n − 1) in braces" if ordered_se == "oim" else
           "robust sandwich standard error scaled by n/(n − 1) in parentheses")
        + "; normal p-values; cut points not shown.",
        "Stars from the reported p-value: * p < 0.10, ** p < 0.05, *** p < 0.01.",
    ]
    if low_flags:
        parts.append("Little variation: " + "; ".join(low_flags)
                     + " — these models rest on a handful of non-zero cases.")
    return " ".join(parts)


def run_regressions(cases: pd.DataFrame, *, outcomes, sectors=tuple(SECTORS), seed: int,
                    n_perm: int, n_boot: int, regressors=None, caption: str = "",
                    label: str = "tab:regression", use_t: bool = True,
                    ordered_se: str = "oim") -> RegressionRun:
    """OLS (HC3 with t(n − k) p-values, Freedman-Lane permutation p-values, pairs-bootstrap
    intervals) and ordered logit and probit (model-based SEs, robust alongside) for every outcome,
    with the publication table and its three renderings (the same note in each)."""
    frame = analysis_frame(cases, sectors)
    regressors = tuple(regressors) if regressors is not None else page_regressors(frame, outcomes)
    results = models.fit_models(frame, outcomes=tuple(outcomes), regressors=regressors,
                                n_perm=n_perm, n_boot=n_boot, seed=seed, use_t=use_t,
                                ordered_se=ordered_se)
    table = models.regression_table(results, labels=TERM_LABELS)
    low = robustness.low_variation(frame, outcomes, regressors)
    flags = [f"{r.outcome} is {r['most common value']:g} in {r['cases with it']} of {r.n} cases"
             for _, r in low[low["flag"]].iterrows()] if len(low) else []
    note = table_note(results, use_t=use_t, ordered_se=ordered_se, low_flags=flags)
    return RegressionRun(frame=frame, regressors=regressors, outcomes=list(outcomes), results=results,
                         table=table, csv=escape.write_csv(flat_table(table)),
                         latex=models.to_latex(table, caption=caption or None, label=label, note=note),
                         html=models.to_html(table, note=note), note=note, low_variation=low)


def column_name(outcome: str, model: str) -> str:
    return f"{outcome}: {model}"


def flat_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`analysis.stats.models.regression_table` with one header row: columns ``term``,
    ``statistic`` and one per model ("outcome: model")."""
    out = table.copy()
    out.columns = [column_name(o, m) for o, m in table.columns]
    out = out.reset_index()
    return out


def display_table(table: pd.DataFrame, keep_note: bool = False) -> pd.DataFrame:
    """The table as read in the book: the term on its coefficient line only, statistics unnamed."""
    flat = flat_table(table)
    if not keep_note:
        flat = flat[flat["term"] != "note"]
    terms = [t if s in ("coef", "") else "" for t, s in zip(flat["term"], flat["statistic"])]
    body = flat.drop(columns=["term", "statistic"]).reset_index(drop=True)
    return pd.concat([pd.DataFrame({"term": terms}), body], axis=1)


def publish_table(page, run: RegressionRun, name: str, title: str, source: str, note: str = "") -> str:
    """MyST for a regression table: the numbered table with its CSV (through ``page.table``),
    plus the same table as LaTeX (booktabs) and HTML files under the CSV's name, offered in
    its Cite fold and in a line below it."""
    stem = page.dir / page.file_name(name)
    tex, html = stem.with_suffix(".tex"), stem.with_suffix(".html")
    tex.write_text(run.latex, encoding="utf-8")
    html.write_text(run.html, encoding="utf-8")
    md = page.table(display_table(run.table), name, title, source, data=flat_table(run.table), note=note)
    page.items[-1]["files"] += [tex.as_posix(), html.as_posix()]
    return (md + "\n\nThe same table for a paper or a web page: "
            f"{{download}}`LaTeX (booktabs) <{tex.as_posix()}>` · {{download}}`HTML <{html.as_posix()}>`")


def ols_inference(results: list[models.ModelResult], level: float = 0.95) -> pd.DataFrame:
    """For each OLS coefficient: robust (HC3) Wald inference beside permutation and bootstrap inference."""
    rows = []
    for s in models.ols_slopes(results):
        r, t = s["result"], s["term"]
        rows.append({"outcome": r.outcome, "term": t, "n": r.n, "df": r.df_resid,
                     "coef": float(r.params[t]),
                     "se_hc3": float(r.bse[t]), "p_hc3": float(r.pvalues[t]),
                     "wald_low": float(r.conf_int.loc[t, "lower"]),
                     "wald_high": float(r.conf_int.loc[t, "upper"]),
                     **{k: s[k] for k in ("p_permutation", "p_permutation_mc_se", "boot_low", "boot_low_mc_se",
                                          "boot_high", "boot_high_mc_se")},
                     "n_perm": r.n_perm, "n_boot_valid": r.n_boot_valid})
    return pd.DataFrame(rows)


def coefficient_rows(results: list[models.ModelResult]) -> pd.DataFrame:
    """Long table of every estimated coefficient: outcome, model, term, n, coef, se, p."""
    rows = []
    for r in results:
        if not r.estimable:
            rows.append({"outcome": r.outcome, "model": models.KINDS[r.kind], "term": "", "n": r.n,
                         "coef": np.nan, "se": np.nan, "p": np.nan, "note": r.reason})
            continue
        for t in r.params.index:
            rows.append({"outcome": r.outcome, "model": models.KINDS[r.kind], "term": t, "n": r.n,
                         "coef": float(r.params[t]), "se": float(r.bse[t]), "p": float(r.pvalues[t]),
                         "se_robust": float(r.bse_robust[t]) if r.bse_robust is not None else np.nan,
                         "p_robust": float(r.pvalues_robust[t]) if r.pvalues_robust is not None else np.nan,
                         "se_type": r.cov_type, "note": ""})
    return pd.DataFrame(rows)


def compare_runs(published: RegressionRun, extended: RegressionRun) -> pd.DataFrame:
    """Published and extended estimates side by side, per (outcome, model, term)."""
    a = coefficient_rows(published.results)
    b = coefficient_rows(extended.results)
    key = ["outcome", "model", "term"]
    out = a.merge(b, on=key, how="outer", suffixes=(" (published)", " (extended)"))
    # rows in the order of the published table, then any row only the extended run has
    order = {k: i for i, k in enumerate(list(map(tuple, a[key].to_numpy()))
                                         + list(map(tuple, b[key].to_numpy())))}
    out = out.iloc[np.argsort([order[tuple(k)] for k in out[key].to_numpy()], kind="stable")]
    out = out.reset_index(drop=True)
    out["coef change"] = out["coef (extended)"] - out["coef (published)"]
    cols = key + [f"{c} ({s})" for c in ("n", "coef", "se", "p") for s in ("published", "extended")] + ["coef change"]
    return out[cols]


def sample_report(results: list[models.ModelResult], frame: pd.DataFrame) -> pd.DataFrame:
    """Each case left out of at least one model: the missing variables in plain words and
    the outcomes whose models it is left out of."""
    missing: dict[str, set] = {}
    where: dict[str, list] = {}
    for r in results:
        if r.kind != "ols":
            continue
        dc = r.dropped_cases
        for cid, miss in zip(dc.get("case_id", []), dc.get("missing", [])):
            missing.setdefault(cid, set()).update(m.strip() for m in miss.split(",") if m.strip())
            where.setdefault(cid, []).append(r.outcome)
    info = frame.set_index("case_id")
    order = list(VARIABLES)
    rows = []
    for cid in [c for c in frame["case_id"] if c in missing]:
        vars_ = sorted(missing[cid], key=lambda v: order.index(v) if v in order else len(order))
        rows.append({"case_id": cid, "name": info.at[cid, "name"],
                     "sector": SECTOR_LABELS.get(info.at[cid, "sector"], info.at[cid, "sector"]),
                     "left out of": ", ".join(where[cid]),
                     "missing": ", ".join(MISSING_LABELS.get(v, v) for v in vars_),
                     "why": _why(vars_, frame.loc[frame["case_id"] == cid].iloc[0])})
    return pd.DataFrame(rows, columns=["case_id", "name", "sector", "left out of", "missing", "why"])


def _why(vars_: list[str], row: pd.Series) -> str:
    """Plain words for a case's missing variables; a case without any score says so once."""
    no_scores = all(pd.isna(row[c]) for c in SCORE_VARS[:-1])
    parts = [MISSING_WHY.get(v, f"{v} missing") for v in vars_ if not (no_scores and v in SCORE_VARS)]
    if no_scores:
        parts.append(NO_SCORES)
    return "; ".join(parts)


def sample_sizes(results: list[models.ModelResult]) -> pd.DataFrame:
    """n per outcome (OLS sample; the ordered models use the same cases)."""
    return pd.DataFrame([{"outcome": r.outcome, "n": r.n, "left out": len(r.dropped_cases)}
                         for r in results if r.kind == "ols"])


def variable_table(regressors, outcomes) -> pd.DataFrame:
    """Definitions (from :data:`analysis.stats.variables.VARIABLES`) of every variable the models use."""
    rows = [{"variable": models.OUTCOMES[o], "role": "outcome", "label": o,
             "definition": VARIABLES[models.OUTCOMES[o]]} for o in outcomes]
    rows += [{"variable": v, "role": "explanatory" if not v.startswith("sector_") else "control",
              "label": TERM_LABELS.get(v, v), "definition": VARIABLES[v]} for v in regressors]
    return pd.DataFrame(rows)


def variables_in_words(text) -> str:
    """``text`` (a model's reason, a list of regressors) with variable names replaced by their
    short labels ("sector_complex_products" -> "Complex products"), for readers."""
    import re

    if not isinstance(text, str):
        return text
    return re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", lambda m: MISSING_LABELS.get(m.group(0), m.group(0)), text)


def estimability(results: list[models.ModelResult]) -> pd.DataFrame:
    """:func:`analysis.stats.models.estimability_report` without the (long) list of dropped cases,
    which :func:`sample_report` gives once per case; variables named in words."""
    rep = models.estimability_report(results)
    rep["estimated"] = np.where(rep["estimable"], "yes", "no")
    rep["reason"] = rep["reason"].map(variables_in_words)
    rep["dropped_regressors"] = rep["dropped_regressors"].map(variables_in_words)
    return rep[["outcome", "model", "estimated", "n", "reason", "dropped_regressors"]]


# --------------------------------------------------------------------------- Table 9.3

def label_with_note(label: str, footnote) -> str:
    return f"{label} [{footnote}]" if isinstance(footnote, str) and footnote else str(label)


def table93_view(tests: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """One row per tested cell, readable: the book's label beside the data's association."""
    notes = labels.set_index(["block", "upgrading", "sector"])["footnote"]
    rows = []
    for r in tests.itertuples(index=False):
        fn = notes.get((r.block, r.upgrading, r.sector))
        rows.append({
            "relation": BLOCK_LABELS[r.block], "upgrading": r.upgrading,
            "sector": SECTOR_LABELS[r.sector], "book label": label_with_note(r.label, fn),
            "expected association": EXPECTED_WORDS.get(r.expected, r.expected), "n": int(r.n), "statistic": r.effect if np.isfinite(r.estimate) else "",
            "estimate": r.estimate, "p (permutation)": r.p_value, "p MC s.e.": r.p_mc_se,
            "interval low": r.ci_low, "low MC s.e.": r.ci_low_mc_se,
            "interval high": r.ci_high, "high MC s.e.": r.ci_high_mc_se,
            "OLS slope": r.model_estimate, "OLS slope SE (HC3)": r.model_se,
            "direction reading": r.verdict, "significance reading": r.verdict_strict,
        })
    return pd.DataFrame(rows)


def verdict_grid_both(tests: pd.DataFrame) -> pd.DataFrame:
    """Laid out like Table 9.3 (rows: relation × upgrading; columns: sectors); each cell gives
    the book's label, then the direction reading / the significance reading."""
    rows = []
    for block in BLOCKS:
        for u in TESTED:
            part = tests[(tests["block"] == block) & (tests["upgrading"] == u)]
            if part.empty:
                continue
            row = {"relation": BLOCK_LABELS[block], "upgrading": u}
            for s in SECTORS:
                c = part[part["sector"] == s]
                if len(c):
                    c = c.iloc[0]
                    row[SECTOR_LABELS[s]] = f"{c['label']}: {c['verdict']} / {c['verdict_strict']}"
            rows.append(row)
    return pd.DataFrame(rows)


def verdict_counts(tests: pd.DataFrame) -> pd.DataFrame:
    """How many cells fall under each verdict, in each reading."""
    kinds = ["supported", "contradicted", "inconclusive", "not testable"]
    return pd.DataFrame([{"reading": name, **{k: int((tests[col] == k).sum()) for k in kinds}}
                         for name, col in (("direction", "verdict"), ("significance", "verdict_strict"))])


def side_by_side_verdicts(pub: pd.DataFrame, ext: pd.DataFrame) -> pd.DataFrame:
    key = ["block", "upgrading", "sector", "label"]
    cols = ["n", "estimate", "p_value", "verdict", "verdict_strict"]
    out = pub[key + cols].merge(ext[key + cols], on=key, suffixes=(" (published)", " (extended)"), sort=False)
    out["changed"] = np.where((out["verdict (published)"] != out["verdict (extended)"])
                              | (out["verdict_strict (published)"] != out["verdict_strict (extended)"]),
                              "yes", "")
    out["block"] = out["block"].map(BLOCK_LABELS)
    out["sector"] = out["sector"].map(SECTOR_LABELS)
    return out


#: the chapter's verbal statements that bear on Table 9.3, with the cell each one speaks to
CLAIM_CELLS = {
    "C10": ("collective_efficiency", "product", "traditional"),
    "C11": ("collective_efficiency", "functional", "traditional"),
    "C12a": ("collective_efficiency", "product", "natural_resource"),
    "C12b": ("collective_efficiency", "process", "natural_resource"),
    "C17": ("global_leaders", None, "complex_products"),
    "C19": ("global_leaders", None, "specialized_suppliers"),
}


def claims_with_tests(claims: pd.DataFrame, tests: pd.DataFrame) -> pd.DataFrame:
    """The statements of :data:`CLAIM_CELLS` as checked by :func:`analysis.audit.claims.check_claims`,
    beside the rank test of the Table 9.3 cell they speak to (for the governance statements,
    which are about who is present rather than about an association, the cell's label)."""
    rows = []
    for cid, (block, u, sector) in CLAIM_CELLS.items():
        c = claims[claims["claim_id"] == cid]
        if c.empty:
            continue
        c = c.iloc[0]
        if u is None:
            cell = tests[(tests["block"] == block) & (tests["sector"] == sector)].iloc[:1]
            related = (f"Table 9.3 label for global leaders here: {cell['label'].iloc[0]}"
                       if len(cell) else "")
        else:
            cell = tests[(tests["block"] == block) & (tests["upgrading"] == u) & (tests["sector"] == sector)]
            if len(cell) and np.isfinite(cell["estimate"].iloc[0]):
                t = cell.iloc[0]
                related = (f"{t['effect']} {t['estimate']:+.2f}, permutation p {t['p_value']:.3f}, n {int(t['n'])}; "
                           f"label {t['label']}: {t['verdict']} / {t['verdict_strict']}")
            else:
                related = "cell not testable"
        rows.append({"claim": cid, "statement (our paraphrase)": c["statement"], "rule": c["rule"],
                     "evidence": c["evidence"], "verdict": c["verdict"], "rank test of the cell": related})
    return pd.DataFrame(rows)


@theme.themed
def forest_figure(tests: pd.DataFrame, band: float, level: float) -> Figure:
    """Per tested cell: the rank association with its bootstrap interval, the neutral band shaded,
    the marker saying what the book's label expects. Cells without an estimate are left out (the
    tables say why)."""
    ok = tests[np.isfinite(tests["estimate"])]
    blocks = [b for b in BLOCKS if (ok["block"] == b).any()]
    names = lambda part: [f"{SECTOR_LABELS[s]}, {u}" for s, u in zip(part["sector"], part["upgrading"])]
    same_rows = len({tuple(names(ok[ok["block"] == b])) for b in blocks}) == 1
    fig = Figure(figsize=(4.2 * max(len(blocks), 1) + 2.4, 0.42 * ok.groupby("block").size().max() + 1.8),
                 layout="constrained")
    axes = fig.subplots(1, max(len(blocks), 1), sharex=True, sharey=same_rows, squeeze=False)[0]
    marker = {"+": ("^", "C2", "label expects +"), "-": ("v", "C3", "label expects −"),
              "0": ("o", "C0", "label expects 0"), "0/-": ("s", "C1", "label expects 0 or −")}
    handles = {}
    for ax, b in zip(axes, blocks):
        part = ok[ok["block"] == b].reset_index(drop=True)
        ax.axvspan(-band, band, color="0.92", zorder=0)
        ax.axvline(0, color="0.5", lw=0.8, ls="--")
        for i, r in part.iterrows():
            m, col, lab = marker[r["expected"]]
            h = ax.errorbar([r["estimate"]], [i], xerr=[[r["estimate"] - r["ci_low"]], [r["ci_high"] - r["estimate"]]],
                            fmt=m, color=col, capsize=2)
            handles.setdefault(lab, h)
        ax.set_yticks(range(len(part)), names(part))
        ax.set_xlim(-1.05, 1.05)
        ax.set_title(BLOCK_LABELS[b])
        ax.set_xlabel("Spearman ρ" if b == "collective_efficiency" else "rank-biserial r")
    axes[0].invert_yaxis()
    if not same_rows:
        for ax in axes[1:]:
            ax.invert_yaxis()
    order = [v[2] for v in marker.values() if v[2] in handles]
    fig.legend([handles[k] for k in order], order, loc="outside lower center", ncols=len(order),
               fontsize="small")
    fig.suptitle(f"Rank associations per sector with {level:.0%} bootstrap intervals "
                 f"(grey: neutral band ±{band:g})")
    return fig


def sensitivity_summary(coef_stab: pd.DataFrame, loo_coef: pd.DataFrame) -> pd.DataFrame:
    """Recoding and leave-one-out stability of each OLS coefficient in one table."""
    a = coef_stab[coef_stab["term"] != ""][["outcome", "term", "coef", "p", "significant", "share_sign_kept",
                                             "share_significance_kept", "share_both_kept", "n_draws_valid"]]
    b = loo_coef[loo_coef["term"] != ""][["outcome", "term", "share_kept", "n_loo", "flipped_by"]]
    out = a.merge(b, on=["outcome", "term"], how="left")
    return out.rename(columns={"share_sign_kept": "recoding: sign kept",
                               "share_significance_kept": "recoding: significance kept",
                               "share_both_kept": "recoding: both kept",
                               "share_kept": "leave-one-out: both kept",
                               "flipped_by": "leave-one-out: changed by"})


def recoding_convention_changes(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """Coefficients whose recoding stability differs between two conventions.

    ``new`` and ``old`` are :func:`analysis.stats.sensitivity.coefficient_stability` frames
    of the same draws under the page's convention (t with n - k df) and the earlier one
    (normal). A row appears when the significance call on the published scores, or the
    share of draws keeping it, changed."""
    cols = ["outcome", "term", "p", "significant", "share_significance_kept", "share_both_kept"]
    both = new[cols].merge(old[cols], on=["outcome", "term"], suffixes=(" new", " old"))
    changed = ((both["significant new"] != both["significant old"])
               | (both["share_significance_kept new"] != both["share_significance_kept old"])
               | (both["share_both_kept new"] != both["share_both_kept old"]))
    out = both[changed][["outcome", "term", "p old", "p new", "significant old", "significant new",
                         "share_significance_kept old", "share_significance_kept new",
                         "share_both_kept old", "share_both_kept new"]]
    return out.rename(columns=lambda c: c.replace("share_significance_kept", "recoding: significance kept")
                      .replace("share_both_kept", "recoding: both kept")).reset_index(drop=True)


def fmt_p(x) -> str:
    """A p-value as read: three decimals, '<0.001' below that, '–' when missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return "<0.001" if x < 0.0005 else f"{x:.3f}"


def show_mc(df: pd.DataFrame, pairs: dict[str, str]) -> pd.DataFrame:
    """Copy of ``df`` for display only: each Monte-Carlo estimate column (a key of ``pairs``)
    shown to the digits its Monte-Carlo standard error (the column named by the value)
    supports (:func:`analysis.report.format.with_mc_error`); the downloads keep full precision."""
    out = df.copy()
    for value, mc in pairs.items():
        if value in out.columns and mc in out.columns:
            out[value] = [fmt.with_mc_error(v, s) for v, s in zip(out[value], out[mc])]
    return out


def show_p(df: pd.DataFrame, columns, digits: int = 3) -> pd.DataFrame:
    """Copy of ``df`` for display only (the downloads keep full precision): other float columns
    rounded to ``digits`` decimals (so that 3e-16 reads 0, not 0.), the p-value ``columns``
    formatted by :func:`fmt_p`."""
    out = df.copy()
    for c in out.columns:
        if c not in columns and pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits) + 0.0          # + 0.0: no "-0"
    for c in columns:
        if c in out.columns:
            out[c] = [fmt_p(float(v)) if v is not None and not pd.isna(v) else "–" for v in out[c]]
    return out


# --------------------------------------------------------------------------- figures

@theme.themed
def coef_plot(results: list[models.ModelResult], *, variables=None, labels: dict | None = None,
              interval: str = "wald") -> Figure:
    """Coefficients with intervals, one panel per model type (scales differ across types).

    ``interval="wald"`` draws the robust Wald intervals; ``"bootstrap"`` the
    bootstrap intervals where available (OLS). Non-estimable models are listed
    under the figure instead of being drawn. Drawn at the theme's full width
    (analysis.theme): each panel names its model in its axis label, on two lines,
    and the outcome legend sits above the panels, outside the data.
    """
    labels = labels or {}
    ok = [r for r in results if r.estimable]
    kinds = [k for k in models.KINDS if any(r.kind == k for r in ok)]
    if variables is None:
        variables = [t for t in dict.fromkeys(t for r in ok for t in r.params.index) if t != "const"]
    outcomes = list(dict.fromkeys(r.outcome for r in results))
    width = theme.FULL_WIDTH if len(kinds) > 1 else theme.COLUMN_WIDTH
    fig = Figure(figsize=(width, 0.5 * len(variables) * max(len(outcomes), 1) ** 0.5 + 2.2), layout="constrained")
    axes = fig.subplots(1, max(len(kinds), 1), sharey=True, squeeze=False)[0]
    step = 0.7 / max(len(outcomes), 1)
    colours = [c for c in theme.PALETTE if c != "#F0E442"]  # yellow bars vanish on white at this size
    xlab = {"ols": "OLS coefficient\n(score points)", "ologit": "ordered logit coefficient\n(log-odds)",
            "oprobit": "ordered probit coefficient\n(latent s.d.)"}
    for ax, kind in zip(axes, kinds):
        for j, o in enumerate(outcomes):
            r = next((r for r in ok if r.kind == kind and r.outcome == o), None)
            if r is None:
                continue
            ci = r.boot_ci if interval == "bootstrap" and r.boot_ci is not None else r.conf_int
            ys, xs, lo, hi = [], [], [], []
            for i, v in enumerate(variables):
                if v in r.params.index:
                    ys.append(i - 0.35 + step * (j + 0.5))
                    xs.append(r.params[v])
                    lo.append(r.params[v] - ci.loc[v, "lower"])
                    hi.append(ci.loc[v, "upper"] - r.params[v])
            ax.errorbar(xs, ys, xerr=[lo, hi], fmt=theme.MARKERS[j % len(theme.MARKERS)], capsize=2,
                        label=o, color=colours[j % len(colours)])
        ax.axvline(0, color="0.5", lw=0.8, ls="--")
        ax.set_xlabel(xlab[kind])
    axes[0].set_yticks(range(len(variables)), [labels.get(v, v) for v in variables])
    axes[0].set_ylabel("explanatory variable")
    axes[0].invert_yaxis()
    if kinds:
        handles, names = axes[0].get_legend_handles_labels()
        # above the panels: the note on models that cannot be estimated takes the space below
        fig.legend(handles, names, title="outcome", loc="outside upper center", ncols=len(names))
    # the kind of problem only (the text before the first colon); the full reasons belong in a table
    refused = [f"{r.label}: {r.reason.split(':')[0]}" for r in results if not r.estimable]
    if refused:
        # supxlabel, unlike free text, gets its own space from the constrained layout
        fig.supxlabel("Not estimable: " + "; ".join(refused), fontsize="x-small", wrap=True)
    return fig
