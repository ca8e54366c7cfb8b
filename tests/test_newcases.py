"""Tests for new-case loading (analysis.io.newcases) and policy matching (analysis.method.policy).

Bad-input tests build files from a copy of cases/TEMPLATE.yaml with one thing
broken, then check that the report line names the file, the case, the field,
the bad value and what is allowed.
"""
from __future__ import annotations

import copy
import csv
import math
import subprocess
import sys
from pathlib import Path

from analysis.paths import ROOT  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402

from analysis.method import indices, policy  # noqa: E402
from analysis.io import newcases as nc  # noqa: E402
from analysis.io.schema import CASES  # noqa: E402

TEMPLATE = ROOT / "cases" / "TEMPLATE.yaml"
EXAMPLES = ROOT / "cases" / "examples"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def base_case(case_id: str = "case-a") -> dict:
    """A valid case: the template's, with a chosen id."""
    case = copy.deepcopy(yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["cases"][0])
    case["id"] = case_id
    return case


def write_yaml(directory: Path, name: str, cases: list[dict]) -> Path:
    """Write cases as a YAML case file and return its path."""
    path = directory / name
    path.write_text(yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def csv_row(case: dict) -> dict:
    """Flatten a YAML-shaped case into the CSV layout."""
    row = {"case_id": case["id"]}
    for key in ("name", "industry", "location", "country", "coder", "coding_basis", "notes"):
        row[key] = case.get(key) or ""
    row["coded_on"] = str(case["coded_on"])
    row["sources"] = nc.SOURCES_SEPARATOR.join(case["sources"])
    for key in ("sector", "ce_degree"):
        row[key] = case[key]["value"] or ""
        row[f"{key}_justification"] = case[key]["justification"]
    for section, (items, value_key, prefix) in nc._SECTIONS.items():
        for item in items:
            value = case[section][item][value_key]
            row[prefix + item] = "" if value is None else value
            row[f"{prefix}{item}_justification"] = case[section][item]["justification"]
    return row


def write_csv(directory: Path, name: str, rows: list[dict]) -> Path:
    """Write rows (dicts with the same keys) as a CSV case file."""
    path = directory / name
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def report(directory: Path, published=()) -> str:
    """The text of the CaseValidationError raised for ``directory`` (must raise)."""
    with pytest.raises(nc.CaseValidationError) as info:
        nc.load_new_cases(directory, published)
    return str(info.value)


def line_with(text: str, *needles: str) -> str:
    """The single report line containing every needle; fails loudly otherwise."""
    hits = [line for line in text.splitlines() if all(n in line for n in needles)]
    assert len(hits) == 1, f"expected one line with {needles}, got {hits} in:\n{text}"
    return hits[0]


def one_bad_case(tmp_path: Path, mutate, name: str = "bad.yaml") -> tuple[str, Path]:
    """Write a single case broken by ``mutate`` and return (report text, file)."""
    case = base_case()
    mutate(case)
    path = write_yaml(tmp_path, name, [case])
    return report(tmp_path), path


# --------------------------------------------------------------------------
# one test per kind of bad input
# --------------------------------------------------------------------------

def test_unknown_sector(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c["sector"].update(value="textiles"))
    line = line_with(text, str(path), "case-a (#1)", "field sector.value", "'textiles'")
    assert "unknown sector" in line
    assert "allowed: one of traditional, natural_resource, complex_products, specialized_suppliers" in line


@pytest.mark.parametrize("bad", [4, -1, 3.5])
def test_score_outside_range(tmp_path, bad):
    text, path = one_bad_case(tmp_path, lambda c: c["upgrading"]["product"].update(score=bad))
    line = line_with(text, str(path), "case-a (#1)", "field upgrading.product.score", f"value {float(bad)}")
    assert "outside 0-3" in line and "allowed: 0 to 3" in line


def test_component_score_not_multiple_of_half(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c["ce_components"]["ee_information"].update(score=1.25))
    line = line_with(text, str(path), "case-a (#1)", "field ce_components.ee_information.score", "value 1.25")
    assert "not a multiple of 0.5" in line and "allowed: multiples of 0.5" in line


@pytest.mark.parametrize("bad, shown", [(5, "value 5"), (1.5, "value 1.5"), (-1, "value -1")])
def test_governance_code_not_in_0_3(tmp_path, bad, shown):
    text, path = one_bad_case(tmp_path, lambda c: c["governance"]["market"].update(code=bad))
    line = line_with(text, str(path), "case-a (#1)", "field governance.market.code", shown)
    assert "governance code not in 0-3" in line
    assert "allowed: 0 absent, 1 domestic chain, 2 global chain, 3 domestic and global chain" in line


def test_missing_required_field(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c.pop("country"))
    line = line_with(text, str(path), "case-a (#1)", "field country", "value None")
    assert "missing required field" in line and "allowed:" in line


def test_missing_justification(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c["governance"]["network"].update(justification=""))
    line = line_with(text, str(path), "case-a (#1)", "field governance.network.justification", "value ''")
    assert "missing required field" in line and "allowed: non-empty text" in line


def test_missing_score_key_is_not_the_same_as_null(tmp_path):
    # an entry without `score:` is an omission; `score: null` is an explicit "unknown"
    text, path = one_bad_case(tmp_path, lambda c: c["upgrading"]["process"].pop("score"))
    line = line_with(text, str(path), "case-a (#1)", "field upgrading.process.score", "value None")
    assert "missing required field" in line and "allowed: the key 'score'" in line


def test_wrong_type_text_where_number_needed(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c["upgrading"]["functional"].update(score="high"))
    line = line_with(text, str(path), "case-a (#1)", "field upgrading.functional.score", "value 'high'")
    assert "wrong type" in line and "allowed: a number 0-3" in line


def test_wrong_type_list_where_text_needed(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c.update(name=["El", "Porvenir"]))
    line = line_with(text, str(path), "case-a (#1)", "field name", "value ['El', 'Porvenir']")
    assert "wrong type: got a list" in line and "allowed: text" in line


def test_wrong_type_boolean_score(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c["ce_components"]["ja_vertical_forward"].update(score=True))
    line = line_with(text, str(path), "case-a (#1)", "field ce_components.ja_vertical_forward.score", "value True")
    assert "wrong type" in line and "allowed: a number 0-3" in line


def test_wrong_type_in_csv(tmp_path):
    row = csv_row(base_case())
    row["gov_network"] = "two"
    path = write_csv(tmp_path, "bad.csv", [row])
    line = line_with(report(tmp_path), str(path), "case-a (line 2)", "field gov_network", "value 'two'")
    assert "wrong type" in line and "allowed: a number" in line


def test_duplicate_id_across_files(tmp_path):
    first = write_yaml(tmp_path, "a.yaml", [base_case("same-id")])
    second = write_yaml(tmp_path, "b.yaml", [base_case("other"), base_case("same-id")])
    text = report(tmp_path)
    line_a = line_with(text, f"{first}: case same-id (#1): field id: value 'same-id'")
    line_b = line_with(text, f"{second}: case same-id (#2): field id: value 'same-id'")
    for line in (line_a, line_b):
        assert "duplicate id" in line and "allowed: an id used by no other new case" in line
    assert str(second) in line_a  # each report points to the other occurrence


def test_duplicate_id_within_one_csv(tmp_path):
    row = csv_row(base_case("twin"))
    path = write_csv(tmp_path, "twins.csv", [row, row])
    text = report(tmp_path)
    line_with(text, f"{path}: case twin (line 2): field case_id: value 'twin'", "duplicate id", "allowed:")
    line_with(text, f"{path}: case twin (line 3): field case_id: value 'twin'", "duplicate id", "allowed:")


def test_id_clashing_with_published_case(tmp_path):
    path = write_yaml(tmp_path, "a.yaml", [base_case("footwear-sinos-valley")])
    text = report(tmp_path, published={"footwear-sinos-valley", "salmon-region-austral"})
    line = line_with(text, str(path), "case footwear-sinos-valley (#1)", "field id",
                     "value 'footwear-sinos-valley'")
    assert "clashes with a published case" in line and "allowed: an id not used by a case published" in line


@pytest.mark.parametrize("name, content", [("empty.yaml", ""), ("comments.yaml", "# nothing yet\n"),
                                           ("empty.csv", ""), ("header_only.csv", None)])
def test_empty_file(tmp_path, name, content):
    if content is None:  # a CSV with a header and no case rows
        content = ",".join(csv_row(base_case())) + "\n"
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    line = line_with(report(tmp_path), str(path), "(whole file)")
    assert "empty file" in line and "value ''" in line and "allowed:" in line


def test_empty_case_list(tmp_path):
    path = tmp_path / "none.yaml"
    path.write_text("cases: []\n", encoding="utf-8")
    line = line_with(report(tmp_path), str(path), "field cases", "value []")
    assert "no cases" in line and "allowed: at least one case" in line


def test_malformed_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("cases:\n  - id: a\n   name: b\n", encoding="utf-8")
    line = line_with(report(tmp_path), str(path), "(whole file)", "malformed YAML at line 3")
    # the parser's own words (libyaml or PyYAML) name what it expected
    assert "allowed: well-formed YAML" in line and "expected" in line


def test_malformed_csv_unclosed_quote(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('case_id,name\n"unclosed,x\n', encoding="utf-8")
    line = line_with(report(tmp_path), str(path), "(whole file)", "malformed CSV")
    assert "value 'unexpected end of data'" in line and "allowed: well-formed CSV" in line


def test_malformed_csv_wrong_number_of_cells(tmp_path):
    row = csv_row(base_case())
    path = write_csv(tmp_path, "bad.csv", [row])
    with path.open("a", encoding="utf-8") as f:
        f.write("only,three,cells\n")
    line = line_with(report(tmp_path), str(path), "malformed CSV at line 3")
    assert "value '3 cells'" in line and f"allowed: {len(row)} cells" in line


def test_non_utf8_text(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("cases:\n  - id: cafe\n    name: Caf\u00e9\n".encode("latin-1"))
    line = line_with(report(tmp_path), str(path), "(whole file)", "not UTF-8")
    assert "value b'\\xe9'" in line and "line 3" in line and "allowed: UTF-8 text" in line


def test_every_score_missing(tmp_path):
    def blank(case):
        for section, (items, value_key, _) in nc._SECTIONS.items():
            for item in items:
                case[section][item][value_key] = None
    text, path = one_bad_case(tmp_path, blank)
    line = line_with(text, str(path), "case-a (#1)", "field upgrading/governance/ce_components", "value None")
    assert "every score and code is missing" in line and "allowed: at least one score or code" in line


def test_unknown_extra_field_is_an_error_with_hint(tmp_path):
    def misspell(case):
        case["ce_components"]["ee_labor_market"] = case["ce_components"].pop("ee_labour_market")
        case["colour"] = "red"
    text, path = one_bad_case(tmp_path, misspell)
    line = line_with(text, str(path), "case-a (#1)", "field ce_components.ee_labor_market", "unknown field")
    assert "did you mean ee_labour_market?" in line and "value {'score': 2" in line
    assert "allowed: ee_labour_market, ee_local_inputs" in line
    line_with(text, str(path), "case-a (#1)", "field colour", "value 'red'", "unknown field", "allowed:")


def test_typed_index_column_is_refused(tmp_path):
    row = dict(csv_row(base_case()), ee_index="7")
    path = write_csv(tmp_path, "typed.csv", [row])
    line = line_with(report(tmp_path), str(path), "field ee_index", "unknown field")
    assert "computed, never typed" in line and "value 'ee_index'" in line


@pytest.mark.parametrize("bad", ["Footwear-Sinos", "footwear sinos", "footwear--sinos", "-footwear", "sinos_valley"])
def test_id_not_a_slug(tmp_path, bad):
    text, path = one_bad_case(tmp_path, lambda c: c.update(id=bad))
    line = line_with(text, str(path), f"case {bad} (#1)", "field id", f"value '{bad}'")
    assert "not a slug" in line and "allowed: lowercase letters, digits and single hyphens" in line


def test_invalid_iso_date(tmp_path):
    text, path = one_bad_case(tmp_path, lambda c: c.update(coded_on="22/11/2026"))
    line = line_with(text, str(path), "case-a (#1)", "field coded_on", "value '22/11/2026'")
    assert "not a valid ISO date" in line and "allowed: an ISO date YYYY-MM-DD" in line


def test_impossible_unquoted_date(tmp_path):
    path = tmp_path / "date.yaml"
    path.write_text(TEMPLATE.read_text(encoding="utf-8").replace("coded_on: 2026-01-31", "coded_on: 2026-02-30"),
                    encoding="utf-8")
    line = line_with(report(tmp_path), str(path), "field coded_on", "value '2026-02-30'")
    assert "invalid date" in line and "allowed: an ISO date YYYY-MM-DD that exists" in line


def test_repeated_yaml_key(tmp_path):
    path = tmp_path / "twice.yaml"
    text = TEMPLATE.read_text(encoding="utf-8").replace(
        "        score: 1.5\n", "        score: 1.5\n        score: 3\n", 1)
    path.write_text(text, encoding="utf-8")
    line = line_with(report(tmp_path), str(path), "field upgrading.process.score", "key repeated at line")
    assert "allowed: each key once per mapping" in line


def test_no_case_files(tmp_path):
    (tmp_path / "notes.txt").write_text("not a case", encoding="utf-8")
    line = line_with(report(tmp_path), str(tmp_path), "no case files found")
    assert "allowed: at least one *.yaml, *.yml or *.csv file" in line


# --------------------------------------------------------------------------
# unsafe YAML
# --------------------------------------------------------------------------

def test_python_object_tag_is_rejected_and_nothing_runs(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "evil.yaml"
    path.write_text(
        "cases:\n"
        "  - id: evil-case\n"
        f"    name: !!python/object/apply:os.system [\"touch {marker}\"]\n",
        encoding="utf-8")
    text = report(tmp_path)
    assert not marker.exists(), "a YAML tag executed code"
    line = line_with(text, str(path), "case evil-case (#1)", "field name",
                     "value 'tag:yaml.org,2002:python/object/apply:os.system'")
    assert "would build a Python object" in line and "nothing was executed" in line
    assert "allowed: plain YAML data" in line


# --------------------------------------------------------------------------
# many problems at once
# --------------------------------------------------------------------------

def test_all_problems_in_one_file_are_reported(tmp_path):
    first = base_case("first-case")
    first["sector"]["value"] = "textiles"
    first["upgrading"]["product"]["score"] = 7
    first["governance"]["hierarchy"]["code"] = 2.5
    first["name"] = ["a", "list"]
    second = base_case("Second Case")
    second.pop("coder")
    second["ce_components"]["ja_vertical_forward"]["score"] = "medium"
    path = write_yaml(tmp_path, "many.yaml", [first, second])
    write_yaml(tmp_path, "other.yaml", [base_case("first-case")])  # duplicate id in another file
    with pytest.raises(nc.CaseValidationError) as info:
        nc.load_new_cases(tmp_path, ())
    found = {(p.file, p.case, p.field) for p in info.value.problems}
    f = str(path)
    expected = {
        (f, "first-case (#1)", "sector.value"),
        (f, "first-case (#1)", "upgrading.product.score"),
        (f, "first-case (#1)", "governance.hierarchy.code"),
        (f, "first-case (#1)", "name"),
        (f, "first-case (#1)", "id"),
        (f, "Second Case (#2)", "coder"),
        (f, "Second Case (#2)", "ce_components.ja_vertical_forward.score"),
        (f, "Second Case (#2)", "id"),
        (str(tmp_path / "other.yaml"), "first-case (#1)", "id"),
    }
    assert found == expected
    lines = str(info.value).splitlines()
    assert lines[0] == f"{len(expected)} problem(s) in the new case files:"
    assert len(lines) == len(expected) + 1


def test_validate_new_cases_returns_problems_without_raising(tmp_path):
    write_yaml(tmp_path, "a.yaml", [base_case("Bad Id")])
    frame, problems = nc.validate_new_cases(tmp_path, ())
    assert [p.field for p in problems] == ["id"]
    assert len(frame) == 1


# --------------------------------------------------------------------------
# valid input: worked example, template, CSV, indices
# --------------------------------------------------------------------------

def test_tavara_example_validates_with_hand_computed_indices():
    cases = nc.load_new_cases(EXAMPLES, published_ids={"footwear-sinos-valley", "salmon-region-austral"})
    assert list(cases.columns) == nc.NEW_CASE_COLUMNS
    assert list(cases["case_id"]) == ["footwear-el-porvenir", "industrial-park-villa-el-salvador"]
    assert set(cases["origin"]) == {"new"} and set(cases["country"]) == {"Peru"}
    assert set(cases["sector"]) == {"traditional"}
    by_id = cases.set_index("case_id")

    porvenir = by_id.loc["footwear-el-porvenir"]
    # EE components 2 (labour) + 2 (inputs) + 1 (information) + 2 (market access) = 7
    assert [porvenir[c] for c in nc.EE_COMPONENTS] == [2, 2, 1, 2]
    assert porvenir["ee_index"] == 7
    # JA: backward 2, forward unknown, bilateral 2, multilateral 1 -> index not computable
    assert math.isnan(porvenir["ja_vertical_forward"])
    assert [porvenir[c] for c in ("ja_vertical_backward", "ja_horizontal_bilateral",
                                  "ja_horizontal_multilateral")] == [2, 2, 1]
    assert math.isnan(porvenir["ja_index"]) and math.isnan(porvenir["ce_index"])
    # ... but CE lies in [0.5*(7+5), 0.5*(7+8)] = [6, 7.5] whatever the missing rating: medium
    assert porvenir["ce_degree"] == "medium" and "bounds" in porvenir["ce_degree_source"]
    # the abstract supports one upgrading score (product, low) and one chain code (market, both)
    assert porvenir["upgrading_product"] == 1 and porvenir["gov_market"] == 3
    others = [c for c in nc.UPGRADING_COLUMNS + nc.GOVERNANCE_COLUMNS if c not in ("upgrading_product", "gov_market")]
    assert all(pd.isna(porvenir[c]) for c in others)

    ves = by_id.loc["industrial-park-villa-el-salvador"]
    assert ves["ee_local_inputs"] == 1 and ves["ja_horizontal_multilateral"] == 1.5
    assert ves[list(nc.SCORE_COLUMNS + nc.CODE_COLUMNS)].notna().sum() == 2
    assert math.isnan(ves["ee_index"]) and math.isnan(ves["ja_index"])

    for _, case in cases.iterrows():
        assert case["coder"] == "this project (reproducible edition)"
        assert "abstract" in case["coding_basis"] and "not by the book's authors" in case["coding_basis"]
        assert "Tavara, José Ignacio (1993)" in case["sources"]
        assert "University of Massachusetts Amherst" in case["sources"]
        # every score, code, the sector and the degree is justified, null ones included
        assert set(case["justifications"]) == set(nc._JUSTIFIED_COLUMNS)
        assert all(len(j) > 20 for j in case["justifications"].values())


def test_template_copy_validates_and_indices_are_computed(tmp_path):
    (tmp_path / "mine.yaml").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    case = nc.load_new_cases(tmp_path, ()).iloc[0]
    # template components: EE 2+2+1+2 = 7; JA 1+1+0.5+1 = 3.5; CE = (7+3.5)/2 = 5.25 -> medium
    assert (case["ee_index"], case["ja_index"], case["ce_index"]) == (7, 3.5, 5.25)
    assert case["ce_degree"] == "medium" and case["ce_degree_source"] == "derived from CE index"
    assert case["gov_quasi_hierarchy"] == 2 and pd.isna(case["gov_hierarchy"])


def test_template_is_skipped_by_name(tmp_path):
    (tmp_path / "TEMPLATE.yaml").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    line_with(report(tmp_path), "no case files found", f"files named {nc.TEMPLATE_PREFIX}* are skipped")


def test_given_ce_degree_is_kept(tmp_path):
    case = base_case()
    case["ce_degree"]["value"] = "high"
    write_yaml(tmp_path, "a.yaml", [case])
    loaded = nc.load_new_cases(tmp_path, ()).iloc[0]
    assert loaded["ce_degree"] == "high" and loaded["ce_degree_source"] == "given"


def test_csv_and_yaml_give_the_same_case(tmp_path):
    yaml_dir, csv_dir = tmp_path / "y", tmp_path / "c"
    yaml_dir.mkdir(), csv_dir.mkdir()
    write_yaml(yaml_dir, "a.yaml", [base_case()])
    write_csv(csv_dir, "a.csv", [csv_row(base_case())])
    from_yaml = nc.load_new_cases(yaml_dir, ()).drop(columns="source_file")
    from_csv = nc.load_new_cases(csv_dir, ()).drop(columns="source_file")
    pd.testing.assert_frame_equal(from_yaml, from_csv)


def test_ce_degree_cut_points_documented_in_readme():
    # cases/README.md promises low < 4 <= medium < 8 <= high
    assert nc.CE_CUTS == (4.0, 8.0)
    got = indices.ce_degree_from_index(pd.Series([0, 3.5, 4, 7.5, 8, 12, float("nan")]), nc.CE_CUTS)
    assert got.astype(object).where(got.notna(), None).tolist() == [
        "low", "low", "medium", "medium", "high", "high", None]


def test_new_cases_fit_the_case_database_schema():
    cases = nc.load_new_cases(EXAMPLES, ())
    validated = CASES.validate(cases[nc.CASE_COLUMNS])
    assert list(validated.columns) == list(pd.read_csv(ROOT / "data" / "cases.csv", nrows=0).columns)


def test_html_is_data_and_escape_text_escapes_it(tmp_path):
    case = base_case()
    case["name"] = "<script>alert('x')</script> & Co"
    write_yaml(tmp_path, "a.yaml", [case])
    loaded = nc.load_new_cases(tmp_path, ()).iloc[0]
    assert loaded["name"] == case["name"]  # stored as typed
    assert nc.escape_text(loaded["name"]) == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"
    assert nc.escape_text(None) == "" and nc.escape_text(float("nan")) == ""


def test_justifications_long(tmp_path):
    write_yaml(tmp_path, "a.yaml", [base_case()])
    long = nc.justifications_long(nc.load_new_cases(tmp_path, ()))
    assert list(long.columns) == ["case_id", "field", "value", "justification"]
    assert len(long) == len(nc._JUSTIFIED_COLUMNS)
    row = long.set_index("field").loc["upgrading_process"]
    assert row["value"] == 1.5 and "production methods" in row["justification"]


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m analysis.io.newcases`` from the repository root."""
    return subprocess.run([sys.executable, "-m", "analysis.io.newcases", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_validates_examples():
    # default published ids: data/cases.csv when present, so this also checks for clashes
    done = run_cli("validate", str(EXAMPLES))
    assert done.returncode == 0, done.stderr
    assert "OK: 2 case(s) in 1 file(s)" in done.stdout
    assert "footwear-el-porvenir" in done.stdout


def test_cli_reports_every_problem_and_fails(tmp_path):
    case = base_case()
    case["upgrading"]["product"]["score"] = 9
    case["sector"]["value"] = "mining"
    path = write_yaml(tmp_path, "bad.yaml", [case])
    done = run_cli("validate", str(tmp_path))
    assert done.returncode == 1
    line_with(done.stderr, str(path), "field upgrading.product.score", "value 9.0")
    line_with(done.stderr, str(path), "field sector.value", "value 'mining'")


# --------------------------------------------------------------------------
# policy
# --------------------------------------------------------------------------

def case_row(**scores) -> dict:
    """A hand-built case row: every score missing except those given."""
    row = {"case_id": "hand-built", "sector": "traditional"}
    row.update({c: float("nan") for c in nc.SCORE_COLUMNS})
    row.update(scores)
    return row


def test_policy_menu_rejects_unknown_sector():
    with pytest.raises(ValueError, match="unknown sector 'mining'"):
        policy.policy_menu_for_weak_points(case_row(sector="mining"), {}, pd.DataFrame(columns=["target"]),
                                           pd.DataFrame(columns=["sector"]))


def test_policy_tables_as_transcribed():
    t1, t2 = policy.read_table_10_1(), policy.read_table_10_2()
    assert len(t1) == 12 and t1["goal"].nunique() == 3
    assert t1["line"].between(3700, 3714).all()
    assert t2.groupby("sector").size().to_dict() == {
        "complex_products": 2, "natural_resource": 6, "specialized_suppliers": 2, "traditional": 3}
    assert t2["line"].isin([3847, 3849, 3851, 3853]).all()
    assert t1.set_index("action").loc["Create and strengthen business associations", "target"] == \
        "ja_horizontal_multilateral"


def test_policy_table_with_unknown_target_is_rejected(tmp_path):
    t1 = pd.read_csv(ROOT / "data" / "policy" / "table_10_1.csv", dtype=str, keep_default_na=False)
    t1.loc[0, "target"] = "ee_labor_market"
    bad = tmp_path / "t.csv"
    t1.to_csv(bad, index=False)
    with pytest.raises(Exception, match="unknown target name"):
        policy.read_table_10_1(bad)


def test_policy_menu_for_tavara_el_porvenir():
    """El Porvenir's menu: its sector's Table 10.2 priorities, then the Table 10.1 actions aimed
    at the upgrading types where it falls below the published traditional cases' means."""
    from analysis.io.data import load_book_data

    case = nc.load_new_cases(EXAMPLES, ()).set_index("case_id").loc["footwear-el-porvenir"]
    case = dict(case, case_id="footwear-el-porvenir")
    cases = load_book_data().cases
    means = policy.sector_means(cases[cases["sector"] == case["sector"]])
    weak = policy.weak_points(case, means)
    assert weak and all(float(case[w]) < means[w] for w in weak)
    out = policy.policy_menu_for_weak_points(case, means, policy.read_table_10_1(), policy.read_table_10_2())
    assert (out["table"] == "10.2").sum() == 3
    actions = out[out["table"] == "10.1"]
    t1 = policy.read_table_10_1().set_index("action")
    # exactly the actions whose targets name a weak point, each saying which and why
    expected = {a for a, t in t1["target"].items() if set(t.split(";")) & set(weak)}
    assert set(actions["action"]) == expected and len(expected) > 0
    assert actions["reason"].str.contains("furthest below its sector mean").all()


def test_cli_refuses_a_published_file_that_is_absent_or_not_a_case_database(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    write_yaml(cases, "ok.yaml", [base_case()])
    done = run_cli("validate", str(cases), "--published", str(tmp_path / "absent.csv"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line_with(done.stderr, "--published", "absent.csv", "cannot read the file")
    other = tmp_path / "other.csv"
    other.write_text("country,year\nPeru,1993\n", encoding="utf-8")
    done = run_cli("validate", str(cases), "--published", str(other))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = line_with(done.stderr, "--published", "not a case database: missing column(s) case_id")
    assert "allowed: the columns of the case database" in line
