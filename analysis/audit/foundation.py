"""The audit of the foundation tables of Chapter 9: Table 9.1 and Tables 9.4-9.6 recomputed
from the case database (``data/cases.csv``) and the book's printed values. Rows of kind
``"derived cell"``, before the judging standard (:mod:`analysis.audit.judged`).
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.rules import AUDIT_COLUMNS, audit_row
from analysis.method.aggregate import upgrading_aggregates
from analysis.method.indices import UPGRADING_COLUMNS, upgrading_sum
from analysis.method.printed import parse_printed
from analysis.method.tables import UPGRADING_HEADERS
from analysis.vocab import SECTORS

HEADER_TO_COLUMN = {v: k for k, v in UPGRADING_HEADERS.items()}


def audit_upgrading_table(cases: pd.DataFrame, reconciliation: pd.DataFrame,
                          printed: pd.DataFrame, table: str) -> list[dict]:
    """Audit rows for one of Tables 9.4-9.6: row sums, column totals and averages."""
    labels = reconciliation[reconciliation["table"] == table]
    rows = labels.merge(cases, on="case_id", how="left")
    sums = dict(zip(rows["case_id"], upgrading_sum(rows)))
    label_of = dict(zip(rows["case_id"], rows["printed_label"]))
    agg = upgrading_aggregates(rows)
    out = []
    for _, p in printed[printed["table"] == table].iterrows():
        column = HEADER_TO_COLUMN[p["column"]]
        if p["row"] in ("Total", "Average"):
            computed = agg.loc[p["row"], column]
            note = ""
            if p["row"] == "Average":
                alt = agg.loc["Available-case average", column]
                n_rows, n_avail = len(rows), int(agg.loc["n", column])
                note = f"total / {n_rows} rows listed"
                if n_avail != n_rows:
                    note += (f"; {n_rows - n_avail} score(s) printed N/A are counted as 0, as the book does;"
                             f" the mean of the {n_avail} available scores would be {alt:.4g}")
            # totals of half-step scores are exact; only averages may be rounded
            rec = audit_row(table, p["row"], p["column"], p["printed"], computed, note,
                            allow_rounding=p["row"] == "Average")
        else:
            cid = p["row"]
            case = rows[rows["case_id"] == cid].iloc[0]
            missing = [c.replace("upgrading_", "") for c in UPGRADING_COLUMNS if pd.isna(case[c])]
            note = f"case {cid}" + (f"; N/A {', '.join(missing)} counted as 0" if missing else "")
            rec = audit_row(table, label_of[cid], p["column"], p["printed"], sums[cid], note, allow_rounding=False)
        rec["line"] = int(p["line"])
        out.append(rec)
    return out


def audit_table_9_1(printed: pd.DataFrame) -> list[dict]:
    """Audit rows for Table 9.1.

    EE and JA are sector averages of per-case indices that the book does not
    publish: ``not_derivable``. The CE index cell is checked against the
    identity the table's own note states (CE = 0.5 EE + 0.5 JA), evaluated on
    the printed EE and JA; since those are printed to 2 dp, the identity can
    only be judged to within 0.005.
    """
    t = printed[printed["table"] == "9.1"]
    out = []
    for sector in SECTORS:
        cells = t[t["row"] == sector].set_index("column")
        for col in ("External economies (EE)", "Joint actions (JA)"):
            rec = audit_row("9.1", sector, col, cells.loc[col, "printed"], None,
                            "sector average of per-case index; per-case components are not published")
            rec["line"] = int(cells.loc[col, "line"])
            out.append(rec)
        ee = parse_printed(cells.loc["External economies (EE)", "printed"]).value
        ja = parse_printed(cells.loc["Joint actions (JA)", "printed"]).value
        rec = audit_row("9.1", sector, "Collective Efficiency Index", cells.loc["Collective Efficiency Index", "printed"],
                        0.5 * ee + 0.5 * ja,
                        "identity check of the table's note on the printed EE and JA (the only inputs published)",
                        input_tolerance=0.005)
        rec["line"] = int(cells.loc["Collective Efficiency Index", "line"])
        out.append(rec)
    return out


def foundation_audit(data) -> pd.DataFrame:
    """Audit rows of the foundation tables (9.1, 9.4-9.6), all of kind ``"derived cell"``."""
    rows = audit_table_9_1(data.printed)
    for table in ("9.4", "9.5", "9.6"):
        rows += audit_upgrading_table(data.cases, data.reconciliation, data.printed, table)
    audit = pd.DataFrame(rows, columns=[*AUDIT_COLUMNS, "line"])
    audit["kind"] = "derived cell"
    audit["chapter"] = 9
    return audit
