"""The book's numeric statements in prose (``data/book/text_claims.csv``), turned into audit rows.

Each claim is one number the prose states, with its chapter, source line,
printed page, a short quote, its qualifier ("about", "over", ...) and what it
is compared with (``compared_with``):

``audit``
    the chapter's audit functions compute the other side (e.g. a share from
    Table 4.3); the claim names that audit row (``audit_table``/``audit_row``/
    ``audit_column``) and supplies its number and qualifier;
``expr: ...``
    an arithmetic expression over printed table cells ``{table :: row :: column}``
    and other claims ``[claim_id]`` (``+ - * /``, parentheses, numbers), e.g.
    ``expr: [T04-1775-b] + [T04-1775-c]``; it is evaluated with interval
    arithmetic, each cell widened by half a unit of its printed last digit and
    each claim read by its qualifier, and becomes an audit row of its own;
``none: <reason>``
    checkable in kind but the book prints nothing to check it against (e.g.
    a growth rate to a year the table lacks): a ``not_derivable`` row.

Every row then goes through the one judging function with the rest of the
audit (:mod:`analysis.audit.standard`).
"""
from __future__ import annotations

import ast
import math
import operator
import re

import pandas as pd

from analysis.audit.judging import Interval, significant_unit, stated
from analysis.method.printed import parse_printed

REF = re.compile(r"\{\s*([^{}]+?)\s*::\s*([^{}]+?)\s*::\s*([^{}]+?)\s*\}|\[([A-Za-z0-9\-]+)\]")
AUDIT_TABLE = "text claim"
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class ClaimError(ValueError):
    """A text claim that cannot be evaluated (named claim, reason)."""


def _cell(data, table: str, row: str, column: str) -> tuple[float, float]:
    """A printed table cell as (low, high): its value +- half a unit of its last printed digit."""
    if table in data.chapters and {"row", "column", "printed"} <= set(data.chapters[table].columns):
        cells = data.chapters[table]
    else:
        cells = data.printed[data.printed["table"] == table]
    hit = cells[(cells["row"] == row) & (cells["column"] == column)]
    if len(hit) != 1:
        raise ClaimError(f"no single printed cell {table} | {row} | {column} ({len(hit)} found)")
    p = parse_printed(hit.iloc[0]["printed"])
    if p.value is None:
        raise ClaimError(f"cell {table} | {row} | {column} holds no number")
    h = 0.5 * 10.0 ** -(p.decimals or 0)
    return p.value - h, p.value + h


def _claim(claims: pd.DataFrame, cid: str) -> tuple[float, float]:
    hit = claims[claims["claim_id"] == cid]
    if len(hit) != 1:
        raise ClaimError(f"expression refers to unknown claim [{cid}]")
    r = hit.iloc[0]
    iv = stated(r["number"], r["qualifier"] if r["qualifier"] != "qualitative" else "plain")
    if not (math.isfinite(iv.lo) and math.isfinite(iv.hi)):
        raise ClaimError(f"claim [{cid}] is a bound ({r['qualifier']}); a bound cannot enter arithmetic")
    return iv.lo, iv.hi


def _combine(op, a, b):
    if op is operator.truediv and b[0] <= 0 <= b[1]:
        raise ClaimError("division by an interval that contains zero")
    corners = [op(x, y) for x in a for y in b]
    return min(corners), max(corners)


def evaluate(expression: str, data, claims: pd.DataFrame) -> tuple[float, float]:
    """Value range (low, high) of an ``expr:`` expression."""
    leaves, names = [], {}

    def sub(m):
        name = f"_r{len(leaves)}"
        leaves.append(m)
        return name
    src = REF.sub(sub, expression.strip())
    for name, m in zip((f"_r{i}" for i in range(len(leaves))), leaves):
        names[name] = _claim(claims, m.group(4)) if m.group(4) else _cell(data, m.group(1), m.group(2), m.group(3))

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _combine(_OPS[type(node.op)], ev(node.left), ev(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            (lo, hi), (elo, ehi) = ev(node.left), ev(node.right)
            if lo <= 0 or elo != ehi:
                raise ClaimError("a power needs a positive base and a fixed exponent")
            return tuple(sorted((lo ** elo, hi ** elo)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            lo, hi = ev(node.operand)
            return -hi, -lo
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value), float(node.value)
        if isinstance(node, ast.Name) and node.id in names:
            return names[node.id]
        raise ClaimError(f"not allowed in an expression: {ast.dump(node)[:60]}")
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        raise ClaimError(f"cannot parse expression {expression!r}: {exc.msg}") from None
    return ev(tree)


def claim_audit(data, chapters=None) -> pd.DataFrame:
    """Audit rows for the claims checked by expression (or with nothing to check against),
    of every chapter or of ``chapters`` only.

    Columns as :data:`analysis.casestudies.audit_all.COLUMNS`; ``table`` is
    ``"text claim"``, ``row`` the claim id, ``column`` what it measures.
    """
    claims = data.text_claims
    rows = []
    for _, c in claims.iterrows():
        if chapters is not None and int(c["chapter"]) not in chapters:
            continue
        how = str(c["compared_with"])
        if not (how.startswith("expr:") or how.startswith("none:")):
            continue
        rec = {"table": AUDIT_TABLE, "row": c["claim_id"], "column": c["measure"], "printed": c["number"],
               "computed": None, "status": "not_derivable", "rule": "", "tolerance": 0.0, "exact": False,
               "note": f"text line {c['line']}: {c['quote']}", "kind": "consistency",
               "line": int(c["line"]), "chapter": int(c["chapter"])}
        if how.startswith("expr:"):
            try:
                lo, hi = evaluate(how[5:], data, claims)
            except ClaimError as exc:
                raise ClaimError(f"text claim {c['claim_id']} (line {c['line']}): {exc}") from None
            rec.update(computed=round((lo + hi) / 2, 6), tolerance=round((hi - lo) / 2, 9),
                       rule=f"{how[5:].strip()} = [{lo:.6g}, {hi:.6g}]")
        else:
            rec["rule"] = how[5:].strip()
        rows.append(rec)
    return pd.DataFrame(rows)


def claim_sides(claims: pd.DataFrame) -> dict:
    """Audit key -> (side, number, qualifier, step) for claims judged on an audit row."""
    out = {}
    for _, c in claims.iterrows():
        how = str(c["compared_with"])
        if how.startswith("expr:") or how.startswith("none:"):
            key = (AUDIT_TABLE, c["claim_id"], c["measure"])
            out[key] = ("printed", c["number"], c["qualifier"], c["step"])
        elif how.startswith("audit"):
            key = (c["audit_table"], c["audit_row"], c["audit_column"])
            if key in out:
                raise ClaimError(f"two text claims name the audit row {key}")
            out[key] = (c["side"], c["number"], c["qualifier"], c["step"])
    return out


def rounding_unit(number: str) -> float:
    """The claim's own rounding unit (for display): its last significant digit."""
    return significant_unit(number)


__all__ = ["AUDIT_TABLE", "ClaimError", "Interval", "claim_audit", "claim_sides", "evaluate", "rounding_unit"]


def claims_with_status(claims: pd.DataFrame, audit: pd.DataFrame) -> pd.DataFrame:
    """Every prose statement with the status of the audit row that judges it.

    Statements that only serve as the other side of another claim (``ref:``)
    carry that claim's id in ``compared_with`` and no status of their own.
    """
    a = audit.set_index(["table", "row", "column"])
    status, root = [], []
    for _, c in claims.iterrows():
        how = str(c["compared_with"])
        if how == "audit":
            key = (c["audit_table"], c["audit_row"], c["audit_column"])
        elif how.startswith(("expr:", "none:")):
            key = (AUDIT_TABLE, c["claim_id"], c["measure"])
        else:
            status.append("(other side of a check)")
            root.append(None)
            continue
        status.append(a.loc[key, "status"])
        root.append(a.loc[key, "root_cause"])
    out = claims[["claim_id", "chapter", "page", "line", "quote", "number", "qualifier", "measure", "compared_with"]].copy()
    out["status"] = status
    out["root_cause"] = root
    return out


def prose_counts(scan: pd.DataFrame, judged: pd.DataFrame) -> dict:
    """How the prose was covered: sentences scanned and inspected (every numeric sentence was read:
    first those with a figure, then those with only a counting word or list marker), statements
    transcribed, checkable, checked."""
    own = judged[judged["status"] != "(other side of a check)"]
    numeric, figure = int(scan["numeric_sentences"].sum()), int(scan["figure_sentences"].sum())
    return {
        "numeric_sentences": numeric,
        "figure_sentences": figure,
        "word_sentences": numeric - figure,
        "statements": int(len(judged)),
        "checkable": int(len(own)),
        "checked": int((own["status"] != "not_derivable").sum()),
        "other_side": int(len(judged) - len(own)),
    }
