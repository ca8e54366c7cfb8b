"""One function per figure, named after what it shows. Each returns a
matplotlib Figure in the book's theme (:mod:`analysis.theme`: 6.5 in column or
9 in full width, fonts of 8 pt or more, Okabe-Ito colours with redundant
markers and hatches, legends outside the data, no title inside the image: the
caption carries it) with labelled axes, units and a source line printed inside
the image (so a downloaded PNG still says where its numbers come from).
No file I/O here; :mod:`analysis.report.present` saves and links figures.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from analysis import theme  # noqa: E402
from analysis.vocab import (CE_DEGREES, CHAIN_LABELS, CHAIN_TYPES, GOVERNANCE_CODES, SECTOR_LABELS,
    SECTORS, check_sector)  # noqa: E402
from analysis.method.tables import governance_profile, sector_upgrading_means, upgrading_long  # noqa: E402

TYPE_ORDER = ["product", "process", "functional", "intersectoral"]
CE_PALETTE = dict(zip(CE_DEGREES, theme.SEQUENTIAL[1:]))
CE_HATCH = dict(zip((*CE_DEGREES, "not published"), ("", "//", "..", "xx")))


def _source(fig, text: str) -> None:
    fig.text(0.01, 0.005, f"Source: {text}", fontsize=theme.MIN_FONT, color="0.35", ha="left", va="bottom")


def _wrap(text: str, width: int = 18) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _hatch_bars(ax, hatches: list[str]) -> None:
    """Give each bar container (one per series) its hatch: series differ by more than colour."""
    for container, hatch in zip(ax.containers, hatches):
        for bar in container:
            bar.set_hatch(hatch)
            bar.set_edgecolor("0.3")
            bar.set_linewidth(0.4)


def has_upgrading_scores(cases: pd.DataFrame, sector: str) -> bool:
    """True if at least one case of ``sector`` has an upgrading score."""
    check_sector(sector)
    return not upgrading_long(cases[cases["sector"] == sector]).empty


@theme.themed
def figure_upgrading_by_type_and_ce(cases: pd.DataFrame, sector: str, source: str) -> plt.Figure:
    """Upgrading scores by type, one bar per CE degree (mean) with the cases as dots."""
    check_sector(sector)
    long = upgrading_long(cases[cases["sector"] == sector])
    if long.empty:
        raise ValueError(f"no per-case upgrading scores for sector {sector!r}")
    long["ce_degree"] = long["ce_degree"].astype("string").fillna("not published")
    hue_order = [d for d in (*CE_DEGREES, "not published") if d in set(long["ce_degree"])]
    palette = {**CE_PALETTE, "not published": theme.GREY}
    fig, ax = plt.subplots(figsize=theme.figsize("column", 0.6))
    sns.barplot(long, x="type", y="score", hue="ce_degree", order=TYPE_ORDER, hue_order=hue_order,
                palette=palette, errorbar=None, alpha=0.55, ax=ax)
    _hatch_bars(ax, [CE_HATCH[d] for d in hue_order])
    sns.stripplot(long, x="type", y="score", hue="ce_degree", order=TYPE_ORDER, hue_order=hue_order,
                  palette=palette, dodge=True, jitter=0.12, size=5, edgecolor="0.2", linewidth=0.5,
                  legend=False, ax=ax)
    ax.set(ylim=(-0.1, 3.2), xlabel="Type of upgrading",
           ylabel="Upgrading score (0 absent – 3 high)")
    theme.legend_outside(ax, title="CE degree\n(bars: mean;\ndots: cases)")
    _source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


@theme.themed
def figure_governance_mix(cases: pd.DataFrame, sector: str, source: str) -> plt.Figure:
    """Number of clusters per chain type, stacked by governance code (absent/domestic/global/both)."""
    prof = governance_profile(cases, sector)
    wide = prof.pivot(index="chain", columns="code", values="n_cases").reindex([CHAIN_LABELS[c] for c in CHAIN_TYPES])
    labels = {**{k: f"{k} {v}" for k, v in GOVERNANCE_CODES.items()}, "unknown": "not published"}
    colors = {0: "#EEEEEE", 1: theme.SEQUENTIAL[1], 2: theme.SEQUENTIAL[2], 3: theme.SEQUENTIAL[3],
              "unknown": theme.OKABE_ITO[1]}
    hatches = {0: "", 1: "//", 2: "..", 3: "xx", "unknown": "\\\\"}
    fig, ax = plt.subplots(figsize=theme.figsize("column", 0.5))
    left = pd.Series(0, index=wide.index, dtype=float)
    for code in (0, 1, 2, 3, "unknown"):
        vals = wide[code].astype(float)
        if code == "unknown" and vals.sum() == 0:
            continue
        ax.barh(wide.index, vals, left=left, color=colors[code], label=labels[code], edgecolor="0.3",
                linewidth=0.4, hatch=hatches[code])
        left += vals
    ax.invert_yaxis()
    check_sector(sector)
    ax.set(xlabel="Number of clusters", ylabel="Value-chain governance")
    ax.grid(axis="x", color="#DDDDDD")
    ax.grid(axis="y", visible=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    theme.legend_outside(ax, title="Code (Table 9.2)")
    _source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


@theme.themed
def figure_ce_index_by_sector(table_9_1: pd.DataFrame, source: str) -> plt.Figure:
    """Table 9.1's sector averages of EE, JA and the CE index, as grouped bars."""
    long = table_9_1.melt(id_vars="Sector", var_name="Index", value_name="value")
    fig, ax = plt.subplots(figsize=theme.figsize("column", 0.62))
    index_names = list(dict.fromkeys(long["Index"]))
    sns.barplot(long, y="Sector", x="value", hue="Index", hue_order=index_names,
                palette=list(theme.PALETTE[:len(index_names)]), errorbar=None, ax=ax)
    _hatch_bars(ax, list(theme.HATCHES[:len(index_names)]))
    for c in ax.containers:
        ax.bar_label(c, fmt="%.2f", fontsize=theme.MIN_FONT, padding=2)
    ax.set(xlim=(0, 12), xlabel="Index value (sum of 0–3 component ratings; scale 0–12)", ylabel="")
    ax.set_yticks(ax.get_yticks(), [_wrap(t.get_text()) for t in ax.get_yticklabels()])
    ax.grid(axis="x", color="#DDDDDD")
    ax.grid(axis="y", visible=False)
    theme.legend_outside(ax, handles=list(ax.containers), labels=[_wrap(n, 16) for n in index_names])
    _source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


@theme.themed
def figure_upgrading_profiles_by_sector(cases: pd.DataFrame, source: str) -> plt.Figure:
    """Mean upgrading score per type, one line per sector with published scores."""
    means = sector_upgrading_means(cases)
    fig, ax = plt.subplots(figsize=theme.figsize("column", 0.55))
    order = [SECTOR_LABELS[s] for s in SECTORS if s in set(means["sector"])]
    sns.pointplot(means, x="type", y="mean_score", hue="sector_label", order=TYPE_ORDER,
                  hue_order=order, markers=list(theme.MARKERS[: len(order)]),
                  linestyles=list(theme.LINESTYLES[: len(order)]),
                  palette=list(theme.PALETTE[: len(order)]), ax=ax)
    ax.set(ylim=(-0.1, 3.1), xlabel="Type of upgrading", ylabel="Mean score (0 absent – 3 high)")
    theme.legend_outside(ax, title="")
    _source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


@theme.themed
def figure_ce_degree_by_sector(counts: pd.DataFrame, source: str) -> plt.Figure:
    """Number of clusters in each sector by published CE degree."""
    fig, ax = plt.subplots(figsize=theme.figsize("column", 0.5))
    colors = {**CE_PALETTE, "not published": "#DDDDDD"}
    counts.plot(kind="barh", stacked=True, ax=ax, color=[colors[c] for c in counts.columns], edgecolor="0.3",
                linewidth=0.4)
    _hatch_bars(ax, [CE_HATCH.get(c, "") for c in counts.columns])
    ax.invert_yaxis()
    ax.set_yticks(ax.get_yticks(), [_wrap(t.get_text()) for t in ax.get_yticklabels()])
    ax.set(xlabel="Number of clusters", ylabel="")
    ax.grid(axis="x", color="#DDDDDD")
    ax.grid(axis="y", visible=False)
    theme.legend_outside(ax, title="CE degree")
    _source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


@theme.themed
def figure_case_against_sector(sector_cases: pd.DataFrame, case: pd.Series, source: str) -> plt.Figure:
    """A new case's upgrading scores (and CE components, if rated) against the published
    distribution of its sector: published cases as dots, the new case as a red diamond."""
    long = upgrading_long(sector_cases)
    fig, ax = plt.subplots(figsize=theme.figsize("column", 0.55))
    if not long.empty:
        sns.stripplot(long, x="type", y="score", order=TYPE_ORDER, color="0.55", jitter=0.15, size=5,
                      alpha=0.7, ax=ax, label="published cases of the sector")
        means = long.groupby("type")["score"].mean().reindex(TYPE_ORDER)
        ax.scatter(range(4), means.values, marker="_", s=900, color="0.2", label="published mean", zorder=3)
    vals = [case.get(f"upgrading_{t}") for t in TYPE_ORDER]
    xs = [i for i, v in enumerate(vals) if v is not None and not pd.isna(v)]
    ax.scatter(xs, [vals[i] for i in xs], marker="D", s=90, color=theme.OKABE_ITO[6], edgecolor="black", zorder=4,
               label="this case")
    ax.set_xticks(range(4), TYPE_ORDER)
    ax.set(ylim=(-0.2, 3.2), xlabel="Type of upgrading", ylabel="Upgrading score (0 absent – 3 high)")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    theme.legend_outside(ax, handles=list(uniq.values()), labels=list(uniq.keys()))
    missing = [t for t, v in zip(TYPE_ORDER, vals) if v is None or pd.isna(v)]
    if missing:
        ax.text(1.01, 0.0, "not scored:\n" + "\n".join(missing), transform=ax.transAxes,
                fontsize=theme.MIN_FONT, va="bottom", color="black")
    _source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
