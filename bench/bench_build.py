"""Benchmark of the book build (a script, not a test): ``make bench-build``.

Measures, on this machine and in one run, each in its own temporary folder:

(a) clean build        ``build(runs, use_cache=False)`` in a fresh workdir: 16 notebook runs
                       (2 workers), the 40 published case pages (one execution), one Sphinx pass
(b) no-change rebuild  the same call again in the same workdir (cache on)
(c) add one case       the same workdir, with ``cases_dir=`` one synthetic case
(c2) edit one case     the same case file with its name and a score changed
(d) naive alternative  one ``jupyter-book build`` with ``execute_notebooks: force`` over the
                       same pages (notebooks converted with jupytext, parameters written into
                       each run's parameters cell; the case pages given to it ready-made)
(e) floor              all page code as plain Python in this one interpreter (every notebook's
                       code, each run in its own folder, and the case pages), plus one Sphinx
                       pass with execution off over the executed notebooks of (a)
(f) 20 / 200 new cases synthetic cases (bench/synthetic_cases.py) added to the warm published
                       book: total time, and the marginal cost per case between 20 and 200;
                       200 cases also as a clean build in a fresh workdir
(g) preview            ``make preview`` latency: save a case file, page rebuilt (warm process,
                       as in ``--watch``)

and prints every figure and ratio against its target (issue 15), the Sphinx share of each
build (where the time goes) and the peak memory (largest resident set of the build process
and its children).

    python bench/bench_build.py [--jobs 2] [--json results.json] [--keep] [--smoke]

``--smoke`` (CI): only (a) with the case pages alone and 20 synthetic cases on top.
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
    ("clean / floor", "clean", "floor", 1.2),
    ("add-one / clean", "add_one", "clean", 0.25),
    ("edit-one / clean", "edit_one", "clean", 0.25),
    ("200 cases clean / clean", "clean_200", "clean", 2.0),
]
LIMITS = {"marginal_per_case": 0.2, "preview": 10.0, "peak_rss_gb": 2.0}
SPHINX_TIMES: list[float] = []


def _timed_sphinx():
    """Record how long each build spends in Sphinx (where the time goes)."""
    original = b.sphinx_build

    def wrapper(*a, **kw):
        t0 = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            SPHINX_TIMES.append(time.perf_counter() - t0)

    b.sphinx_build = wrapper


def peak_rss_gb() -> float:
    import resource

    kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return kb / 1024 / 1024


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
            (dest / item).parent.mkdir(parents=True, exist_ok=True)  # e.g. chapters/judging_standard.md
            shutil.copy2(src, dest / item)


def citation_page(dest: Path, runs: list[b.Run], cache_dir: Path) -> None:
    """how_to_cite.md as the build writes it (from the manifests of the executed runs)."""
    from analysis.book.citation import write_citation_page

    keys = {r.output: b.fingerprint(b.input_hashes(r)) for r in runs}
    write_citation_page(dest, b.collect_manifests(cache_dir, keys, runs))


def case_pages(book: Path, cache_dir: Path | None = None) -> None:
    from analysis.book.casepages import write_case_pages

    write_case_pages(book, "", cache_dir, log=lambda m: None)


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
    case_pages(book, cache_dir)  # ready-made: the naive build is not charged for them
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
        from analysis.book import casepages

        casepages._BASE.clear()  # no warm data: the floor pays for loading it like the build
        case_pages(code_dir)
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
    shutil.copytree(code_dir / "chapters" / "cases", book / "chapters" / "cases")
    t0 = time.perf_counter()
    proc = jupyter_book(book, strict=True)
    sphinx_secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError("floor Sphinx pass failed:\n" + "\n".join((proc.stdout + proc.stderr).splitlines()[-30:]))
    return code_secs, sphinx_secs


# ---------------------------------------------------------------- main

def synthetic(n: int, dest: Path, offset: int = 0) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic_cases import write_cases

    shutil.rmtree(dest, ignore_errors=True)
    write_cases(n, dest, offset=offset)
    return dest


def preview_latency(tmp: Path) -> tuple[float, float]:
    """(first preview, rebuild after a save) in seconds, in one warm process as ``--watch`` is."""
    from analysis.book.preview import build_preview

    case = synthetic(1, tmp / "preview-case", offset=9000) / "synthetic_09000.yaml"
    pdir = tmp / "preview"
    t0 = time.perf_counter()
    build_preview(case, preview_dir=pdir)
    first = time.perf_counter() - t0
    text = case.read_text(encoding="utf-8").replace("Synthetic cluster 9000", "Synthetic cluster 9000 (edited)")
    case.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    page = build_preview(case, preview_dir=pdir)
    again = time.perf_counter() - t0
    assert "(edited)" in page.read_text(encoding="utf-8")
    return first, again


def smoke(tmp: Path) -> dict:
    """The CI smoke figures (also used by tests/test_build_smoke.py)."""
    main(["--smoke", "--json", str(tmp / "smoke.json")])
    return json.loads((tmp / "smoke.json").read_text())["seconds"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="notebooks executed in parallel by the build")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--smoke", action="store_true", help="CI: case pages only, 0 then 20 synthetic cases")
    ap.add_argument("--skip-naive", action="store_true", help="leave out (d) and (e)")
    ap.add_argument("--skip-clean-200", action="store_true", help="leave out the clean build with 200 cases")
    args = ap.parse_args(argv)
    _timed_sphinx()

    tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
    log = tmp / "bench.log"
    say(f"bench-build: {os.cpu_count()} cores, jobs={args.jobs}; logs in {log}")
    runs = b.read_runs
    work = tmp / "work"
    res: dict[str, float | None] = {}
    sphinx: dict[str, float] = {}
    notes: list[str] = []

    def step(name, fn):
        n0 = len(SPHINX_TIMES)
        with logged(log):
            res[name] = timed(fn)
        if len(SPHINX_TIMES) > n0:
            sphinx[name] = sum(SPHINX_TIMES[n0:])
        return res[name]

    try:
        if args.smoke:
            # a book of the case pages alone, the case index as root (the landing page glues numbers
            # from pages this book lacks); their links to the chapters cannot resolve, so Sphinx
            # warnings pass here (strict=False) and only here
            toc = {"format": "jb-book", "root": "chapters/cases/index"}  # the case pages are orphans
            kw = dict(jobs=1, workdir=work, toc=toc, strict=False)
            step("pages_only", lambda: b.build([], use_cache=False, **kw))
            step("plus_1", lambda: b.build([], cases_dir=synthetic(1, tmp / "c1"), **kw))
            step("plus_21", lambda: b.build([], cases_dir=synthetic(21, tmp / "c21"), **kw))
            res["marginal_per_case"] = (res["plus_21"] - res["plus_1"]) / 20
            say(f"case pages only (40 published): {res['pages_only']:.1f} s; 1 new case {res['plus_1']:.1f} s; "
                f"21 new cases {res['plus_21']:.1f} s: {res['marginal_per_case']:.2f} s a case "
                f"(goal <= {LIMITS['marginal_per_case']})")
        else:
            step("clean", lambda: b.build(runs(), jobs=args.jobs, workdir=work, use_cache=False))
            say(f"(a) clean build                  {res['clean']:7.1f} s  (Sphinx {sphinx.get('clean', 0):.1f} s)")
            step("nochange", lambda: b.build(runs(), jobs=args.jobs, workdir=work))
            say(f"(b) no-change rebuild            {res['nochange']:7.2f} s")
            one = synthetic(1, tmp / "one-case", offset=5000)
            step("add_one", lambda: b.build(runs(), jobs=args.jobs, workdir=work, cases_dir=one))
            say(f"(c) add one case                 {res['add_one']:7.1f} s  (Sphinx {sphinx.get('add_one', 0):.1f} s)")
            f = next(one.glob("*.yaml"))
            f.write_text(f.read_text(encoding="utf-8").replace("Synthetic cluster 5000", "Synthetic cluster 5000 edited"),
                         encoding="utf-8")
            step("edit_one", lambda: b.build(runs(), jobs=args.jobs, workdir=work, cases_dir=one))
            say(f"(c2) edit that case              {res['edit_one']:7.1f} s  (Sphinx {sphinx.get('edit_one', 0):.1f} s)")
            step("plus_20", lambda: b.build(runs(), jobs=args.jobs, workdir=work, cases_dir=synthetic(20, tmp / "c20")))
            say(f"(f) warm book + 20 new cases     {res['plus_20']:7.1f} s  (Sphinx {sphinx.get('plus_20', 0):.1f} s)")
            step("plus_200", lambda: b.build(runs(), jobs=args.jobs, workdir=work, cases_dir=synthetic(200, tmp / "c200")))
            say(f"(f) warm book + 200 new cases    {res['plus_200']:7.1f} s  (Sphinx {sphinx.get('plus_200', 0):.1f} s)")
            res["marginal_per_case"] = (res["plus_200"] - res["plus_20"]) / 180
            say(f"    marginal cost per case (20 -> 200): {res['marginal_per_case']:.3f} s")
            if not args.skip_clean_200:
                step("clean_200", lambda: b.build(runs(), jobs=args.jobs, workdir=tmp / "work200", use_cache=False,
                                                  cases_dir=tmp / "c200"))
            else:  # the whole build with 200 cases, estimated: clean published build + adding the 200
                res["clean_200"] = res["clean"] + res["plus_200"]
                notes.append("200 cases clean: estimated as clean + (warm book + 200 cases), not measured")
            say(f"(f) whole build with 200 cases   {res['clean_200']:7.1f} s  (Sphinx {sphinx.get('clean_200', 0):.1f} s)")
            res["est_1000"] = res["clean_200"] + 800 * res["marginal_per_case"]
            say(f"    1,000 cases estimated: {res['est_1000']:.0f} s (200-case build + 800 x marginal)")
            with logged(log):
                res["preview_first"], res["preview"] = preview_latency(tmp)
            say(f"(g) preview: first {res['preview_first']:.1f} s, after a save {res['preview']:.1f} s")
            if not args.skip_naive:
                cache_dir = work / "cache"
                # the build steps use the memo of their own workdir (emptied by the clean builds);
                # the naive and floor steps must not find draws left in the checkout's
                # _build/results, so they compute every draw, as the clean build does
                from analysis.stats import memo
                os.environ[memo.ENV] = "off"
                with logged(log):
                    res["naive"] = naive_build(tmp, runs(), cache_dir)
                say(f"(d) naive jupyter-book (force)   {res['naive']:7.1f} s")
                with logged(log):
                    code_secs, sphinx_secs = floor_build(tmp, runs(), cache_dir)
                res["floor"] = code_secs + sphinx_secs
                res["floor_code"], res["floor_sphinx"] = code_secs, sphinx_secs
                say(f"(e) floor: code {code_secs:.1f} s + Sphinx {sphinx_secs:.1f} s = {res['floor']:7.1f} s")
        res["peak_rss_gb"] = peak_rss_gb()
        say(f"peak memory (largest process): {res['peak_rss_gb']:.2f} GB")
    except Exception:
        say(f"bench-build failed; see {log}")
        raise
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    say("")
    say(f"{'ratio / figure':<26} {'value':>8} {'target':>8}  ok")
    ratios = {}
    for name, num, den, limit in TARGETS:
        if res.get(num) is None or not res.get(den):
            continue
        value = res[num] / res[den]
        ratios[name] = value
        say(f"{name:<26} {value:>8.3f} {limit:>8.2f}  {'yes' if value <= limit else 'NO'}")
    for name, limit in LIMITS.items():
        if res.get(name) is not None:
            say(f"{name:<26} {res[name]:>8.3f} {limit:>8.2f}  {'yes' if res[name] <= limit else 'NO'}")
    if res.get("est_1000") is not None:
        say(f"{'1,000 cases (s, est.)':<26} {res['est_1000']:>8.0f} {300:>8}  {'yes' if res['est_1000'] <= 300 else 'NO'}")
    say("Sphinx seconds per build: " + ", ".join(f"{k} {v:.1f}" for k, v in sphinx.items()))
    for n in notes:
        say(n)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"seconds": res, "ratios": ratios, "sphinx_seconds": sphinx, "notes": notes,
                                         "cores": os.cpu_count(), "jobs": args.jobs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
