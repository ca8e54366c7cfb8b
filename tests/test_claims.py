"""Structural statements of Chapters 1 and 9 (data/book/structural_claims.csv) and their rules
(analysis/audit/claims.py): verdicts on the real data, verdicts that flip when the data change,
corrupted rows rejected with a full message, and no statement left in the code."""
import ast
import csv

import pandas as pd
import pytest

from audit_support import audited
from analysis.audit.book_audit import book_audit
from analysis.audit.claims import (AUDIT_TABLE, RULES, ClaimsDataError, check_claims, claims_problems,
                                   read_rules)
from analysis.io import bookref
from analysis.io.data import DataError, load_book_data, read_validated
from analysis.io.schema import PROSE_READING, STRUCTURAL_CLAIMS
from analysis.paths import ROOT
from analysis.vocab import SECTORS

CLAIMS_CSV = ROOT / "data" / "book" / "structural_claims.csv"
CODE = ROOT / "analysis" / "audit" / "claims.py"


def verdicts(data):
    return check_claims(data).set_index("claim_id")["verdict"].to_dict()


def _rewrite(path, cid, **changes):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert (df.claim_id == cid).sum() == 1
    for k, v in changes.items():
        df.loc[df.claim_id == cid, k] = v
    df.to_csv(path, index=False)
    return int(df.index[df.claim_id == cid][0]) + 2   # CSV line of the row


# ------------------------------------------------------------------ verdicts
def test_verdicts_on_published_data(book_data):
    v = verdicts(book_data)
    assert len(v) == 22                     # C01-C21, C12 in two parts
    assert v["C05"] == "does not hold"      # the book's Table 1.3: 14 + 11 + 9 + 5 = 39 rows, not 40
    assert v["C06"] == "holds"              # 40 distinct cases across the tables
    assert v["C04"] == "holds"              # EE > JA in all four sectors (7.60>5.23, 8.91>7.36, 7.61>4.80, 9.10>7.80)
    assert v["C19"] == "does not hold"      # Table 9.2 codes Monterrey 3 for quasi-hierarchy
    assert v["C10"] == "holds"              # product means 1.33 < 1.90 < 2.50 by CE degree
    assert v["C20"] == "does not hold"      # Chipilo 2002 exports 7.0 > production 6.7, not flagged c
    assert v["C15"] == "holds"              # functional medium or more: Juárez and SJC only (Table 9.6)
    assert v["C16"] == "holds"              # domestic and global chains: see the test below
    assert {k for k, x in v.items() if x != "holds"} == {"C05", "C19", "C20"}


def test_failing_statements_name_their_errata(book_data):
    c = check_claims(book_data).set_index("claim_id")
    assert c.loc["C05", "root_cause"] == "E16"
    assert c.loc["C19", "root_cause"] == "E17"
    assert c.loc["C20", "root_cause"] == "E12"   # the same erratum as Table 1.2's own row 7 check
    assert claims_problems(check_claims(book_data), book_data.errata) == []


def test_coexisting_chains_counted_by_hand(book_data):
    """Table 9.2 read by hand: cases with a domestic (1 or 3) and a global (2 or 3) chain."""
    c = check_claims(book_data).set_index("claim_id")
    # traditional 6 of 14 (Campina Grande N/A), natural resource 8 of 11, complex 0 of 9, software 1 of 5
    for label, share in (("Traditional manufacturing", 6 / 14), ("Natural-resource-based", 8 / 11),
                         ("Complex products", 0.0), ("Specialized suppliers (software)", 1 / 5)):
        assert f"{label} {share:.2f}" in c.loc["C16", "evidence"]


def test_counts_are_judged_as_audit_rows(book_data):
    audit = audited(book_data).set_index(["table", "row"])
    with open(ROOT / "data" / "reconciliation.csv", encoding="utf-8") as f:
        rows_1_3 = sum(1 for r in csv.DictReader(f) if r["table"] == "1.3")
    c05 = audit.loc[(AUDIT_TABLE, "C05")]
    assert (c05["printed"], c05["computed"], c05["status"], c05["root_cause"]) == ("40", rows_1_3, "mismatch", "E16")
    c19 = audit.loc[(AUDIT_TABLE, "C19")]
    assert (c19["printed"], c19["computed"], c19["status"], c19["root_cause"]) == ("0", 1, "mismatch", "E17")
    assert audit.loc[(AUDIT_TABLE, "C06"), "status"] == "match"
    assert audit.loc[(AUDIT_TABLE, "C07"), "status"] == "match"
    assert c05["page"] == "p. 21"


def test_verdict_flips_with_data(data_copy):
    p = data_copy / "cases.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[df.case_id == "software-monterrey", "gov_quasi_hierarchy"] = "0"
    df.to_csv(p, index=False)
    data = load_book_data(data_copy)
    assert verdicts(data)["C19"] == "holds"
    # the erratum is now stale: the check says so
    assert any("C19" in m and "E17" in m for m in claims_problems(check_claims(data), data.errata))


def test_verdict_flips_with_the_statement(data_copy):
    """The parameters are data: naming other sectors in the file turns the verdict."""
    p = data_copy / "book" / "structural_claims.csv"
    _rewrite(p, "C01", params="column=Collective Efficiency Index; sectors=traditional|complex_products")
    _rewrite(p, "C05", number="39")
    v = verdicts(load_book_data(data_copy))
    assert v["C01"] == "does not hold" and v["C05"] == "holds"


# ------------------------------------------------------------------ the data file
def test_every_statement_has_line_and_the_page_of_that_line(book_data):
    claims = book_data.structural_claims
    assert claims["line"].notna().all() and claims["page"].notna().all()
    for _, c in claims.iterrows():
        assert c["page"] == bookref.line_ref(int(c["line"])), c["claim_id"]
        assert bookref.chapter_of_line(int(c["line"])) == c["chapter"], c["claim_id"]


@pytest.mark.parametrize("field", ["page", "line"])
def test_a_statement_without_page_or_line_is_rejected(data_copy, field):
    path = data_copy / "book" / "structural_claims.csv"
    line = _rewrite(path, "C07", **{field: ""})
    with pytest.raises(DataError) as e:
        read_validated(path, STRUCTURAL_CLAIMS)
    msg = str(e.value)
    assert str(path) in msg and f"line {line}" in msg and f"'{field}'" in msg


def test_a_wrong_page_is_reported(data_copy):
    path = data_copy / "book" / "structural_claims.csv"
    _rewrite(path, "C10", page="p. 12")
    data = load_book_data(data_copy)
    assert any("C10" in m and "p. 12" in m for m in claims_problems(check_claims(data), data.errata))


@pytest.mark.parametrize("changes,field,value,allowed", [
    ({"rule": "ranking_by_magic"}, "rule", "ranking_by_magic", "printed_top"),
    ({"params": "sector=tradtional; column=upgrading_product; strict=true"}, "params.sector", "tradtional", "traditional"),
    ({"params": "sector=traditional; column=upgrading_produce; strict=true"}, "params.column", "upgrading_produce",
     "upgrading_product"),
    ({"params": "sector=traditional; column=upgrading_product; strict=maybe"}, "params.strict", "maybe", "true, false"),
    ({"params": "sector=traditional; column=upgrading_product"}, "params.strict", "None", "required"),
    ({"params": "sector=traditional; column=upgrading_product; strict=true; tail=1"}, "params.tail", "1", "sector"),
    ({"number": "3"}, "number", "3", "only a count"),
])
def test_a_corrupted_row_is_rejected_with_a_full_message(data_copy, changes, field, value, allowed):
    path = data_copy / "book" / "structural_claims.csv"
    line = _rewrite(path, "C10", **changes)
    data = load_book_data(data_copy)
    with pytest.raises(ClaimsDataError) as e:
        check_claims(data)
    msg = str(e.value)
    assert str(path) in msg and f"line {line}" in msg and "C10" in msg
    assert f"field '{field}': value " in msg and value in msg
    assert allowed in msg.split("allowed:", 1)[1]
    with pytest.raises(ClaimsDataError):   # the audit reads the same rows
        book_audit(data)


def test_unknown_case_and_count_without_number_are_rejected(data_copy):
    path = data_copy / "book" / "structural_claims.csv"
    _rewrite(path, "C08", params="sector=traditional; degree=medium; cases=footwear-sinos-valley|footwear-lyon")
    _rewrite(path, "C07", number="")
    with pytest.raises(ClaimsDataError) as e:
        read_rules(load_book_data(data_copy))
    msg = str(e.value)
    assert "2 problem(s)" in msg
    assert "field 'params.cases': value 'footwear-lyon'" in msg and "footwear-leon" in msg
    assert "(claim C07), field 'number'" in msg


def test_every_rule_of_the_registry_is_used_and_documented(book_data):
    used = set(book_data.structural_claims["rule"])
    assert used == set(RULES)
    for name, (fn, _) in RULES.items():
        assert fn.__doc__, name


# ------------------------------------------------------------------ no statement in the code
def _constants(tree):
    """String and integer constants of the module, docstrings (the rules' descriptions) left out."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docs]


def test_no_statement_line_or_choice_remains_in_the_code(book_data):
    source = CODE.read_text(encoding="utf-8")
    consts = _constants(ast.parse(source))
    strings = [c for c in consts if isinstance(c, str)]
    prose = [s for s in strings if len(s) > 40]
    assert not prose, prose
    # no source line (the statements' lines are all above 100), no sector or case chosen in code
    assert not [c for c in consts if isinstance(c, int) and not isinstance(c, bool) and c >= 100]
    chosen = set(SECTORS) | set(book_data.cases["case_id"])
    assert not [s for s in strings if s in chosen]
    for _, c in book_data.structural_claims.iterrows():
        assert c["statement"][:30] not in source, c["claim_id"]


def test_the_prose_check_can_fail(tmp_path):
    """The detector finds a statement and a line number planted in code."""
    planted = 'def f():\n    """Doc."""\n    return ("Complex-products clusters have the lowest CE of all.", 3123)\n'
    consts = _constants(ast.parse(planted))
    assert [c for c in consts if isinstance(c, str) and len(c) > 40]
    assert 3123 in consts


def test_reading_log_covers_the_numeric_sentences_it_should():
    """data/book/prose_reading.csv holds one decision per numeric sentence the scan found
    (data/book/text_scan.csv) in Chapters 6, 7 and 10, and one per word-only numeric sentence
    (numeric sentences less figure sentences) in the other chapters; every claim it names is
    in the claims file."""
    log = read_validated(ROOT / "data" / "book" / "prose_reading.csv", PROSE_READING)
    log[["claim_ids", "reason"]] = log[["claim_ids", "reason"]].fillna("")
    scan = pd.read_csv(ROOT / "data" / "book" / "text_scan.csv").set_index("chapter")
    per = log.groupby("chapter").size()
    full, word_only = (6, 7, 10), (1, 2, 3, 4, 5, 8, 9)
    assert {c: int(per.get(c, 0)) for c in full} == {c: int(scan.loc[c, "numeric_sentences"]) for c in full}
    assert {c: int(per.get(c, 0)) for c in word_only} == {
        c: int(scan.loc[c, "numeric_sentences"] - scan.loc[c, "figure_sentences"]) for c in word_only}
    assert list(log[["chapter", "line"]].itertuples(index=False)) == sorted(log[["chapter", "line"]].itertuples(index=False))
    claims = pd.read_csv(ROOT / "data" / "book" / "text_claims.csv", dtype=str)
    named = {i for ids in log["claim_ids"] for i in str(ids).split(";") if i}
    assert named and not named - set(claims["claim_id"]), sorted(named - set(claims["claim_id"]))
    assert (log.loc[log["decision"] != "not_checkable", "claim_ids"] != "").all()
    assert (log.loc[log["decision"] == "not_checkable", "reason"] != "").all()


# number words the prose uses for a claim's figure (quotes state "half", not 50)
NUMBER_WORDS = {"50": ["half"], "0.5": ["halved"], "33": ["a third"], "67": ["two-thirds"], "3": ["tripled", "three", "Three"],
                "2": ["doubling", "double", "half the", "two"], "4": ["four"], "5": ["five"], "6": ["six"],
                "8": ["eight", "one-eighth"], "5–8": ["five to eight"],
                "10": ["decade"], "1,000": ["US$1 billion"], "30–60": ["30 to 60"]}


def test_every_quote_shows_the_figure_it_is_judged_on():
    """A claim's quote is the book's words that state its number (a quote cut around another
    occurrence of the same digits, e.g. 30 inside 30,000, misleads the reader). Sums of
    shares ('exact'), signs and descriptions, and quotes giving the other side, are exempt."""
    import re

    claims = pd.read_csv(ROOT / "data" / "book" / "text_claims.csv", dtype=str, keep_default_na=False)
    bad = []
    for _, c in claims.iterrows():
        if c["qualifier"] in ("exact", "negative", "positive", "qualitative") or c["side"] == "computed":
            continue
        n = c["number"]
        token = re.compile(r"(?<![\d.,])" + re.escape(n) + r"(?![\d]|[.,]\d)")
        if not (token.search(c["quote"]) or any(w in c["quote"] for w in NUMBER_WORDS.get(n, []))):
            bad.append(f"{c['claim_id']}: {n} not in {c['quote'][:80]}")
    assert not bad, bad
