"""The judging standard: intervals from each figure's own rounding and qualifier, one rounding
rule both ways, same-quantity first, errata by root cause, prose claims with line and page.

Expected values are worked out by hand in the comments from the rules stated on
chapters/judging_standard.md.
"""
import math

import pandas as pd
import pytest

from audit_support import audited
from analysis.audit import judging, standard
from analysis.audit.book_audit import audit_problems, book_audit
from analysis.audit.prose_claims import ClaimError, evaluate
from analysis.io import bookref
from analysis.io.data import DataError, load_book_data, read_validated
from analysis.io.schema import TEXT_CLAIMS


# ---------------------------------------------------------------- a figure's own rounding
@pytest.mark.parametrize("text,unit", [("14,000", 1000), ("750", 10), ("25", 1), ("39.8", 0.1),
                                       ("0.730", 0.001), ("0", 1), ("1,000", 1000)])
def test_significant_unit(text, unit):
    assert judging.significant_unit(text) == pytest.approx(unit)


@pytest.mark.parametrize("text,qualifier,lo,hi,inside,outside", [
    ("700", "plain", 650, 750, [650, 749.9], [750, 649.9]),          # half-up: 750 prints as 800
    ("15", "about", 14, 16, [14.0, 16.0], [13.9, 16.1]),
    ("60", "nearly", 50, 65, [50, 61, 64.9], [49.9, 65]),            # nearly: at most 60 once rounded to tens
    ("700", "over", 700, math.inf, [700.1, 1e6], [700]),
    ("150+", "plain", 150, math.inf, [150, 330], [149.9]),           # a printed lower bound is "at least"
    ("40", "at most", -math.inf, 40, [40, 0], [40.1]),
    ("30–60", "plain", 25, 65, [25, 27, 64.9], [24.9, 65]),          # range, endpoints rounded to tens
])
def test_qualifier_intervals(text, qualifier, lo, hi, inside, outside):
    iv = judging.stated(text, qualifier)
    assert (iv.lo, iv.hi) == (pytest.approx(lo), pytest.approx(hi))
    for x in inside:
        assert iv.meets(judging.point(x)), x
    for x in outside:
        assert not iv.meets(judging.point(x)), x


def test_every_qualifier_rule_is_stated_once_in_data():
    rules = judging.qualifier_rules()
    assert rules.index.is_unique
    assert {"plain", "about", "nearly", "over", "at least", "under", "at most", "range", "exact"} <= set(rules.index)
    with pytest.raises(ValueError, match="allows: plain"):
        judging.stated("5", "roughly speaking")


# ---------------------------------------------------------------- one rounding rule, both ways
def test_truncation_and_padding_are_judged_alike():
    trunc = judging.judge_derived("1.86", 28 / 15)     # Table 9.4: 1.8667 cut to 1.86
    padded = judging.judge_derived("2.70", 24 / 9)     # Table 9.6: 2.667 printed as 2.7 + a zero
    assert trunc["status"] == padded["status"] == "mismatch"
    # gap beyond [1.855, 1.865) is 0.00167 = 0.33 half-units; beyond [2.695, 2.705) 0.0283 = 5.67
    assert trunc["severity"] == pytest.approx(0.333, abs=1e-3)
    assert padded["severity"] == pytest.approx(5.667, abs=1e-3)
    assert judging.judge_derived("1.87", 28 / 15)["status"] == "rounding"
    assert judging.judge_derived("2.67", 24 / 9)["status"] == "rounding"


def test_inputs_error_widens_the_computed_side():
    # 0.5 x 7.61 + 0.5 x 4.80 = 6.205 +- 0.005: printed 6.21 meets it, 6.19 does not
    assert judging.judge_derived("6.21", 6.205, tolerance=0.005)["status"] == "rounding"
    assert judging.judge_derived("6.19", 6.205, tolerance=0.005)["status"] == "mismatch"


# ---------------------------------------------------------------- same quantity first
def test_different_attribute_is_not_comparable_before_numbers_are_judged():
    a = {"definition": "growers", "unit": "count", "geography": "SC", "period": "2000", "source": "field study"}
    b = dict(a, definition="firms")
    r = judging.judge(judging.stated("400+"), judging.point(250), printed_side=a, computed_side=b)
    assert r["status"] == "not_comparable" and r["differs"] == "definition"
    same = judging.judge(judging.stated("400+"), judging.point(250), printed_side=a, computed_side=dict(a))
    assert same["status"] == "mismatch"
    unstated = dict(a, period="not stated (text)")
    assert judging.differing(unstated, unstated) == ["period"]


def test_a_mismatch_without_root_cause_is_refused(book_data):
    audit = audited(book_data)
    assert audit_problems(audit, book_data.errata) == []
    i = audit.index[(audit["status"] == "mismatch") & (audit["root_cause"] == "E02")][0]
    broken = audit.copy()
    broken.loc[i, "root_cause"] = None
    assert audit_problems(broken, book_data.errata) == [
        "mismatch without a root cause: 9.5 / Average / Intersectoral upgrading",
        "erratum E02 is not the root cause of any mismatch"]


def test_a_mismatch_whose_sides_differ_is_refused(book_data):
    audit = audited(book_data)
    i = audit.index[(audit["status"] == "mismatch") & (audit["root_cause"] == "E07")][0]
    broken = audit.copy()
    broken.loc[i, "computed_period"] = "2001"
    assert audit_problems(broken, book_data.errata) == [
        "mismatch whose sides differ in period: 2.1 vs 2.2 / Exports (US$ millions) / Nicaragua"]


def test_every_judged_row_records_both_sides(book_data):
    audit = audited(book_data)
    judged = audit[audit["status"] != "not_derivable"]
    for col in standard.ATTRIBUTE_COLUMNS:
        assert judged[col].notna().all() and (judged[col].astype(str).str.strip() != "").all(), col
    nc = audit[audit["status"] == "not_comparable"]
    assert (nc["differs"].str.len() > 0).all()
    assert audit["page"].str.match(r"^pp?\. \d+").all()


def test_known_rejudgements(book_data):
    a = audited(book_data).set_index(["table", "row", "column"])
    # census establishments against a social-security count: different sources
    assert a.loc[("5.3 vs text", "Wooden furniture", "Number of firms"), "status"] == "not_comparable"
    # "the first 1,000 tons for export" against 900 tons produced: different definitions
    assert a.loc[("4.2 vs text", "1985 (end of initiation), tons", "production"), "differs"] == "definition"
    # "30 to 60 percent" read with its own rounding: 27 percent for RN is inside [25, 65) but of another year
    rn = a.loc[("3.2 vs text", "Rio Grande do Norte—melons", "1996/1997, latest share vs opening range")]
    assert rn["status"] == "not_comparable" and rn["differs"] == "period"
    # the text repeating Table 5.5's 0.730 points at the table's slip, not a second erratum
    rep = a.loc[("5.5 vs text", "1998", "Leverage (liabilities/equity) (recomputed)")]
    assert rep["root_cause"] == "E06" and rep["role"] == "follows"
    # the 5.2 cell consistent with the listed countries but not with its own row
    own = a.loc[("5.2 (internal)", "Subtotal", "1992–2001 change in exports | (US$ millions) vs the row's printed levels")]
    assert own["status"] == "mismatch" and own["computed"] == 5514 - 1480


def test_errata_are_counted_by_root_cause(book_data):
    audit = audited(book_data)
    e = standard.errata_by_root_cause(audit, book_data.errata).set_index("root_cause")
    assert e.loc["E01", "contradictions"] == 4                   # the four sectors of Table 9.1
    assert e.loc["E05", "following_cells"] == 6                  # Others, shares and changes of Table 5.2
    assert (e["contradictions"] >= 1).all()
    counted = standard.counted_mismatches(audit)
    assert len(counted) == int(e["contradictions"].sum())


def test_changes_against_the_snapshot(book_data):
    audit = audited(book_data)
    ch = standard.changes(book_data.audit_before, audit)
    assert set(ch.columns) == {"table", "row", "column", "printed", "computed", "old_status", "status", "why"}
    cell = ch[(ch.table == "9.4") & (ch.row == "Average") & (ch.column == "Product upgrading")].iloc[0]
    assert (cell.old_status, cell.status) == ("rounding", "mismatch")
    ba = standard.status_before_after(book_data.audit_before, audit)
    allrows = ba[ba.kind == "all"].set_index("status")
    assert allrows["before"].sum() == len(book_data.audit_before)
    assert allrows["after"].sum() == len(audit)


# ---------------------------------------------------------------- prose claims
def test_every_claim_has_line_and_the_page_of_that_line(book_data):
    claims = book_data.text_claims
    assert claims["line"].notna().all()
    for _, c in claims.iterrows():
        assert c["page"] == bookref.line_ref(int(c["line"])), c["claim_id"]
        assert bookref.chapter_of_line(int(c["line"])) == c["chapter"], c["claim_id"]


def test_a_claim_without_page_or_line_is_rejected(data_copy):
    path = data_copy / "book" / "text_claims.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "page"] = ""
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="'page'"):
        read_validated(path, TEXT_CLAIMS)
    df.loc[0, "page"] = "p. 21"
    df.loc[1, "line"] = ""
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="'line'"):
        read_validated(path, TEXT_CLAIMS)


def test_every_audit_claim_names_an_existing_row(book_data):
    audit = audited(book_data)
    keys = set(zip(audit["table"], audit["row"], audit["column"]))
    linked = book_data.text_claims[book_data.text_claims["compared_with"] == "audit"]
    missing = [k for k in zip(linked["audit_table"], linked["audit_row"], linked["audit_column"]) if k not in keys]
    assert not missing


def test_qualifiers_live_only_in_the_claims(book_data):
    """A prose statement's number and qualifier are stated once: in text_claims.csv, not in judgements.csv."""
    j = book_data.judgements.set_index(["table", "row", "column"])
    linked = book_data.text_claims[book_data.text_claims["compared_with"] == "audit"]
    for _, c in linked.iterrows():
        row = j.loc[(c["audit_table"], c["audit_row"], c["audit_column"])]
        side = c["side"]
        assert pd.isna(row[f"{side}_qualifier"]), c["claim_id"]
        assert pd.isna(row[f"{side}_figure"]), c["claim_id"]


def test_expression_interval_arithmetic(book_data):
    claims = book_data.text_claims
    # 20.54 + 19.44, each +-0.005: [39.97, 39.99]
    assert evaluate("[T08-2902-b] + [T08-2902-c]", book_data, claims) == (pytest.approx(39.97), pytest.approx(39.99))
    # Table 8.3: CVRD pellets 22.5 +- 0.05
    assert evaluate("{8.3 :: CVRD :: Pellets}", book_data, claims) == (pytest.approx(22.45), pytest.approx(22.55))
    with pytest.raises(ClaimError, match="unknown claim"):
        evaluate("[T99-1-a]", book_data, claims)
    with pytest.raises(ClaimError, match="not allowed"):
        evaluate("__import__('os')", book_data, claims)
    with pytest.raises(ClaimError, match="a bound cannot enter"):
        evaluate("[T04-1489-e] * 2", book_data, claims)     # "more than 25 percent" has no upper end


def test_prose_claims_are_judged_with_the_rest(book_data):
    a = audited(book_data).set_index(["table", "row"])
    # (147 / 4) ** (1/3) = 3.33-fold a year, not a doubling
    assert a.loc[("text claim", "T05-1943-a"), "status"] == "mismatch"
    assert a.loc[("text claim", "T05-1943-a"), "root_cause"] == "E13"
    # Chile's 14.03 percent of Table 8.2 restated exactly
    assert a.loc[("text claim", "T08-2812-b"), "status"] == "match"
    # the same amount for the same cluster in another year: not the same quantity (period) ...
    assert a.loc[("text claim", "T07-2629-a"), "status"] == "not_comparable"
    assert a.loc[("text claim", "T07-2629-a"), "differs"] == "period"
    # ... while the two 2001 budgets of that cluster (136,000 and 364,000) contradict each other
    assert a.loc[("text claim", "T07-2629-g"), "status"] == "mismatch"
    assert a.loc[("text claim", "T07-2629-g"), "root_cause"] == "E18"
    # a part against its whole that holds as worded is a match, not rounding: 238 of 2,095 firms
    # and 2,095 firms in all (a bound reached, chapters/judging_standard.md)
    assert a.loc[("text claim", "T07-2469-f"), "status"] == "match", a.loc[("text claim", "T07-2469-f"), "rule"]


def test_claims_data_fails_when_a_cell_reference_is_wrong(data_copy):
    path = data_copy / "book" / "text_claims.csv"
    text = path.read_text(encoding="utf-8")
    assert "{8.3 :: CVRD :: Pellets}" in text
    path.write_text(text.replace("{8.3 :: CVRD :: Pellets}", "{8.3 :: CVRD :: Pelets}"), encoding="utf-8")
    with pytest.raises(ClaimError, match="CVRD :: Pelets|CVRD \\| Pelets"):
        book_audit(load_book_data(data_copy))


def test_python_checks_state_the_claims_numbers(book_data):
    """Every chapter reads its prose statements from data/book/text_claims.csv (guarded by
    test_no_chapter_states_a_prose_number_in_code); the judged row prints the claim's number."""
    audit = audited(book_data).set_index(["table", "row", "column"])
    linked = book_data.text_claims[book_data.text_claims["compared_with"] == "audit"]
    for _, c in linked.iterrows():
        row = audit.loc[(c["audit_table"], c["audit_row"], c["audit_column"])]
        if c["qualifier"] in ("qualitative", "negative", "positive"):
            continue  # a description, or a sign ("lost share"): no number to restate
        shown = str(row["printed"]) if c["side"] == "printed" else f"{row['computed']:g}"
        digits = c["number"].replace(",", "")
        assert digits in shown.replace(",", "") or c["number"] in shown, (c["claim_id"], shown, c["number"])


def test_no_chapter_states_a_prose_number_in_code(book_data):
    """Guard: every prose statement judged on a chapter's audit row (Chapters 1-5 and 8) is read
    from data/book/text_claims.csv. Each statement gets its own sentinel number in a copy of the
    claims; the row the chapter code builds must show that sentinel, so no number of the prose
    can hide as a Python literal in the chapter modules (a literal would keep the old number)."""
    from analysis.audit.casestudies.audit_all import consistency_audit
    from analysis.io.chapter_tables import TEXT_CLAIMS as KEY

    claims = book_data.chapters[KEY].copy()
    # the printed side of a "1.2 vs ..." row is Table 1.2 itself (data/book/table_1_2.csv), not prose
    linked = (claims["compared_with"] == "audit") & ~(claims["audit_table"].fillna("").str.startswith("1.2 vs")
                                                      & (claims["side"] == "printed"))
    words = claims["qualifier"].isin(["qualitative", "negative", "positive"])
    sentinel = {cid: (f"{90000 + i}–{95000 + i}" if "–" in num else str(90000 + i))
                for i, (cid, num) in enumerate(claims.loc[linked & ~words, ["claim_id", "number"]].values)}
    claims.loc[claims["claim_id"].isin(list(sentinel)), "number"] = claims["claim_id"].map(sentinel)
    tables = {**book_data.chapters, KEY: claims}
    rows = consistency_audit(tables, book_data.table_1_2).set_index(["table", "row", "column"])
    assert len(sentinel) >= 80
    wrong = []
    for _, c in claims[claims["claim_id"].isin(list(sentinel))].iterrows():
        r = rows.loc[(c["audit_table"], c["audit_row"], c["audit_column"])]
        shown = str(r["printed"]) if c["side"] == "printed" else f"{r['computed']:g}"
        if shown != sentinel[c["claim_id"]] or f"line {c['line']}" not in r["note"]:
            wrong.append((c["claim_id"], shown, r["note"][:40]))
    assert not wrong, wrong
    # statements in words are read from the data as well: a description shows its own words
    for _, c in claims[linked & words].iterrows():
        r = rows.loc[(c["audit_table"], c["audit_row"], c["audit_column"])]
        assert r["printed"] in (c["number"], c["qualifier"]), c["claim_id"]


def test_the_no_literal_guard_can_fail(book_data, monkeypatch):
    """A chapter function that states a prose number itself is caught by the guard above."""
    from analysis.audit.casestudies import audit_all, ch5_furniture
    from analysis.audit.rules import audit_row

    real = ch5_furniture._consistency_5_4

    def with_literal(t54, tb):
        rows = real(t54, tb)
        rows[0] = audit_row("5.4 vs text", "1998", ch5_furniture.T54_EMP, "5,281", 5281.0, "text line 2039: literal")
        return rows
    monkeypatch.setattr(ch5_furniture, "_consistency_5_4", with_literal)
    monkeypatch.setitem(audit_all.CONSISTENCY, 5, ch5_furniture.consistency_ch5)
    with pytest.raises(AssertionError, match="T05-2039-85"):
        test_no_chapter_states_a_prose_number_in_code(book_data)


def test_a_row_without_its_attributes_or_page_is_refused(book_data):
    """Every judged row records the five attributes of both sides (or is not_derivable) and its page."""
    audit = audited(book_data)
    assert audit_problems(audit, book_data.errata) == []
    i = audit.index[(audit["table"] == "5.4 vs text") & (audit["row"] == "1998")][0]
    broken = audit.copy()
    broken.loc[i, "computed_source"] = None
    assert audit_problems(broken, book_data.errata) == [
        "match row without computed_source: 5.4 vs text / 1998 / Number of employees"]
    broken.loc[i, "status"] = "not_derivable"     # a row that cannot be judged needs no attributes
    assert audit_problems(broken, book_data.errata) == []
    broken.loc[i, "page"] = ""
    assert audit_problems(broken, book_data.errata) == [
        "row without a printed page: 5.4 vs text / 1998 / Number of employees"]
