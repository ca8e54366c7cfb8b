"""The Table 9.3 page's sections (analysis/report/table93_page.py), on small draws."""
import json

import pandas as pd
import pytest

from analysis.io import extended as ext
from analysis.report import table93_page
from analysis.report.present import Page
from analysis.vocab import is_identifier


@pytest.fixture(scope="module")
def page_and_tables(book_data, tmp_path_factory):
    cases, xc, new = ext.load_samples("", book_data)
    s = table93_page.Settings(seed=7, n_perm=99, n_boot=49, alpha=0.1, neutral_band=0.3, n_draws=4, recode_prob=0.2,
                              recode_step=1.0, sens_n_perm=49, sens_n_boot=29, coef_alpha=0.05)
    p = table93_page.prepare(cases, book_data, xc, new, s)
    page = Page("table93", root=tmp_path_factory.mktemp("t93"))
    return p, page


def _shown(page, name):
    return json.loads((page.dir / f"{page.file_name(name)}.table.json").read_text(encoding="utf-8"))


def test_verdict_stability_shows_nothing_kept_where_nothing_was_tested_and_names_cases(page_and_tables):
    p, page = page_and_tables
    table93_page.verdict_stability_section(page, p)
    spec = _shown(page, "verdict_stability")
    cols = spec["columns"]
    untested = [r for r in spec["rows"] if "not testable" in r]
    assert untested, "the software cells cannot be tested"
    kept = [i for i, c in enumerate(cols) if "kept" in c]
    assert kept and all(r[i] == "–" for r in untested for i in kept), (cols, untested[0])
    # the cases whose removal changes a verdict are named, not given by their ids
    ids = set(p.frame["case_id"])
    changed = [i for i, c in enumerate(cols) if "changed by" in c]
    cells = [r[i] for r in spec["rows"] for i in changed if r[i] not in ("", "–")]
    assert not any(part.strip() in ids for cell in cells for part in str(cell).split(";")), cells[:5]


def test_no_empty_table_of_convention_changes(page_and_tables):
    p, page = page_and_tables
    md, values = table93_page.convention_section(page, p)
    if values["n_verdict_changes"] == 0:
        assert md == "No cell's verdict changed."
    else:
        assert "literal-table" in md


def test_claims_name_cases_not_ids(page_and_tables, book_data):
    """The Chapter 9 statements shown on the page name cases by their names (the evidence
    columns are string-typed: a test of object dtype alone would skip them)."""
    p, page = page_and_tables
    table93_page.claims_section(page, p, book_data)
    spec = _shown(page, "claims")
    ids = set(p.frame["case_id"])
    text = " ".join(str(c) for r in spec["rows"] for c in r)
    assert not [i for i in ids if i in text], sorted(i for i in ids if i in text)[:5]
