"""The audit: complete coverage, every mismatch explained by a root cause, and able to catch a transcription slip."""
import pandas as pd
import pytest

from audit_support import audited
from analysis.audit.book_audit import audit_problems, book_audit
from analysis.io.data import load_book_data


def test_audit_covers_every_printed_derived_cell(book_data):
    audit = audited(book_data)
    printed = book_data.printed
    foundation = audit[(audit["chapter"] == 9) & (audit["kind"] == "derived cell")]
    assert len(foundation) == len(printed)
    assert set(foundation["kind"]) == {"derived cell"}
    # the foundation rows come first and keep their layout
    assert (foundation.index == range(len(printed))).all()
    # Tables 9.1 (12 cells), 9.4 (15 sums + 4 totals + 5 averages), 9.5 (11+4+5), 9.6 (9+4+5)
    assert foundation.groupby("table").size().to_dict() == {"9.1": 12, "9.4": 24, "9.5": 20, "9.6": 18}
    assert set(audit["status"]) <= {"match", "rounding", "mismatch", "not_comparable", "not_derivable"}
    assert set(audit["kind"]) == {"derived cell", "consistency"}


def test_audit_includes_the_case_study_chapters(book_data):
    audit = audited(book_data)
    # case-study chapters, plus the prose claims of Chapters 1, 6, 7 and 10 (data/book/text_claims.csv;
    # Chapter 10's is T10-3744-a, the salmon cluster's "over a decade" against Table 4.2)
    assert set(audit["chapter"]) == {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
    # derived cells counted on the printed pages: 3.1 two share rows x 4, 3.2 all 20 shares,
    # 4.1 six world shares, 4.3 ten row totals + 2 x 4 subtotal cells, 5.1 41, 5.2 69, 5.3 5 x 7,
    # 5.4 2 x 7, 5.5 4 x 5, 8.3 20
    derived = audit[(audit["kind"] == "derived cell") & (audit["chapter"] != 9)]
    assert derived.groupby("table").size().to_dict() == {
        "3.1": 8, "3.2": 20, "4.1": 6, "4.3": 18, "5.1": 41, "5.2": 69, "5.3": 35, "5.4": 14, "5.5": 20, "8.3": 20}
    assert not audit.duplicated(["table", "row", "column"]).any()


def test_no_unexplained_mismatch_and_no_stale_errata(book_data):
    audit = audited(book_data)
    assert audit_problems(audit, book_data.errata) == []


def test_known_cells_by_hand(book_data):
    audit = audited(book_data).set_index(["table", "row", "column"])
    # 4 / 11 = 0.36, the book prints 0.60
    cell = audit.loc[("9.5", "Average", "Intersectoral upgrading")]
    assert cell["status"] == "mismatch" and cell["computed"] == pytest.approx(4 / 11, abs=1e-6)
    # 28/15 = 1.8667 printed 1.86: a truncation, judged by the same rule as 2.70 for 24/9 = 2.667
    assert audit.loc[("9.4", "Average", "Product upgrading"), "status"] == "mismatch"
    assert audit.loc[("9.6", "Average", "Process upgrading"), "status"] == "mismatch"
    assert audit.loc[("9.4", "Average", "Product upgrading"), "root_cause"] == "E04"
    assert audit.loc[("9.4", "Total", "Process upgrading"), "status"] == "match"          # 31.5
    assert audit.loc[("9.1", "traditional", "External economies (EE)"), "status"] == "not_derivable"
    assert audit.loc[("9.1", "specialized_suppliers", "Collective Efficiency Index"), "computed"] == pytest.approx(0.5 * 9.10 + 0.5 * 7.80)


def test_a_transcription_slip_is_caught(data_copy):
    # mistype one score: Medellín product 2 -> 2.5; its row sum and the column total then disagree with print
    p = data_copy / "cases.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[df.case_id == "textile-medellin", "upgrading_product"] = "2.5"
    df.to_csv(p, index=False)
    d = load_book_data(data_copy)
    bad = audit_problems(book_audit(d), d.errata)
    assert "mismatch without a root cause: 9.4 / Medellín (Colombia) / Sum of upgrading" in bad
    assert "mismatch without a root cause: 9.4 / Total / Product upgrading" in bad


def test_a_stale_erratum_is_reported(data_copy):
    with open(data_copy / "errata.csv", "a", encoding="utf-8") as fh:
        fh.write('E99,genuine,"no such problem",a,p. 1,b,p. 2,same,none\n')
    d = load_book_data(data_copy)
    assert audit_problems(book_audit(d), d.errata) == ["erratum E99 is not the root cause of any mismatch"]
