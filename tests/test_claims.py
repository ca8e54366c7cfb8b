"""Statement checks: verdicts on the real data, and a verdict that flips when the data change."""
import pandas as pd

from analysis.audit.claims import check_claims
from analysis.io.data import load_book_data


def verdicts(data):
    return check_claims(data).set_index("claim_id")["verdict"].to_dict()


def test_verdicts_on_published_data(book_data):
    v = verdicts(book_data)
    assert v["C05"] == "does not hold"     # Table 1.3 has 39 rows, not 40
    assert v["C06"] == "holds"             # 40 distinct cases across the tables
    assert v["C04"] == "holds"             # EE > JA in all four sectors (7.60>5.23, 8.91>7.36, 7.61>4.80, 9.10>7.80)
    assert v["C19"] == "does not hold"     # Monterrey has quasi-hierarchy code 3
    assert v["C10"] == "holds"             # product means 1.33 < 1.90 < 2.50 by CE degree
    assert v["C20"] == "does not hold"     # Chipilo 2002 exports 7.0 > production 6.7, not flagged


def test_verdict_flips_with_data(data_copy):
    p = data_copy / "cases.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[df.case_id == "software-monterrey", "gov_quasi_hierarchy"] = "0"
    df.to_csv(p, index=False)
    assert verdicts(load_book_data(data_copy))["C19"] == "holds"
