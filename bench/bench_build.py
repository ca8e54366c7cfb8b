"""Benchmark of the book build (a script, not a test): ``make bench-build``.

Measures, on this machine and in one run, each in its own temporary folder:

(a) clean build        ``build(runs, use_cache=False)`` in a fresh workdir
(b) no-change rebuild  the same call again in the same workdir (cache on)
(c) add one case       the same workdir, with ``cases_dir=`` a copy of cases/examples/
(d) naive alternative  one ``jupyter-book build`` with ``execute_notebooks: force`` over
                       the same pages (notebooks converted with jupytext, parameters
                       written into each run's parameters cell)
(e) floor              all chapter code run as plain Python in one interpreter (parameters
                       applied, each run in its own folder), plus one Sphinx pass with
                       execution off over the already-executed notebooks of (a)

and prints the seconds and the ratios against their targets:
no-change/clean <= 5%, clean/naive <= 0.5, clean/floor <= 2, add-one/clean <= 50%.

    python bench/bench_build.py [--jobs 2] [--json results.json] [--keep]

Build logs go to a log file in the temporary folder (its path is printed).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from analysis.paths import ROOT  # noqa: E402

from analysis.book import build as b  # noqa: E402

TARGETS = [  # (name, numerator, denominator, limit)
    ("no-change / clean", "nochange", "clean", 0.05),
    ("clean / naive", "clean", "naive", 0.5),
    ("clean / floor", "clean", "floor", 2.0),
    ("add-one / clean", "add_one", "clean", 0.5),
]


@contextlib.contextmanager
def logged(log: Path):
    """Send stdout and stderr (also of child processes) to ``log`` while the block runs."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "a") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            with contextlib.redirect_stdout(sys.__stdout__):
                yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def say(msg: str) -> None:
    print(msg, flush=True)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ---------------------------------------------------------------- helpers for (d) and (e)

def run_notebook(run: b.Run):
    """The run's notebook (jupytext) with its title set and its parameters written into
    the parameters cell, as papermill would inject them."""
    import jupytext

    nb = jupytext.read(ROOT / run.source)
    if run.title:
        b.set_title(nb, run.title)
    if run.parameters:
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source += "\n# parameters of this run\n" + "\n".join(f"{k} = {v!r}" for k, v in run.parameters.items())
    return nb


def copy_static(dest: Path) -> None:
    for item in b.STATIC_FILES:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, dest / item)


def citation_page(dest: Path, runs: list[b.Run], cache_dir: Path) -> None:
    """how_to_cite.md as the build writes it (from the manifests of the executed runs)."""
    from analysis.book.citation import write_citation_page

    keys = {r.output: b.fingerprint(b.input_hashes(r)) for r in runs}
    write_citation_page(dest, b.collect_manifests(cache_dir, keys, runs))


def jupyter_book(book: Path, strict: bool) -> subprocess.CompletedProcess:
    jb = Path(sys.executable).parent / "jupyter-book"
    args = [str(jb), "build", str(book), "--path-output", str(book / "_out")]
    args += ["-W", "-n", "--keep-going"] if strict else ["-n", "--keep-going"]
    return subprocess.run(args, capture_output=True, text=True)


def naive_build(tmp: Path, runs: list[b.Run], cache_dir: Path) -> float:
    """(d): jupyter-book executes every notebook itself (execute_notebooks: force)."""
    import jupytext

    book = tmp / "naive"
    book.mkdir()
    copy_static(book)
    for r in runs:
        out = book / f"{r.output}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(run_notebook(r), out)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {}).update(execute_notebooks="force", timeout=1800)
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    citation_page(book, runs, cache_dir)  # the page the build generates; same content here
    t0 = time.perf_counter()
    proc = jupyter_book(book, strict=False)
    secs = time.perf_counter() - t0
    if proc.returncode != 0 or not (book / "_out" / "_build" / "html" / "index.html").exists():
        raise RuntimeError("naive jupyter-book build failed:\n" + "\n".join((proc.stdout + proc.stderr).splitlines()[-30:]))
    return secs


def floor_build(tmp: Path, runs: list[b.Run], cache_dir: Path) -> tuple[float, float]:
    """(e): the chapter code as plain Python in this interpreter, then one Sphinx pass
    (execution off) over the executed notebooks of the clean build. Returns (code, sphinx) seconds."""
    import matplotlib

    matplotlib.use("Agg")
    code_dir = tmp / "floor-code"
    scripts = []
    for r in runs:
        nb = run_notebook(r)
        lines = []
        for c in nb.cells:
            if c.cell_type == "code":
                lines += [ln for ln in c.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        scripts.append((r, "\n".join(lines)))
    here = os.getcwd()
    t0 = time.perf_counter()
    try:
        for r, code in scripts:
            cwd = code_dir / Path(r.output).parent
            cwd.mkdir(parents=True, exist_ok=True)
            os.chdir(cwd)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, f"<{r.output}>", "exec"), {"__name__": "__main__"})
            import matplotlib.pyplot as plt
            plt.close("all")
    finally:
        os.chdir(here)
    code_secs = time.perf_counter() - t0

    book = tmp / "floor-book"
    book.mkdir()
    copy_static(book)
    for r in runs:
        entry = cache_dir / b.fingerprint(b.input_hashes(r))
        out = book / f"{r.output}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(entry / "notebook.ipynb", out)
        if (entry / "downloads").exists():
            shutil.copytree(entry / "downloads", out.parent / "downloads", dirs_exist_ok=True)
    citation_page(book, runs, cache_dir)
    t0 = time.perf_counter()
    proc = jupyter_book(book, strict=True)
    sphinx_secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError("floor Sphinx pass failed:\n" + "\n".join((proc.stdout + proc.stderr).splitlines()[-30:]))
    return code_secs, sphinx_secs


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="notebooks executed in parallel by the build")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
    log = tmp / "bench.log"
    say(f"bench-build: {os.cpu_count()} cores, jobs={args.jobs}; logs in {log}")
    runs = b.read_runs
    work = tmp / "work"
    res: dict[str, float | None] = {}
    notes: list[str] = []
    try:
        with logged(log):
            res["clean"] = timed(lambda: b.build(runs(), jobs=args.jobs, workdir=work, use_cache=False))
        say(f"(a) clean build                  {res['clean']:7.1f} s")
        with logged(log):
            res["nochange"] = timed(lambda: b.build(runs(), jobs=args.jobs, workdir=work))
        say(f"(b) no-change rebuild            {res['nochange']:7.1f} s")

        cases = tmp / "new-cases"
        shutil.copytree(ROOT / "cases" / "examples", cases)
        try:
            with logged(log):
                res["add_one"] = timed(lambda: b.build(runs(), jobs=args.jobs, workdir=work, cases_dir=cases))
            say(f"(c) rebuild after adding 1 case  {res['add_one']:7.1f} s")
        except Exception as exc:  # the build may not take new cases yet
            res["add_one"] = None
            notes.append(f"(c) skipped: build(cases_dir=...) raised {type(exc).__name__}: {str(exc)[:200]}")
            say(notes[-1])

        cache_dir = work / "cache"
        with logged(log):
            res["naive"] = naive_build(tmp, runs(), cache_dir)
        say(f"(d) naive jupyter-book (force)   {res['naive']:7.1f} s")
        with logged(log):
            code_secs, sphinx_secs = floor_build(tmp, runs(), cache_dir)
        res["floor"] = code_secs + sphinx_secs
        res["floor_code"], res["floor_sphinx"] = code_secs, sphinx_secs
        say(f"(e) floor: code {code_secs:.1f} s + Sphinx {sphinx_secs:.1f} s = {res['floor']:7.1f} s")
    except Exception:
        say(f"bench-build failed; see {log}")
        raise
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    say("")
    say(f"{'ratio':<20} {'value':>8} {'target':>8}  ok")
    ratios = {}
    for name, num, den, limit in TARGETS:
        if res.get(num) is None or not res.get(den):
            say(f"{name:<20} {'n/a':>8} {limit:>8.2f}  -")
            continue
        value = res[num] / res[den]
        ratios[name] = value
        say(f"{name:<20} {value:>8.3f} {limit:>8.2f}  {'yes' if value <= limit else 'NO'}")
    for n in notes:
        say(n)
    if args.json:
        args.json.write_text(json.dumps({"seconds": res, "ratios": ratios, "notes": notes,
                                         "cores": os.cpu_count(), "jobs": args.jobs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
