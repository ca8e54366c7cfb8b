"""The data files: schemas hold, references resolve, bad input is named precisely."""
import pandas as pd
import pytest

from analysis.io.data import DataError, load_book_data
from analysis.io.schema import SCHEMAS


def test_every_file_has_a_schema_and_validates(book_data):
    assert len(book_data.cases) == 40
    assert set(SCHEMAS) >= {"cases.csv", "reconciliation.csv", "book/printed_values.csv", "errata.csv"}


def test_each_table_row_maps_to_one_case(book_data):
    rec = book_data.reconciliation
    counts = rec.groupby("table").size().to_dict()
    # rows printed in the book: 12 in 1.2, 39 in 1.3, 40 in 9.2, 15 + 11 + 9 in 9.4-9.6
    assert counts == {"1.2": 12, "1.3": 39, "9.2": 40, "9.4": 15, "9.5": 11, "9.6": 9}
    # every case is in Table 9.2, and each upgrading table holds exactly its sector's cases
    assert set(rec.loc[rec.table == "9.2", "case_id"]) == set(book_data.cases.case_id)
    sectors = book_data.cases.set_index("case_id")["sector"]
    for table, sector in (("9.4", "traditional"), ("9.5", "natural_resource"), ("9.6", "complex_products")):
        ids = set(rec.loc[rec.table == table, "case_id"])
        assert ids == set(sectors[sectors == sector].index)


def test_software_cases_have_no_scores(book_data):
    sw = book_data.cases[book_data.cases.sector == "specialized_suppliers"]
    assert len(sw) == 5 and sw["upgrading_product"].isna().all() and sw["ce_degree"].isna().all()


def _corrupt(path, case_id, column, value):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[df["case_id"] == case_id, column] = value
    df.to_csv(path, index=False)
    return int(df.index[df["case_id"] == case_id][0]) + 2  # CSV line number


@pytest.mark.parametrize("column,value,expect", [
    ("upgrading_product", "3.7", "upgrading_product"),
    ("upgrading_process", "4", "in_range"),
    ("gov_market", "5", "gov_market"),
    ("sector", "textiles", "sector"),
    ("ce_degree", "very high", "ce_degree"),
])
def test_bad_value_is_named_with_file_line_case_and_field(data_copy, column, value, expect):
    line = _corrupt(data_copy / "cases.csv", "footwear-leon", column, value)
    with pytest.raises(DataError) as err:
        load_book_data(data_copy)
    msg = str(err.value)
    assert "cases.csv" in msg and f"line {line}" in msg and "footwear-leon" in msg
    assert expect in msg and value in msg


def test_all_problems_reported_at_once(data_copy):
    _corrupt(data_copy / "cases.csv", "footwear-leon", "gov_market", "9")
    _corrupt(data_copy / "cases.csv", "wine-colchagua", "upgrading_product", "-1")
    with pytest.raises(DataError) as err:
        load_book_data(data_copy)
    assert "footwear-leon" in str(err.value) and "wine-colchagua" in str(err.value)


def test_unknown_case_reference(data_copy):
    p = data_copy / "reconciliation.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[3, "case_id"] = "no-such-case"
    df.to_csv(p, index=False)
    with pytest.raises(DataError, match=r"reconciliation.csv, line 5, field 'case_id': unknown case 'no-such-case'"):
        load_book_data(data_copy)


def test_non_utf8_and_empty_files(data_copy):
    (data_copy / "errata.csv").write_bytes("table,row\n9.1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match="errata.csv: not UTF-8"):
        load_book_data(data_copy)
    (data_copy / "errata.csv").write_text("")
    with pytest.raises(DataError, match="errata.csv: empty file"):
        load_book_data(data_copy)


def test_unexpected_column_rejected(data_copy):
    p = data_copy / "cases.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df["favourite_colour"] = "blue"
    df.to_csv(p, index=False)
    with pytest.raises(DataError, match="favourite_colour"):
        load_book_data(data_copy)
