"""The hostile corpus (tests/data/hostile/): every file has the outcome its manifest states.

Rejected files must give a problem naming the file, the case (or "(whole file)"),
the field and what is allowed, and never a traceback; accepted files load. The
browser half (accepted payloads shown literally, nothing runs, no outside
request) is in tests/test_hostile_browser.py.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import escape
from analysis.io import newcases as nc

from analysis.paths import ROOT  # noqa: E402
HOSTILE = ROOT / "tests" / "data" / "hostile"
MANIFEST = list(csv.DictReader((HOSTILE / "expected.csv").open(encoding="utf-8")))
PWNED = Path("/tmp/hostile-pwned")


def file_name(row: dict) -> str:
    return row["file"].removeprefix("runtime:")


def materialise(row: dict, directory: Path) -> Path:
    """Put the manifest's file into ``directory`` (creating the run-time ones) and return its path."""
    name = file_name(row)
    path = directory / name
    if not row["file"].startswith("runtime:"):
        shutil.copy(HOSTILE / name, path)
    elif "symlink_to_system_file" in name:
        path.symlink_to("/etc/passwd")
    elif "symlink_to_case" in name:
        target = directory.parent / "real_case.yaml"
        shutil.copy(HOSTILE / "a01_script_tag.yaml", target)
        path.symlink_to(target)
    elif "fifo" in name:
        os.mkfifo(path)
    elif "sparse_huge" in name:
        with path.open("wb") as f:
            f.truncate(nc.LIMITS["file_bytes"] + 1)
    else:
        raise AssertionError(f"no recipe for run-time file {name}")
    return path


def test_manifest_lists_every_file_and_enough_of_them():
    listed = {file_name(r) for r in MANIFEST if not r["file"].startswith("runtime:")}
    on_disk = {p.name for p in HOSTILE.iterdir() if p.name[:1] in "ar" and p.name[1:3].isdigit()}
    assert listed == on_disk
    assert len(MANIFEST) >= 60
    assert {r["outcome"] for r in MANIFEST} == {"accepted", "rejected"}
    assert any(r["file"].endswith(".csv") and r["outcome"] == "accepted" for r in MANIFEST)
    assert any(r["file"].endswith(".csv") and r["outcome"] == "rejected" for r in MANIFEST)


@pytest.mark.parametrize("row", MANIFEST, ids=[file_name(r) for r in MANIFEST])
def test_validator_outcome(row, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    path = materialise(row, cases)
    frame, problems = nc.validate_new_cases(cases, published_ids=())
    lines = [str(p) for p in problems]
    if row["outcome"] == "accepted":
        assert not problems, lines
        assert len(frame) == 1
        return
    assert problems, f"{path.name} was accepted"
    field = "(whole file)" if row["field"] == "(whole file)" else f"field {row['field']}"
    hits = [line for line in lines if field in line and row["expect"] in line]
    assert hits, f"no problem naming {field!r} with {row['expect']!r}:\n" + "\n".join(lines)
    for line in hits:
        assert line.startswith(str(path)), line          # the file
        assert "(whole file)" in line or ": case " in line  # the case
        assert "(allowed: " in line and "value " in line  # the value and what is allowed
        assert len(line) < 1200, "a problem line must stay readable"
    assert not PWNED.exists(), "a YAML tag was executed"


def test_symlinked_system_file_is_never_read_or_echoed(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "passwd.yaml").symlink_to("/etc/passwd")
    frame, problems = nc.validate_new_cases(cases)
    text = "\n".join(map(str, problems))
    assert "symbolic link refused" in text and "root:" not in text


def _cli(directory: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis.io.newcases", "validate", str(directory), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


SAMPLE = ["r01_alias_bomb.yaml", "r04_deep_lists.yaml", "r06_400_digit_score.yaml", "r29_python_apply.yaml",
          "r49_csv_400_digits.csv", "r57_csv_not_cases.csv", "runtime:r61_symlink_to_system_file.yaml",
          "runtime:r63_fifo.yaml", "runtime:r64_sparse_huge.yaml", "a06_jinja_img.yaml"]


@pytest.mark.parametrize("name", SAMPLE)
def test_cli_exit_status_and_no_traceback(name, tmp_path):
    row = next(r for r in MANIFEST if r["file"] == name)
    cases = tmp_path / "cases"
    cases.mkdir()
    materialise(row, cases)
    done = _cli(cases)  # a timeout here (alias bomb, fifo) fails the test
    assert "Traceback" not in done.stderr + done.stdout
    if row["outcome"] == "accepted":
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 1
        assert row["expect"] in done.stderr and "(allowed: " in done.stderr
        assert "root:" not in done.stderr


def test_cli_published_not_a_case_file(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(HOSTILE / "a01_script_tag.yaml", cases)
    other = tmp_path / "trade.csv"
    shutil.copy(ROOT / "data" / "examples" / "trade_series_example.csv", other)
    done = _cli(cases, "--published", str(other))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "not a case database: missing column(s) case_id" in done.stderr


def test_limits_are_documented():
    readme = (ROOT / "cases" / "README.md").read_text(encoding="utf-8")
    for key, value in nc.LIMITS.items():
        assert f"{value:,}" in readme or str(value) in readme, f"limit {key} = {value} not in cases/README.md"


def test_too_many_cases_in_all_files(tmp_path, monkeypatch):
    cases = tmp_path / "cases"
    cases.mkdir()
    for i in range(3):
        shutil.copy(HOSTILE / "a01_script_tag.yaml", cases / f"c{i}.yaml")
    monkeypatch.setitem(nc.LIMITS, "cases", 2)
    frame, problems = nc.validate_new_cases(cases)
    assert any("too many cases" in str(p) and "at most 2 cases" in str(p) for p in problems)


# ------------------------------------------------------------------ the escaping module

def test_csv_cell_neutralises_formulas_and_keeps_numbers():
    for bad in ("=1+1", "+SUM(A1)", "-2+3", "@A1", "\t=1", "\r=1", "=HYPERLINK(\"x\")"):
        assert escape.csv_cell(bad) == "'" + bad
    for fine in ("-0.5", "+3", "-12e3", "1.5", "plain", "", 3, -2.5, None):
        assert escape.csv_cell(fine) == fine


def test_write_csv_leaves_numeric_columns_alone():
    import pandas as pd

    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "ok"], "change": [-1.5, 2.0], "n": [-3, 4]})
    text = escape.write_csv(frame)
    assert text.splitlines() == ["name,change,n", "'=cmd|' /C calc'!A0,-1.5,-3", "ok,2.0,4"]


def test_myst_escape_leaves_no_markup():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for text in ("**b** `c` [l](javascript:x) <i>h</i> &lt; # h", "{{ x }} {role}`y` $m$ % c", "--- * - 1."):
        html = md.render(escape.myst(text)).strip()
        assert html.startswith("<p>") and "<strong>" not in html and "<a " not in html and "<i>" not in html
        assert "&amp;lt;" in html or "&lt;" not in text


def test_html_escape_is_inert():
    out = escape.html("<script>{{ x }}</script> $a$ \\(b\\) & \"q\" 'r'")
    assert "<" not in out and "{" not in out and "$" not in out and "\\" not in out and '"' not in out
    import html as std

    assert std.unescape(out) == "<script>{{ x }}</script> $a$ \\(b\\) & \"q\" 'r'"


def test_latex_and_bibtex_escape_balance_braces():
    for text in ("}{\\input{/etc/passwd}", "50% & $5 #1 _x ^y ~z", "@misc{evil,"):
        for out in (escape.latex(text), escape.bibtex(text)):
            depth = 0
            for i, ch in enumerate(out):
                if ch in "{}" and (i == 0 or out[i - 1] != "\\"):
                    depth += 1 if ch == "{" else -1
                    assert depth >= 0, out
            assert depth == 0, out
            assert "\\input" not in out.replace("\\textbackslash{}", "")


def test_validation_benchmark_smoke():
    """bench/bench_validate.py at a smoke size (the full 10,000 cases run in bench/)."""
    done = subprocess.run([sys.executable, "bench/bench_validate.py", "--cases", "200"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("200 cases") and "met" in done.stdout
