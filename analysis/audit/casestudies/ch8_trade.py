"""Chapter 8 (Amighini): upgrading read from trade data — Tables 8.2-8.4.

Layout of the cells files (see ``data/chapters/PROVENANCE_ch8.md``)
------------------------------------------------------------------
Tables 8.2 and 8.4 are printed in panels, one per product, each headed by the
world market's compound annual growth ("external market conditions"). The
panel header is one cell: row = panel label as printed (``"(b) Salmon,
Pacific, frozen, whole"``), column ``External market conditions``. A country
row is ``"<panel label> | <country>"`` with columns ``Export earnings``
(compound annual growth), ``Competitiveness (1990)`` and ``Competitiveness
(2000)`` (the two sides of the printed ``start→end`` share cell) and ``Unit
value`` (change over the period, which the chapter reads as relative to
competitors). Every cell of these two tables is an input.

Table 8.3 (Brazilian iron ore production, 1999) has derived row totals,
column totals and market shares; :func:`audit_table_8_3` recomputes them.

The classifications (:func:`classify_table_8_2`, :func:`classify_table_8_4`)
give, per country row, three verdicts with reasons:

``table81``      the chapter's own rule (:func:`analysis.method.trade.classify_table_8_1`)
                 on export-earnings growth, share change, printed unit-value
                 change and world-market growth;
``kr``           Kaplinsky–Readman on the share change and the printed unit-value
                 change, taken as the chapter's text takes it: relative to competitors;
``kr_relative``  sensitivity reading: Kaplinsky–Readman after making the printed
                 change relative to the simple mean change of the *other listed*
                 exporters of the panel (right if the printed column were each
                 country's own change).

A start share printed ``n.a.`` is missing, not zero: a verdict that needs the
share change is then ``unclassifiable`` with the reason (Table 8.1 can still
say "no upgrading" when export earnings or unit value did not rise). No bound
is put on missing start shares: the panel sums (see PROVENANCE_ch8.md) show
the 1990 world total left the ``n.a.`` exporters out.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.audit.casestudies.text_claims import claim_row
from analysis.audit.rules import audit_row
from analysis.method.cells import number, printed
from analysis.method import trade

PANEL_COLUMN = "External market conditions"
EARNINGS, SHARE0, SHARE1, UNIT_VALUE = (
    "Export earnings", "Competitiveness (1990)", "Competitiveness (2000)", "Unit value")
RULES = ("table81", "kr", "kr_relative")


# ---------------------------------------------------------------- reading panels
def panel_rows(cells: pd.DataFrame, table: str) -> pd.DataFrame:
    """One record per country row of a panelled table (8.2 or 8.4), values parsed.

    Columns: table, panel, country, line, focus (bold in print), world_growth_pct,
    export_earnings_cagr_pct, share_start_pct (NaN for n.a.), share_end_pct,
    unit_value_change_pct.
    """
    growth = {r["row"]: number(cells, r["row"], PANEL_COLUMN)
              for _, r in cells[cells["column"] == PANEL_COLUMN].iterrows()}
    out = []
    for row in dict.fromkeys(cells.loc[cells["row"].str.contains(" | ", regex=False), "row"]):
        panel, country = row.split(" | ", 1)
        rec = cells[(cells["row"] == row)]
        out.append({
            "table": table, "panel": panel, "country": country,
            "line": int(rec["line"].iloc[0]),
            "focus": rec["note"].str.contains("focus country").any(),
            "world_growth_pct": growth[panel],
            "export_earnings_cagr_pct": number(cells, row, EARNINGS),
            "share_start_pct": number(cells, row, SHARE0),
            "share_end_pct": number(cells, row, SHARE1),
            "unit_value_change_pct": number(cells, row, UNIT_VALUE),
        })
    return pd.DataFrame(out)


def listed_competitor_change(changes_pct: pd.Series) -> pd.Series:
    """For each row, the simple mean of the *other* rows' changes (per cent)."""
    n = changes_pct.notna().sum()
    total = changes_pct.sum()
    return (total - changes_pct) / (n - 1) if n > 1 else pd.Series(np.nan, index=changes_pct.index)


def _verdict_columns(df: pd.DataFrame, name: str, verdicts: list) -> None:
    df[name] = [v.label for v in verdicts]
    df[f"{name}_reason"] = [v.reason for v in verdicts]


def classify_panels(rows: pd.DataFrame) -> pd.DataFrame:
    """Changes and the three verdict columns (label + reason) for :func:`panel_rows` output."""
    df = rows.copy()
    df["share_change_pp"] = df["share_end_pct"] - df["share_start_pct"]
    df["world_growth_label"] = [f"world market {g:+g}% a year (CAGR 1990–2000)" for g in df["world_growth_pct"]]
    df["listed_competitors_uv_pct"] = pd.concat(
        [listed_competitor_change(g["unit_value_change_pct"]) for _, g in df.groupby("panel", sort=False)])
    df["unit_value_vs_listed_pct"] = [
        100 * trade.relative_change(a / 100, b / 100)
        for a, b in zip(df["unit_value_change_pct"], df["listed_competitors_uv_pct"])]
    _verdict_columns(df, "table81", [
        trade.classify_table_8_1(r.export_earnings_cagr_pct, r.share_change_pp, r.unit_value_change_pct,
                                 r.world_growth_pct) for r in df.itertuples()])
    _verdict_columns(df, "kr", [trade.classify_kaplinsky_readman(m, v) for m, v in
                                zip(df["share_change_pp"], df["unit_value_change_pct"])])
    _verdict_columns(df, "kr_relative", [trade.classify_kaplinsky_readman(m, v) for m, v in
                                         zip(df["share_change_pp"], df["unit_value_vs_listed_pct"])])
    return df


def classify_table_8_2(cells: pd.DataFrame) -> pd.DataFrame:
    """Every country row of Table 8.2 (Chilean salmon) classified; see :func:`classify_panels`."""
    return classify_panels(panel_rows(cells, "8.2"))


def classify_table_8_4(cells: pd.DataFrame) -> pd.DataFrame:
    """Every country row of Table 8.4 (Mexican wooden furniture) classified."""
    return classify_panels(panel_rows(cells, "8.4"))


def panel_share_sums(classified: pd.DataFrame) -> pd.DataFrame:
    """Per panel: sum of the listed start and end shares and the number of ``n.a.`` starts.

    Evidence for how ``n.a.`` was produced: when the known 1990 shares already
    add up to nearly 100 %, the 1990 world total cannot have included the
    ``n.a.`` exporters.
    """
    g = classified.groupby(["table", "panel"], sort=False)
    return pd.DataFrame({
        "start_sum_pct": g["share_start_pct"].sum().round(2),
        "end_sum_pct": g["share_end_pct"].sum().round(2),
        "n_start_missing": g["share_start_pct"].apply(lambda s: int(s.isna().sum())),
    }).reset_index()


# ---------------------------------------------------------------- Table 8.3 audit
def _tolerance_share(i_inputs: int, other_inputs: int, t_i: float, total: float) -> float:
    """Worst-case error of ``100·T_i/ΣT`` when each non-zero input is printed to ±0.05."""
    return 0.05 * 100 * (i_inputs * (total - t_i) + other_inputs * t_i) / total ** 2


def audit_table_8_3(cells: pd.DataFrame) -> list[dict]:
    """Audit every derived cell of Table 8.3 against sums and shares of the inputs.

    Row totals = Processed + Pellets; column totals = sums over the eight
    companies; market share = 100 · company total / grand total. Inputs are printed
    to one decimal (printed ``0`` pellets are read as exact zeros), so sums carry
    ±0.05 per non-zero input and shares the propagated worst case.
    """
    companies = [r for r in dict.fromkeys(cells["row"]) if r != "Total"]
    parts = {c: [number(cells, c, "Processed"), number(cells, c, "Pellets")] for c in companies}
    nonzero = {c: sum(1 for v in p if v != 0) for c, p in parts.items()}
    totals = {c: sum(p) for c, p in parts.items()}
    grand = sum(totals.values())
    n_all = sum(nonzero.values())
    out = []
    for c in companies:
        out.append(audit_row("8.3", c, "Total", printed(cells, c, "Total"), totals[c],
                             "Processed + Pellets", input_tolerance=0.0))
        tol = _tolerance_share(nonzero[c], n_all - nonzero[c], totals[c], grand)
        out.append(audit_row("8.3", c, "Market share", printed(cells, c, "Market share"),
                             100 * totals[c] / grand, f"100 x {totals[c]:.1f} / {grand:.1f}",
                             input_tolerance=tol))
    for j, col in enumerate(("Processed", "Pellets")):
        out.append(audit_row("8.3", "Total", col, printed(cells, "Total", col),
                             sum(parts[c][j] for c in companies), "sum of the eight companies"))
    out.append(audit_row("8.3", "Total", "Total", printed(cells, "Total", "Total"), grand,
                         "sum of all sixteen inputs (footnote: total from BNDES)"))
    out.append(audit_row("8.3", "Total", "Market share", printed(cells, "Total", "Market share"),
                         100 * grand / grand, "100 x grand total / grand total"))
    return out


def audit_text_claims_8_3(tables: dict) -> list[dict]:
    """Figures the chapter's prose derives from Table 8.3, recomputed from the table's inputs.

    ``tables`` holds Table 8.3's cells (key ``"8.3"``) and the prose statements
    (``data/book/text_claims.csv``); the statement's number, qualifier and line are data.
    """
    cells = tables["8.3"]
    cvrd_pellets = number(cells, "CVRD", "Pellets")
    pellets = sum(number(cells, r, "Pellets") for r in dict.fromkeys(cells["row"]) if r != "Total")
    return [claim_row(tables, "8.3 text (line 2942)", "CVRD", "share of pellet production",
                      100 * cvrd_pellets / pellets, "100 x CVRD pellets / all pellets")]


# ---------------------------------------------------------------- text verdicts
#: Which rule labels each text verdict agrees with; a verdict absent for a rule is "not stated" there.
COMPATIBLE = {
    "kr": {
        "upgrading": {trade.KR_UPGRADING},
        "downgrading": {trade.KR_IMMISERIZING},
        "immiserizing growth": {trade.KR_IMMISERIZING},
        "withdrawal": {trade.KR_WITHDRAWAL},
        "niche shift": {trade.KR_NICHE},
        "unit value up": {trade.KR_UPGRADING, trade.KR_NICHE},
    },
    "table81": {
        "upgrading": {trade.UPGRADING_SHARE, trade.UPGRADING_NICHE},
        "downgrading": {trade.NO_UPGRADING},
        "immiserizing growth": {trade.NO_UPGRADING},
        "withdrawal": {trade.NO_UPGRADING},
        "niche shift": {trade.NO_UPGRADING},
    },
}
COMPATIBLE["kr_relative"] = COMPATIBLE["kr"]


def verdict_agreement(verdict: str, rule: str, label: str) -> str:
    """``agree`` / ``disagree`` / ``not stated`` / ``unclassifiable`` for one verdict under one rule."""
    allowed = COMPATIBLE.get(rule, {}).get(verdict)
    if not verdict or allowed is None:
        return "not stated"
    if label == trade.UNCLASSIFIABLE:
        return "unclassifiable"
    return "agree" if label in allowed else "disagree"


def compare_with_text(classified: pd.DataFrame, verdicts: pd.DataFrame,
                      rules: tuple[str, ...] = RULES) -> pd.DataFrame:
    """Each classified row against each verdict the text states for it.

    One output row per (country row, text verdict); rows the text says nothing
    about appear once with ``not stated``. ``<rule>_vs_text`` holds ``agree``,
    ``disagree``, ``not stated`` (the text's verdict does not speak to that rule)
    or ``unclassifiable`` (the text has a verdict but the rule cannot classify).
    Verdicts that match no classified row raise ``KeyError``.
    """
    rules = tuple(r for r in rules if r in classified.columns)
    keys = ["table", "panel", "country"]
    known = set(map(tuple, classified[keys].to_numpy()))
    orphans = [tuple(k) for k in verdicts[keys].to_numpy() if tuple(k) not in known]
    if orphans:
        raise KeyError(f"text verdicts with no table row: {orphans}")
    m = classified[keys + ["line"] + list(rules)].rename(columns={"line": "table_line"}).merge(
        verdicts[keys + ["verdict_in_text", "line", "quote_summary"]], on=keys, how="left")
    m["verdict_in_text"] = m["verdict_in_text"].fillna("")
    m["quote_summary"] = m["quote_summary"].fillna("")
    for r in rules:
        m[f"{r}_vs_text"] = [verdict_agreement(v, r, lab) for v, lab in zip(m["verdict_in_text"], m[r])]
    return m


def consistency_ch8(cells_by_table: dict, table_1_2: pd.DataFrame) -> list[dict]:
    """Chapter 8's consistency rows: its prose statements on Table 8.3 (Table 1.2 is not used)."""
    return audit_text_claims_8_3(cells_by_table)


# What the book audit runs for this chapter (analysis.audit.casestudies.rows): the audit
# function of each numeric table that prints derived cells, and the consistency check.
CHAPTER = 8
AUDITS = {"8.3": audit_table_8_3}
CONSISTENCY = consistency_ch8
