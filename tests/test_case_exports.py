"""The case database as Stata .dta and Parquet: read back with pandas, labels checked."""
import pandas as pd
import pytest

from analysis import vocab
from analysis.io import case_exports


@pytest.fixture(scope="module")
def written(tmp_path_factory, book_data):
    return case_exports.write_all(book_data.cases, tmp_path_factory.mktemp("exports")), book_data.cases


def test_stata_file_has_variable_and_value_labels(written):
    paths, cases = written
    with pd.io.stata.StataReader(paths["dta"]) as r:
        frame = r.read()
        var_labels = r.variable_labels()
        val_labels = r.value_labels()
    assert len(frame) == len(cases)
    # value labels: read_stata turns the codes back into the vocabulary's words
    assert set(frame["sector"].dropna()) <= set(vocab.SECTOR_LABELS.values())
    assert list(frame["sector"].astype(str)) == [vocab.SECTOR_LABELS[s] for s in cases["sector"]]
    assert list(frame["ce_degree"].astype(object).where(frame["ce_degree"].notna(), None)) == \
        [None if pd.isna(v) else str(v) for v in cases["ce_degree"]]
    assert val_labels["gov_market"] == {int(k): v for k, v in vocab.GOVERNANCE_CODES.items()}
    assert var_labels["ce_degree"].startswith("Degree of collective efficiency")
    assert all(len(v) <= 80 for v in var_labels.values())
    # missing stays missing
    raw = pd.read_stata(paths["dta"], convert_categoricals=False)
    assert raw["upgrading_product"].isna().sum() == cases["upgrading_product"].isna().sum()


def test_parquet_round_trip(written):
    paths, cases = written
    back = pd.read_parquet(paths["parquet"])
    assert list(back.columns) == list(cases.columns) and len(back) == len(cases)
    pd.testing.assert_series_equal(back["upgrading_product"], cases["upgrading_product"], check_names=False)


def test_codebook_lists_every_column_with_codes(written):
    paths, cases = written
    cb = pd.read_csv(paths["codebook"])
    assert list(cb["variable"]) == list(cases.columns)
    row = cb.set_index("variable").loc["ce_degree"]
    assert row["codes"] == "1 = low; 2 = medium; 3 = high"


def test_unknown_code_is_an_error(book_data):
    bad = book_data.cases.copy()
    bad["sector"] = bad["sector"].astype(object)
    bad.loc[bad.index[0], "sector"] = "aerospace"
    with pytest.raises(ValueError, match="sector"):
        case_exports.stata_frame(bad)
