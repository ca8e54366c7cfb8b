"""The Chapter 8 page's views: the two rules' readings of Tables 8.2 and 8.4 and of a
reader's own trade series, their quadrant charts, and the text's verdicts against them.

Apart from :mod:`analysis.report.casestudy_display` so that only the Chapter 8 page depends
on the trade rules (:mod:`analysis.method.trade`) and the Chapter 8 audit module.
"""
from __future__ import annotations

import pandas as pd

from analysis.method import trade

RULE_VARIANTS = {"absolute": "kr", "relative": "kr_relative"}


def kr_column(rule_variant: str) -> str:
    """The verdict column of the Kaplinsky–Readman reading chosen by ``rule_variant``."""
    try:
        return RULE_VARIANTS[rule_variant]
    except KeyError:
        raise ValueError(f"rule_variant {rule_variant!r}: expected one of {', '.join(RULE_VARIANTS)}") from None


def select_panels(classified: pd.DataFrame, panels: str) -> list[str]:
    """Panel labels chosen by ``panels``: "all", or comma-separated names or unique parts of names.

    Raises ``ValueError`` naming the choice that matches no panel or several.
    """
    labels = list(dict.fromkeys(classified["panel"]))
    if panels.strip().lower() == "all":
        return labels
    chosen = []
    for want in (p.strip() for p in panels.split(",") if p.strip()):
        hits = [p for p in labels if p.lower() == want.lower()] or [p for p in labels if want.lower() in p.lower()]
        if len(hits) != 1:
            raise ValueError(f"panels: {want!r} matches {len(hits)} panels ({'; '.join(hits) or 'none'}); "
                             f"choose among: {'; '.join(labels)}")
        if hits[0] not in chosen:
            chosen.append(hits[0])
    if not chosen:
        raise ValueError("panels: give 'all' or at least one panel name")
    return chosen


def _label(label: str, reason: str) -> str:
    return f"{label} ({reason})" if label == trade.UNCLASSIFIABLE else label


def with_variant(classified: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """Copy in which ``unit_value_change_pct`` is the unit-value change the chosen reading uses.

    ``absolute`` keeps the change as given (printed, or the country's own);
    ``relative`` substitutes the change relative to the other exporters
    (``unit_value_vs_listed_pct`` for the book's panels,
    ``unit_value_vs_competitors_pct`` for a user's series).
    """
    out = classified.copy()
    if kr_column(rule_variant) == "kr_relative":
        col = "unit_value_vs_listed_pct" if "unit_value_vs_listed_pct" in out else "unit_value_vs_competitors_pct"
        out["unit_value_change_pct"] = out[col]
    return out


def quadrant(classified: pd.DataFrame, panel: str, rule_variant: str):
    """:func:`analysis.audit.casestudies.ch8_trade.quadrant_figure` for the chosen unit-value reading."""
    from analysis.audit.casestudies.ch8_trade import quadrant_figure

    fig = quadrant_figure(with_variant(classified, rule_variant), panel)
    if kr_column(rule_variant) == "kr_relative":
        fig.axes[0].set_ylabel("change in unit value relative to the other exporters (%)")
    return fig


def classification_view(classified: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """Rows of Table 8.2 or 8.4 with the inputs, the share change and both rules' verdicts."""
    kr = kr_column(rule_variant)
    uv_label = ("Unit value change, printed (%)" if kr == "kr" else
                "Unit value change vs other listed exporters (%)")
    uv = classified["unit_value_change_pct"] if kr == "kr" else classified["unit_value_vs_listed_pct"]
    return pd.DataFrame({
        "Panel": classified["panel"], "Country": classified["country"],
        "World market growth (% a year)": classified["world_growth_pct"],
        "Export earnings growth (% a year)": classified["export_earnings_cagr_pct"],
        "Share 1990 (%)": classified["share_start_pct"], "Share 2000 (%)": classified["share_end_pct"],
        "Share change (points)": classified["share_change_pp"],
        uv_label: uv,
        "Table 8.1 rule": [_label(a, b) for a, b in zip(classified["table81"], classified["table81_reason"])],
        "Kaplinsky–Readman": [_label(a, b) for a, b in zip(classified[kr], classified[f"{kr}_reason"])],
    }).reset_index(drop=True)


def text_comparison_view(comparison: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """The text's verdicts against both rules: one row per statement the chapter makes."""
    kr = kr_column(rule_variant)
    c = comparison[comparison["verdict_in_text"] != ""]
    return pd.DataFrame({
        "Table": c["table"], "Panel": c["panel"], "Country": c["country"],
        "Text says": c["verdict_in_text"], "Source line": c["line"].astype("Int64"),
        "Table 8.1 rule": c["table81"], "vs text (8.1)": c["table81_vs_text"],
        "Kaplinsky–Readman": c[kr], "vs text (K–R)": c[f"{kr}_vs_text"],
    }).reset_index(drop=True)


def disagreements(comparison: pd.DataFrame, classified: pd.DataFrame, rule_variant: str) -> list[str]:
    """One sentence per (text statement, rule) on which the classification contradicts the text.

    ``comparison`` from :func:`analysis.audit.casestudies.ch8_trade.compare_with_text`,
    ``classified`` the classified rows (for the reasons behind each verdict).
    """
    kr = kr_column(rule_variant)
    keys = ["table", "panel", "country"]
    reasons = classified[keys + ["table81_reason", f"{kr}_reason"]]
    m = comparison.merge(reasons, on=keys, how="left")
    out = []
    for r in m.to_dict("records"):
        for rule, name in (("table81", "the Table 8.1 rule"), (kr, "Kaplinsky–Readman")):
            if r[f"{rule}_vs_text"] == "disagree":
                out.append(f"Line {int(r['line'])}: the text reads {r['country']} in Table {r['table']} {r['panel']} "
                           f"as '{r['verdict_in_text']}'; {name} gives '{r[rule]}' ({r[rule + '_reason']}).")
    return out


def series_view(classified_series: pd.DataFrame, rule_variant: str) -> pd.DataFrame:
    """A user's classified trade series (from :func:`analysis.method.trade.classify_series`) for display."""
    kr = kr_column(rule_variant)
    s = classified_series
    uv = s["unit_value_change_pct"] if kr == "kr" else s["unit_value_vs_competitors_pct"]
    return pd.DataFrame({
        "Product": s["panel"], "Country": s["country"], "Period": [f"{a}–{b}" for a, b in zip(s["start"], s["end"])],
        "Export value change": s["export_value_change"], "Share start (%)": s["share_start_pct"],
        "Share end (%)": s["share_end_pct"], "Share change (points)": s["share_change_pp"],
        ("Unit value change (%)" if kr == "kr" else "Unit value change vs other countries (%)"): uv,
        "World volume change (%)": s["world_growth_pct"],
        "Table 8.1 rule": [_label(a, b) for a, b in zip(s["table81"], s["table81_reason"])],
        "Kaplinsky–Readman": [_label(a, b) for a, b in zip(s[kr], s[f"{kr}_reason"])],
    })


# ---------------------------------------------------------------- page blocks
