"""The errata as the audit page shows them (analysis.audit.standard.errata_view): a book
without errata gives an empty table with the same columns, not a KeyError."""
from __future__ import annotations

import pandas as pd

from analysis.audit import standard

ERRATA = pd.DataFrame({
    "root_cause": ["E01", "E02"], "kind": ["genuine", "slip"], "title": ["Two totals", "A typo"],
    "quantity_a": ["total of Table X", "share in Table Y"], "page_a": ["p. 10", "p. 20"],
    "quantity_b": ["total in the text", "share in the text"], "page_b": ["p. 11", "p. 21"],
    "same_quantity": ["same year and unit", "same cluster"], "explanation": ["", ""],
}, dtype="string")
# two mismatches of E01 (one a consequence of the other) and one of E02
AUDIT = pd.DataFrame({"status": ["mismatch", "mismatch", "mismatch", "match"],
                      "root_cause": ["E01", "E01", "E02", ""], "role": ["", "follows", "", ""],
                      "severity": [3.0, 9.0, 1.5, float("nan")]})


def test_errata_view_lists_one_line_per_root_cause():
    view = standard.errata_view(AUDIT, ERRATA)
    assert list(view["Root cause"]) == ["E01", "E02"]
    first = view.iloc[0]
    assert first["Kind"] == "genuine" and first["First statement"] == "total of Table X (p. 10)"
    assert (first["Contradictions"], first["Cells following from it"], first["Severity (x tolerance)"]) == (1, 1, 3.0)


def test_no_errata_give_an_empty_view_with_the_same_columns():
    full = standard.errata_view(AUDIT, ERRATA)
    for audit in (AUDIT, AUDIT.iloc[0:0]):
        empty = standard.errata_view(audit, ERRATA.iloc[0:0])
        assert empty.empty and list(empty.columns) == list(full.columns)
    by_cause = standard.errata_by_root_cause(AUDIT, ERRATA.iloc[0:0])
    assert by_cause.empty and list(by_cause.columns) == [*ERRATA.columns, "contradictions", "following_cells", "severity"]
    assert str(by_cause["contradictions"].dtype) == "int64" and str(by_cause["severity"].dtype) == "float64"
