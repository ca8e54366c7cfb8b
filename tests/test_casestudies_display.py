"""The consistency checks as the chapter pages and the audit page show them
(analysis.report.casestudy_display.consistency_view): the statement as worded, each column
one source on every row, years and computed values at the precision of what they are set
against, labels instead of raw names, a verdict readable on its own and the explanation last."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.audit.casestudies import ch2_dairy, ch3_fruit, ch4_salmon, ch5_furniture, ch8_trade, sides
from analysis.audit.judged import chapter_audit
from analysis.audit.prose_claims import claim_sides
from analysis.report import casestudy_display as show

MODULES = (ch2_dairy, ch3_fruit, ch4_salmon, ch5_furniture, ch8_trade)


@pytest.fixture(scope="module")
def audits(book_data):
    return {m.CHAPTER: chapter_audit(book_data, m) for m in MODULES}


@pytest.fixture(scope="module")
def views(audits, book_data):
    return {ch: show.consistency_view(a, ch, book_data) for ch, a in audits.items()}


def row(view: pd.DataFrame, check: str, what: str) -> pd.Series:
    hit = view[(view["Check"] == check) & (view["What"] == what)]
    assert len(hit) == 1, (check, what, view[["Check", "What"]].to_string())
    return hit.iloc[0]


def test_a_qualified_statement_is_shown_as_worded_and_why_it_holds(views):
    r = row(views[3], "text vs 3.1", "Number of growers, Petrolina-Juazeiro, Mangoes")
    assert (r["First statement"], r["Second statement"], r["Verdict"]) == ("over 100", "150+", "consistent")
    assert r["Why"].startswith("150+ is over 100")
    # the judging standard's bare "equal" (a statement met as worded) is never the explanation
    for ch, v in views.items():
        assert not v["Why"].str.match(r"(?i)equal\b").any(), ch
    assert row(views[4], "text vs 4.1", "2001, Tenth Region share of Chile's production (%)")["Why"] \
        .startswith("86.4 is over 85")


def test_each_column_holds_one_source_on_every_row(views, audits, book_data):
    grapes = row(views[3], "text vs 3.1", "Number of growers, Petrolina-Juazeiro, Grapes")
    assert (grapes["First statement"], grapes["Second statement"]) == ("600", "400+")  # text, then Table 3.1
    core = row(views[4], "4.3 vs 1.2", "Core of production chain, Subtotal, Jobs (estimated, December 2001)")
    assert (core["First statement"], core["Second statement"]) == ("28,500", "29,000")  # Table 4.3, Table 1.2
    exports = row(views[4], "4.1 vs 1.2", "1996, Total export value (US$ millions FOB)")
    assert (exports["First statement"], exports["Second statement"]) == ("525", "480.0")
    firms = row(views[2], "2.1 vs 1.2", "Number of firms (livestock + industrial), Boaco-Chontales")
    assert (firms["First statement"], firms["Second statement"]) == ("–", "10,605")
    # every prose statement recorded on a row checked against the text is the first statement
    claims = claim_sides(book_data.text_claims)
    ids = dict(zip(zip(book_data.text_claims["audit_table"], book_data.text_claims["audit_row"],
                       book_data.text_claims["audit_column"]), book_data.text_claims["claim_id"]))
    seen = 0
    for ch, a in audits.items():
        c = a[a["kind"] == "consistency"].reset_index(drop=True)
        for i, r in c.iterrows():
            key = (r["table"], r["row"], r["column"])
            if not str(r["table"]).endswith(" vs text") or key not in claims or ids.get(key) == "T01-500-1":
                continue  # T01-500-1 is Table 1.2's own line (p. 21) on the table's side
            number = claims[key][1]
            if claims[key][2] in ("negative", "positive"):
                number = claims[key][2]
            shown = views[ch].loc[i]
            assert shown["Check"].startswith("text vs ")
            assert number.replace(",", "") in shown["First statement"].replace(",", ""), (key, shown.to_dict())
            seen += 1
    assert seen > 80


def test_years_have_no_separator_or_decimals(views):
    r = row(views[5], "text vs 5.1", "Maquiladoras, first year of falling exports")
    assert (r["First statement"], r["Second statement"]) == ("2001", "1997")
    r = row(views[5], "text vs 1.2", "Table 1.2, row 7 (Furniture–Chipilo, Puebla): Date of creation")
    assert (r["First statement"], r["Second statement"]) == ("1987", "1987")


def test_computed_values_at_the_precision_of_what_they_are_set_against(views, audits, book_data):
    shown = {(r["Check"], r["What"]): (r["First statement"], r["Second statement"])
             for v in views.values() for _, r in v.iterrows()}
    assert shown[("text vs 2.1", "Number of livestock companies, SMEs in Boaco-Chontales")] == ("about 10,000", "10,000")
    assert shown[("text vs 4.3", "Core + supply, Jobs (estimated, December 2001)")] == ("over 40,000", "41,000")
    assert shown[("text vs 5.4", "1998, Number of employees")] == ("5,281", "5,281")
    assert shown[("4.2 vs 4.1", "1996 (start of globalization), tons, Tenth Region estimated production "
                  "(thousands of tons)")] == ("150,000", "150,000")
    assert shown[("text vs 5.5", "1998, Leverage (liabilities/equity) (recomputed)")] == ("0.730", "0.733")
    assert shown[("2.1 vs 2.2", "Exports (US$ millions), Nicaragua")] == ("24", "22.7")
    # a whole number with zero decimals is a figure as the book prints it ("480.0" in Table 1.2),
    # never a computed value padded
    printed = set(pd.concat([a["printed"] for a in audits.values()]).astype(str))
    printed |= set(book_data.text_claims["number"].astype(str)) | set(book_data.judgements["printed_figure"].dropna())
    printed |= set(book_data.judgements["computed_figure"].dropna())
    for v in views.values():
        for x in pd.concat([v["First statement"], v["Second statement"]]):
            if re.fullmatch(r"[\d,]+\.0+", x):
                assert x in printed, x


def test_labels_not_raw_names(views):
    v5 = views[5]
    t12 = v5[v5["What"].str.startswith("Table 1.2, row 7 (Furniture–Chipilo, Puebla): ")]
    assert len(t12) == 9
    assert "Table 1.2, row 7 (Furniture–Chipilo, Puebla): Production 1995 (US$ millions)" in set(t12["What"])
    for ch, v in views.items():
        assert not v["What"].str.contains(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b").any(), ch
        assert not v["What"].str.contains(r"\bT\d\d-\d+").any(), ch  # no claim ids
        assert not v["What"].str.contains("|", regex=False).any(), ch  # a list in words, not " | " joins
        for col in ("First statement", "Second statement"):
            assert not v[col].str.contains("<=").any(), ch
    internal = row(v5, "within 1.2", "Table 1.2, row 7 (Furniture–Chipilo, Puebla): Exports 2002 (US$ millions) "
                   "vs Production 2002 (US$ millions)")
    assert (internal["First statement"], internal["Second statement"]) == ("7.0", "6.7")
    assert "7.0 should not exceed 6.7" in internal["Why"]
    bound = row(v5, "5.2 vs 5.1", "5 Mexico, U.S. imports from Mexico 1992 (US$ millions)")
    assert bound["First statement"] == "142" and "142 should not exceed 148.2" in bound["Why"]


def test_verdict_readable_on_its_own(views):
    r = row(views[4], "4.2 vs 4.1", "1996 (start of globalization), tons, Tenth Region estimated production "
            "(thousands of tons)")
    assert r["Verdict"] == "different quantities (geography, source)"
    assert r["Why"].startswith("Geography: the salmon cluster")
    for v in views.values():
        assert set(v["Verdict"].str.replace(r" \(.*\)$", "", regex=True)) <= {
            "consistent", "inconsistent", "different quantities", "cannot be checked"}


def test_the_explanation_is_the_last_column_and_long_identifiers_are_out(views):
    for v in views.values():
        assert list(v.columns) == show.CONSISTENCY_COLUMNS
    assert show.CONSISTENCY_COLUMNS[-1] == "Why" and len(show.CONSISTENCY_COLUMNS) <= 7
    assert not {"Source line", "Item", "Measure"} & set(show.CONSISTENCY_COLUMNS)


def test_only_the_presentation_changes(views, audits):
    """One shown row per audit row, in order, its verdict the audit row's status."""
    verdict = {"match": "consistent", "rounding": "consistent", "mismatch": "inconsistent",
               "not_comparable": "different quantities", "not_derivable": "cannot be checked"}
    for ch, a in audits.items():
        c = a[(a["chapter"] == ch) & (a["kind"] == "consistency")]
        shown = views[ch]["Verdict"].str.replace(r" \(.*\)$", "", regex=True)
        assert list(shown) == [verdict[s] for s in c["status"]]


def test_the_audit_page_shows_the_chapter_pages_rows(book_data, views):
    from analysis.audit.book_audit import book_audit

    whole = book_audit(book_data)
    for ch, v in views.items():
        pd.testing.assert_frame_equal(show.consistency_view(whole, ch, book_data), v)
    one = show.consistency_view(whole, 1, book_data)
    assert (one["Check"] == "text vs count").sum() == 3 and "39" in set(one["Second statement"])


def test_shown_check_orders_the_sources_text_first():
    assert sides.shown_check("3.1 vs text", "printed") == ("text vs 3.1", "printed")
    assert sides.shown_check("3.1 vs text", "computed") == ("text vs 3.1", "computed")
    assert sides.shown_check("1.2 vs text", "printed") == ("text vs 1.2", "computed")
    assert sides.shown_check("4.3 vs 1.2") == ("4.3 vs 1.2", "computed")
    assert sides.shown_check("3.1 vs 1.2") == ("3.1 vs 1.2", "printed")
    assert sides.shown_check("text claim", "printed", ("8.2",)) == ("text vs 8.2", "printed")
    assert sides.shown_check("text claim", "printed") == ("text vs text", "printed")
    assert sides.shown_check("5.2 (internal)") == ("within 5.2", "printed")
    assert sides.shown_check("1.2 row 7 (internal)") == ("within 1.2", "computed")
    assert sides.shown_check("8.3 text (line 2942)") == ("text vs 8.3", "printed")
    assert sides.shown_check("structural claim") == ("text vs count", "printed")
