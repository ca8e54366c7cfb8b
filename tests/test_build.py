"""The build entry point: parameter checking, failure reporting, atomic replacement."""
from pathlib import Path

import pytest
import yaml

from analysis.book import build as b

from analysis.paths import ROOT  # noqa: E402


def declared_sector():
    return b.declared_parameters(ROOT / "chapters" / "sector.md")


def test_declared_parameters_read_from_notebook():
    d = declared_sector()
    assert d["sector"]["default"] == "traditional"
    assert d["sector"]["allowed"] == ["traditional", "natural_resource", "complex_products", "specialized_suppliers"]


@pytest.mark.parametrize("params,fragment", [
    ({"sectr": "traditional"}, "unknown parameter 'sectr'"),
    ({"sector": 3}, "must be str, got int"),
    ({"sector": "textiles"}, "not allowed (one of: traditional"),
])
def test_bad_parameters_are_errors(params, fragment):
    run = b.Run("chapters/sector.md", "chapters/sectors/x", params)
    problems = b.check_parameters(run, declared_sector())
    assert len(problems) == 1 and fragment in problems[0]


def test_good_parameters_pass_and_bool_is_not_int():
    run = b.Run("chapters/sector.md", "chapters/sectors/x", {"sector": "complex_products"})
    assert b.check_parameters(run, declared_sector()) == []
    audit_decl = b.declared_parameters(ROOT / "chapters" / "audit.md")
    bad = b.Run("chapters/audit.md", "chapters/audit", {"strict": 1})
    assert "must be bool" in b.check_parameters(bad, audit_decl)[0]


def test_set_option_parsing_and_unknown_page():
    assert b.parse_set(["chapters/audit.strict=false"]) == {"chapters/audit": {"strict": False}}
    with pytest.raises(b.BuildError, match="expected OUTPUT.NAME=VALUE"):
        b.parse_set(["strict"])
    runs = b.read_runs()
    with pytest.raises(b.BuildError, match="unknown page 'chapters/nope'"):
        b.apply_overrides(runs, {"chapters/nope": {"x": 1}})


def test_cli_rejects_bad_parameter_before_executing(capsys):
    code = b.main(["--set", "chapters/sectors/traditional.sector=textiles", "--jobs", "1"])
    assert code == 1
    assert "not allowed" in capsys.readouterr().err


FAILING_NB = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# A page that fails

```{code-cell} ipython3
:tags: [parameters]

x = 1  # a number
```

```{code-cell} ipython3
y = x / 0
```
"""


@pytest.mark.slow
def test_failing_cell_names_notebook_and_cell_and_keeps_previous_book(tmp_path):
    src = tmp_path / "broken.md"
    src.write_text(FAILING_NB)
    work = tmp_path / "work"
    out = work / "html"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous good book")
    with pytest.raises(b.BuildError) as err:
        b.build([b.Run(str(src), "chapters/broken")], jobs=1, workdir=work)
    msg = str(err.value)
    assert "broken.md" in msg and "cell 2" in msg and "ZeroDivisionError" in msg
    assert (out / "index.html").read_text() == "previous good book"
    assert not list(work.glob("stage-*")) and not list(work.glob("html.new-*"))


TINY_NB = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---

# A tiny page

```{code-cell} ipython3
:tags: [parameters, remove-cell]

n = 2  # a number
```

```{code-cell} ipython3
from pathlib import Path
print(Path(INPUT).read_text().strip() * n)
```
"""


def tiny_book(tmp_path, content="ab"):
    src = tmp_path / "tiny.md"
    src.write_text(TINY_NB.replace("INPUT", repr(str(tmp_path / "input.txt"))))
    (tmp_path / "input.txt").write_text(content)
    run = b.Run(str(src), "chapters/tiny", {}, None, [str(tmp_path / "input.txt")])
    # the tiny page is the root: the landing page (intro.md) glues numbers from pages this book lacks
    toc = {"format": "jb-book", "root": "chapters/tiny"}
    return run, toc


@pytest.mark.slow
def test_rebuild_skips_unchanged_and_explains_reruns(tmp_path, capsys):
    run, toc = tiny_book(tmp_path)
    work = tmp_path / "work"
    b.build([run], jobs=1, workdir=work, toc=toc)
    first = capsys.readouterr().out
    assert "re-executed: first build of this page" in first
    page = (work / "html" / "chapters" / "tiny.html").read_text()
    assert "abab" in page and "Reproducibility stamp" in page
    (work / "html" / "marker").write_text("kept")
    b.build([run], jobs=1, workdir=work, toc=toc)
    second = capsys.readouterr().out
    assert "skipped: inputs unchanged, taken from cache" in second
    assert "HTML inputs unchanged" in second and (work / "html" / "marker").exists()  # Sphinx not rerun
    (tmp_path / "input.txt").write_text("xy")
    b.build([run], jobs=1, workdir=work, toc=toc)
    out = capsys.readouterr().out
    assert "re-executed: changed: " in out and "input.txt" in out
    assert "xyxy" in (work / "html" / "chapters" / "tiny.html").read_text()
    run.parameters = {"n": 3}
    b.build([run], jobs=1, workdir=work, toc=toc)
    assert "changed: (parameters)" in capsys.readouterr().out


def test_why_rerun_wording():
    assert b.why_rerun(None, {"a": "1"}) == "first build of this page"
    assert b.why_rerun({"a": "1", "b": "2"}, {"a": "9", "c": "3"}) == "changed: a; new input: c; input gone: b"


def test_imports_followed_transitively():
    mods = {p.name for p in b.analysis_modules(ROOT / "chapters" / "ch01_cases.md")}
    # ch01 imports analysis.method.tables, which imports analysis.method.aggregate, which imports analysis.method.indices
    assert {"tables.py", "aggregate.py", "indices.py", "present.py"} <= mods
    assert "build.py" not in mods


# ---------------------------------------------------------------- what each page depends on
def _dependents(path: str) -> list[str]:
    """The pages whose cache key holds ``path`` (the pages a change to it re-executes)."""
    runs = b.read_runs()
    return sorted(r.output for r in runs
                  if path in {p.relative_to(ROOT).as_posix() for p in b.input_files(r)})


def test_a_chapter_module_reexecutes_only_its_chapter_page_and_the_audit():
    """Touching the Chapter 8 code re-executes the Chapter 8 page and the reproduction audit
    (which recomputes every chapter's checks), nothing else; likewise for each chapter."""
    for module, page in [("analysis/audit/casestudies/ch8_trade.py", "ch08_trade"),
                         ("analysis/method/trade.py", "ch08_trade"),
                         ("analysis/report/trade_display.py", "ch08_trade"),
                         ("analysis/report/trade_page.py", "ch08_trade"),
                         ("analysis/audit/casestudies/ch2_dairy.py", "ch02_dairy"),
                         ("analysis/audit/casestudies/ch3_fruit.py", "ch03_fruit"),
                         ("analysis/audit/casestudies/ch4_salmon.py", "ch04_salmon"),
                         ("analysis/audit/casestudies/ch5_furniture.py", "ch05_furniture"),
                         ("analysis/report/dairy_page.py", "ch02_dairy"),
                         ("analysis/report/fruit_page.py", "ch03_fruit"),
                         ("analysis/report/salmon_page.py", "ch04_salmon"),
                         ("analysis/report/furniture_page.py", "ch05_furniture")]:
        allowed = {f"chapters/{page}", "chapters/audit"}
        assert f"chapters/{page}" in _dependents(module), module
        assert set(_dependents(module)) <= allowed, (module, _dependents(module))


def test_the_case_database_does_not_reexecute_the_case_study_chapters():
    pages = _dependents("data/cases.csv")
    for chapter in ("ch02_dairy", "ch03_fruit", "ch04_salmon", "ch05_furniture", "ch08_trade"):
        assert f"chapters/{chapter}" not in pages
    assert {"chapters/regression", "chapters/table93", "chapters/ch09_synthesis"} <= set(pages)
    # and a case-study table re-executes its own chapter (and the audit), not the statistics
    assert _dependents("data/chapters/table_5_2.csv") == ["chapters/audit", "chapters/ch05_furniture"]


def test_every_page_declares_its_inputs():
    """Each of the book's pages lists its data in chapters/runs.yml (no catch-all data/**)."""
    for r in b.read_runs():
        assert r.inputs and b.DEFAULT_INPUTS[0] not in r.inputs, r.output


def test_a_read_outside_the_declared_inputs_is_named():
    run = b.Run("chapters/ch02_dairy.md", "chapters/ch02_dairy", inputs=["data/chapters/table_2_1.csv"])
    assert b.undeclared_reads(run, ["data/chapters/table_2_1.csv", "data/cases.csv", "data/labels.csv"]) == [
        "data/cases.csv"]
    assert b.unused_inputs(run, []) == ["data/chapters/table_2_1.csv"]


def test_pages_read_exactly_what_they_declare(site):
    """On the shared clean build: each page read every file it declares and nothing else
    (the build itself stops on an undeclared read; this catches declarations that are too wide)."""
    import json
    cache = site.parent / "cache"
    wide = {}
    for r in b.read_runs():
        key = b.fingerprint(json.loads((cache / "last" / f"{r.slug}.json").read_text()))  # as built
        reads = json.loads((cache / key / b.READS_FILE).read_text())
        assert b.undeclared_reads(r, reads) == [], r.output
        if b.unused_inputs(r, reads):
            wide[r.output] = b.unused_inputs(r, reads)
    assert not wide, wide


def test_the_page_is_told_its_notebook_in_its_first_cell(tmp_path):
    """No environment variable: the build's first (recorder) cell names the source notebook,
    and figure captions name it from there."""
    import nbformat
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from analysis.report import present

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    b.record_reads(nb, tmp_path, "chapters/regression.md")
    first = nb.cells[0].source
    exec(compile(first.split("\n", 2)[2], "<first cell>", "exec"), {})  # the set_notebook part only
    try:
        # a figure of our own, not through pyplot: closing pyplot's figures would also close the
        # figures other code keeps open (the case pages draw each sector's figure once)
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.add_subplot().plot([0, 1])
        assert "Notebook: `chapters/regression.md`" in present.Page("t", root=tmp_path).figure(fig, "f", "A caption.", "alt")
        present.set_notebook("")
        assert "Notebook:" not in present.Page("t2", root=tmp_path).figure(fig, "g", "A caption.", "alt")
    finally:
        present.set_notebook("")


def test_pages_outside_the_toc_are_not_staged_except_case_pages(tmp_path):
    """A smaller book's toc leaves out pages the full book stages (intro.md links pages the
    small book lacks); they are removed, while the orphan case pages stay."""
    for rel in ("intro.md", "tiny.ipynb", "chapters/cases/index.md", "chapters/cases/a-case.md",
                "chapters/audit.ipynb", "_static/x.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    removed = b.prune_outside_toc(tmp_path, {"format": "jb-book", "root": "tiny",
                                             "chapters": [{"file": "chapters/cases/index"}]})
    assert removed == ["chapters/audit", "intro"]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["_static/x.md", "chapters/cases/a-case.md", "chapters/cases/index.md", "tiny.ipynb"]


def test_the_books_table_of_contents_is_the_same_in_every_edition():
    """Adding the first case must not change the toc: sphinx-external-toc keeps it in Sphinx's
    configuration, and a changed one makes Sphinx read every page again (issue 15)."""
    import pandas as pd

    base = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    runs = b.read_runs()
    assert b.EXTENDED_PAGE in {r.output for r in runs} and b.EXTENDED_PAGE in b.toc_pages(base)
    cases = pd.DataFrame({"sector": ["traditional"]})
    extended = b.extended_runs([b.Run(r.source, r.output, dict(r.parameters), r.title, list(r.inputs),
                                      list(r.extended_inputs)) for r in runs], "_build/cases/x", cases)
    assert b.extended_toc(base, extended) == base
    assert [r.output for r in extended].count(b.EXTENDED_PAGE) == 1
    page = next(r for r in extended if r.output == b.EXTENDED_PAGE)
    assert page.parameters["cases_dir"] == "_build/cases/x" and "_build/cases/x/*" in page.inputs
    # a smaller book without the page is given it, with the cases
    small = b.extended_runs([next(r for r in b.read_runs() if r.output == "chapters/ch01_cases")],
                            "_build/cases/x", cases)
    assert [r.output for r in small][-1] == b.EXTENDED_PAGE
    toc = b.extended_toc({"format": "jb-book", "root": "intro"}, small)
    assert b.EXTENDED_PAGE in b.toc_pages(toc)


def test_pages_start_longest_first_by_their_last_execution(tmp_path):
    runs = [b.Run(f"chapters/{n}.md", f"chapters/{n}", {}, None, []) for n in ("a", "b", "c", "d")]
    durations = {"chapters/a": 1.0, "chapters/b": 30.0, "chapters/c": 5.0}
    assert [r.output for r in b.longest_first(runs, durations)] == [
        "chapters/d", "chapters/b", "chapters/c", "chapters/a"]  # d never timed: first
    assert [r.output for r in b.longest_first(runs, {})] == [r.output for r in runs]  # first build: file order
    assert b.read_durations(tmp_path) == {}
    (tmp_path / b.DURATIONS_FILE).write_text("not json")
    assert b.read_durations(tmp_path) == {}
    (tmp_path / b.DURATIONS_FILE).write_text('{"chapters/a": 2.5}')
    assert b.read_durations(tmp_path) == {"chapters/a": 2.5}
