"""Book tables rebuilt from the case database (expectations worked by hand from the printed scores)."""
import math

import pytest

from analysis.method import tables


def test_table_9_4_row_sums_and_totals(book_data):
    t = tables.table_9_4(book_data.cases, book_data.reconciliation)
    row = lambda label: t[t["Cluster"] == label].iloc[0]
    assert row("Sinos Valley (Brazil)")["Sum of upgrading"] == 3 + 3 + 1.5 + 0
    assert row("Bucaramanga (Colombia)")["Sum of upgrading"] == 1.5 + 1.5 + 0   # N/A functional adds nothing
    total = row("Total")
    assert total["Product upgrading"] == 2 + 3 + 1.5 + 1 + 1 + 3 + 2 + 2 + 1.5 + 2.5 + 1 + 1.5 + 1 + 2 + 3
    assert row("Average")["Intersectoral upgrading"] == pytest.approx(1 / 15)
    assert len(t) == 15 + 2


def test_table_9_5_and_9_6_sizes_and_a_cell(book_data):
    t5 = tables.table_9_5(book_data.cases, book_data.reconciliation)
    t6 = tables.table_9_6(book_data.cases, book_data.reconciliation)
    assert len(t5) == 11 + 2 and len(t6) == 9 + 2
    assert t5.loc[t5["Cluster"] == "Average", "Intersectoral upgrading"].iloc[0] == pytest.approx(4 / 11)
    assert t6.loc[t6["Cluster"] == "Total", "Functional upgrading"].iloc[0] == 2 + 1 + 0 + 2 + 0 + 0 + 1.5 + 1 + 1


def test_table_1_2_missing_values(book_data):
    t = tables.table_1_2(book_data.table_1_2)
    assert len(t) == 12
    soft = t[t["Cluster"] == "Software–Guadalajara"].iloc[0]
    assert math.isnan(soft["Production 2002 (US$ millions)"])
    salmon = t[t["No."] == 1].iloc[0]
    assert salmon["Production 2002 (US$ millions)"] == 1005.0 and salmon["Number of firms (as printed)"] == "65 + 150"
    grapes = t[t["No."] == 4].iloc[0]
    assert math.isnan(grapes["Direct jobs"])


def test_table_1_3_and_9_2_order_and_content(book_data):
    t13 = tables.table_1_3(book_data.cases, book_data.reconciliation)
    assert len(t13) == 39 and t13.iloc[0]["Case study"] == "Footwear, Sinos Valley"
    t92 = tables.table_9_2(book_data.cases, book_data.reconciliation)
    mont = t92[t92["case_id"] == "software-monterrey"].iloc[0]
    assert (mont["Market"], mont["Network"], mont["Quasi-hierarchy"], mont["Hierarchy"]) == (1, 1, 3, 0)


def test_table_9_3_matrix(book_data):
    t = tables.table_9_3(book_data.table_9_3)
    assert t.shape == (8, 5)
    assert t.iloc[2]["Traditional manufacturing"] == "Neutral [a]"


def test_sector_views(book_data):
    by = tables.upgrading_by_ce_degree(book_data.cases, "traditional")
    high = by[(by["ce_degree"] == "high") & (by["type"] == "product")].iloc[0]
    assert high["mean_score"] == (3 + 2) / 2 and high["n_cases"] == 2
    prof = tables.governance_profile(book_data.cases, "traditional")
    unknown = prof[(prof["chain"] == "Market") & (prof["code"] == "unknown")]["n_cases"].iloc[0]
    assert unknown == 1                                     # Campina Grande
    assert tables.published_upgrading_table("specialized_suppliers") is None
    items = tables.unpublished_items(book_data.cases, "specialized_suppliers")
    assert any("Per-case upgrading scores" in i for i in items)
    with pytest.raises(ValueError, match="unknown sector"):
        tables.sector_cases(book_data.cases, "textiles")


def test_upgrading_means_grid_lists_sectors_in_the_book_order(book_data):
    from analysis.method.tables import sector_upgrading_means, upgrading_means_grid
    from analysis.vocab import SECTOR_LABELS, SECTORS

    grid = upgrading_means_grid(sector_upgrading_means(book_data.cases))
    scored = [SECTOR_LABELS[s] for s in SECTORS
              if book_data.cases.loc[book_data.cases["sector"] == s, "upgrading_product"].notna().any()]
    assert list(grid["Sector"]) == scored  # not alphabetical: Traditional manufacturing comes first
    trad = book_data.cases[book_data.cases["sector"] == "traditional"]["upgrading_product"].dropna()
    assert grid.set_index("Sector").loc[SECTOR_LABELS["traditional"], "product"] == trad.mean()


def test_table_9_3_footnotes_give_the_markers_a_view_shows(book_data):
    t93 = tables.table_9_3(book_data.table_9_3)
    notes = book_data.table_9_3_notes
    whole = tables.table_9_3_footnotes(t93, notes)
    assert all(f"[{m}] {t}" in whole for m, t in zip(notes["marker"], notes["note"]))  # every marker is used
    one = t93[["Dimension", t93.columns[1]]]
    text = tables.table_9_3_footnotes(one, notes)
    shown = " ".join(map(str, one.to_numpy().ravel()))
    assert all((f"[{m}]" in text) == (f"[{m}]" in shown) for m in notes["marker"])
    assert tables.table_9_3_footnotes(t93[["Dimension"]], notes) == ""
