"""datapackage.json: generated from the pandera schemas, up to date, and valid with frictionless."""
import json
import shutil

import frictionless
import pandera.pandas as pa
import pytest

from analysis.book import datapackage as dp

from analysis.paths import ROOT  # noqa: E402


def test_committed_datapackage_is_the_generated_one():
    committed = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    assert committed == dp.render(), "datapackage.json is stale: run python -m analysis.book.datapackage"
    assert dp.main(["--check"]) == 0


def test_check_mode_reports_a_stale_file(tmp_path):
    stale = tmp_path / "datapackage.json"
    stale.write_text(dp.render().replace('"enum"', '"enum_"', 1), encoding="utf-8")
    assert dp.main(["--check", "--out", str(stale)]) == 1


def test_package_is_valid():
    report = frictionless.validate(str(ROOT / "datapackage.json"))
    problems = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors] + [e.message for e in report.errors]
    assert report.valid, problems[:10]
    assert len(report.tasks) == len(json.loads((ROOT / "datapackage.json").read_text())["resources"])


def test_every_data_file_is_described():
    described = {r["path"] for r in dp.package()["resources"]}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "data").rglob("*.csv")}
    # data/examples/ holds sample inputs for readers, not data of the book
    assert on_disk - described == {p for p in on_disk if p.startswith("data/examples/")}
    assert described <= on_disk


def test_package_metadata():
    pkg = dp.package()
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0"
    assert "Upgrading to Compete" in pkg["sources"][0]["title"]
    names = [r["name"] for r in pkg["resources"]]
    assert len(names) == len(set(names))
    cells = next(r for r in pkg["resources"] if r["path"] == "data/chapters/table_2_1.csv")
    assert [f["name"] for f in cells["schema"]["fields"]] == ["row", "column", "printed", "kind", "line", "note"]
    assert cells["schema"]["primaryKey"] == ["row", "column"]


def test_pandera_to_table_schema_mapping():
    schema = pa.DataFrameSchema({
        "id": pa.Column(str, pa.Check.str_matches(r"^[a-z]+$"), unique=True, description="Key."),
        "n": pa.Column("Int64", pa.Check.isin([0, 1, 2]), nullable=True),
        "x": pa.Column(float, [pa.Check.in_range(0, 3), pa.Check(lambda s: s >= 0, error="custom rule")]),
        "k": pa.Column(int, pa.Check.ge(1)),
        "s": pa.Column(str, pa.Check.str_length(min_value=1)),
    }, unique=["id", "k"])
    ts = dp.table_schema(schema)
    f = {d["name"]: d for d in ts["fields"]}
    assert f["id"] == {"name": "id", "type": "string", "description": "Key.",
                       "constraints": {"pattern": "^[a-z]+$", "required": True, "unique": True}}
    assert f["n"] == {"name": "n", "type": "integer", "constraints": {"enum": [0, 1, 2]}}
    assert f["x"]["type"] == "number" and f["x"]["constraints"] == {"minimum": 0, "maximum": 3, "required": True}
    assert "custom rule" in f["x"]["description"]
    assert f["k"]["constraints"] == {"minimum": 1, "required": True}
    assert f["s"]["constraints"] == {"minLength": 1, "required": True}
    assert ts["primaryKey"] == ["id", "k"]


@pytest.fixture()
def package_copy(tmp_path):
    shutil.copy(ROOT / "datapackage.json", tmp_path / "datapackage.json")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


@pytest.mark.parametrize("path, old, new, error", [
    ("data/cases.csv", ",traditional,", ",spaceship,", "constraint-error"),          # enum
    ("data/cases.csv", "textile-medellin,", "Textile Medellin,", "constraint-error"),  # pattern
    ("data/chapters/table_2_1.csv", ",input,", ",guessed,", "constraint-error"),      # cells kind
    ("data/book/printed_values.csv", "\n", "\nx,y,z,1,not-a-line\n", "type-error"),  # integer
])
def test_corrupted_copy_fails_validation(package_copy, path, old, new, error):
    target = package_copy / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = frictionless.validate(str(package_copy / "datapackage.json"))
    assert not report.valid
    errors = [(t.name, e.type) for t in report.tasks for e in t.errors]
    assert (dp.resource_name(path), error) in errors, errors
