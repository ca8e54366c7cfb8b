"""Build the book: execute every chapter notebook with papermill, then run
jupyter-book (Sphinx, execution off) over the executed notebooks.

    python -m analysis.build                     # the book as published
    python -m analysis.build --params my.yml     # parameters from a file
    python -m analysis.build --set chapters/sectors/traditional.sector=traditional

Flow: ``chapters/runs.yml`` lists the runs. Each run's parameters are checked
against the notebook's ``parameters`` cell (unknown name, wrong type or a value
outside the allowed list is an error before anything executes). Runs execute in
parallel; a run whose inputs (notebook text, parameters, data files, the
``analysis`` package, the locked requirements) are unchanged since a previous
build is taken from the cache. Executed notebooks and their downloads go into
a fresh staging folder; Sphinx builds HTML into a fresh folder; only when all
of that succeeded is ``_build/html`` replaced, so a failed build leaves the
last good book untouched.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STATIC_FILES = ["_config.yml", "_toc.yml", "intro.md", "references.bib", "_static"]


class BuildError(RuntimeError):
    """The build stopped; the message says where and why."""


@dataclass
class Run:
    source: str
    output: str
    parameters: dict = field(default_factory=dict)
    title: str | None = None

    @property
    def slug(self) -> str:
        return self.output.replace("/", "-")


def log(msg: str) -> None:
    print(f"[build {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- parameters

def read_runs(path: Path = ROOT / "chapters" / "runs.yml") -> list[Run]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Run(r["source"], r["output"], dict(r.get("parameters") or {}), r.get("title")) for r in spec["runs"]]


def declared_parameters(source: Path) -> dict[str, dict]:
    """Names, defaults and allowed values declared in a notebook's ``parameters`` cell.

    A trailing comment ``# one of: a, b, c`` restricts the allowed values.
    """
    import jupytext

    nb = jupytext.read(source)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise BuildError(f"{source}: needs exactly one cell tagged 'parameters', found {len(cells)}")
    out = {}
    for line in cells[0].source.splitlines():
        code, _, comment = line.partition("#")
        if "=" not in code:
            continue
        name, _, value = code.partition("=")
        name = name.split(":")[0].strip()
        default = ast.literal_eval(value.strip())
        allowed = None
        if "one of:" in comment:
            allowed = [a.strip() for a in comment.split("one of:")[1].split(",")]
        out[name] = {"default": default, "allowed": allowed}
    return out


def check_parameters(run: Run, declared: dict[str, dict]) -> list[str]:
    """Problems with ``run.parameters`` (empty when all is well)."""
    problems = []
    for name, value in run.parameters.items():
        if name not in declared:
            problems.append(f"{run.output}: unknown parameter {name!r} (declared: {', '.join(declared) or 'none'})")
            continue
        default, allowed = declared[name]["default"], declared[name]["allowed"]
        ok_type = isinstance(value, type(default)) or (isinstance(default, float) and isinstance(value, int)
                                                       and not isinstance(value, bool))
        if isinstance(default, bool) != isinstance(value, bool):
            ok_type = False
        if not ok_type:
            problems.append(f"{run.output}: parameter {name!r} must be {type(default).__name__}, "
                            f"got {type(value).__name__} {value!r}")
        elif allowed is not None and str(value) not in allowed:
            problems.append(f"{run.output}: parameter {name!r} = {value!r} not allowed (one of: {', '.join(allowed)})")
    return problems


def parse_set(items: list[str]) -> dict[str, dict]:
    """``--set OUTPUT.NAME=VALUE`` options into {output: {name: value}} (values read as YAML)."""
    out: dict[str, dict] = {}
    for item in items:
        target, sep, value = item.partition("=")
        if not sep or "." not in target:
            raise BuildError(f"--set {item!r}: expected OUTPUT.NAME=VALUE, e.g. chapters/audit.show_all=true")
        output, _, name = target.rpartition(".")
        out.setdefault(output, {})[name] = yaml.safe_load(value)
    return out


def apply_overrides(runs: list[Run], overrides: dict[str, dict]) -> None:
    known = {r.output for r in runs}
    for output, params in overrides.items():
        if output != "*" and output not in known:
            raise BuildError(f"parameter override for unknown page {output!r} (pages: {', '.join(sorted(known))})")
        for r in runs:
            if output in ("*", r.output):
                r.parameters.update(params)


# ---------------------------------------------------------------- caching

def _hash_tree(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        files = sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def input_fingerprint(run: Run, shared: str) -> str:
    """Cache key of one run: its notebook text and parameters plus the shared inputs."""
    h = hashlib.sha256()
    h.update((ROOT / run.source).read_bytes())
    h.update(json.dumps([run.parameters, run.title], sort_keys=True).encode())
    h.update(shared.encode())
    return h.hexdigest()[:20]


def shared_fingerprint(extra_dirs: list[Path]) -> str:
    return _hash_tree([ROOT / "data", ROOT / "analysis", ROOT / "requirements.txt", *extra_dirs])


# ---------------------------------------------------------------- execution

def set_title(nb, title: str) -> None:
    """Give a notebook run its own page title (one source serves several pages)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            for i, line in enumerate(lines):
                if line.startswith("# "):
                    lines[i] = f"# {title}"
                    cell.source = "\n".join(lines)
                    return
    raise BuildError("notebook has no '# ' title to replace")


def execute_run(run: Run, stage: Path, cache_dir: Path, key: str) -> tuple[str, float, bool]:
    """Execute one run into ``stage`` (or restore it from the cache). Returns (output, seconds, cached)."""
    import jupytext
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    t0 = time.perf_counter()
    out_nb = stage / f"{run.output}.ipynb"
    out_dir = out_nb.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    downloads = out_dir / "downloads"
    entry = cache_dir / key
    if (entry / "notebook.ipynb").exists():
        shutil.copy2(entry / "notebook.ipynb", out_nb)
        if (entry / "downloads").exists():
            shutil.copytree(entry / "downloads", downloads, dirs_exist_ok=True)
        return run.output, time.perf_counter() - t0, True
    work = cache_dir / f"{key}.tmp-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "downloads").mkdir(parents=True)
    src_nb = work / "source.ipynb"
    nb = jupytext.read(ROOT / run.source)
    if run.title:
        set_title(nb, run.title)
    jupytext.write(nb, src_nb)
    try:
        pm.execute_notebook(str(src_nb), str(work / "notebook.ipynb"), parameters=run.parameters,
                            kernel_name="python3", cwd=str(work), progress_bar=False,
                            request_save_on_cell_execute=False)
    except PapermillExecutionError as exc:
        raise BuildError(f"{run.source} (page {run.output}) failed in cell {exc.exec_count or exc.cell_index}: "
                         f"{exc.ename}: {exc.evalue}") from None
    (work / "source.ipynb").unlink()
    shutil.rmtree(entry, ignore_errors=True)
    work.rename(entry)
    return execute_run(run, stage, cache_dir, key)[0], time.perf_counter() - t0, False


def build(runs: list[Run], jobs: int = 2, cases_dir: Path | None = None, out: Path | None = None,
          use_cache: bool = True, workdir: Path = BUILD) -> Path:
    """Execute all runs and build the HTML book into ``out`` (replaced only on success).

    ``workdir`` holds the cache and the temporary staging folders (default ``_build``).
    """
    out = workdir / "html" if out is None else out
    t_start = time.perf_counter()
    problems = []
    for run in runs:
        declared = declared_parameters(ROOT / run.source)
        problems += check_parameters(run, declared)
    if problems:
        raise BuildError("invalid parameters:\n  " + "\n  ".join(problems))
    if cases_dir is not None:
        from .newcases import load_new_cases  # validation before any notebook runs
        from .data import load_book_data
        load_new_cases(cases_dir, set(load_book_data().cases["case_id"]))
    workdir.mkdir(parents=True, exist_ok=True)
    cache_dir = workdir / "cache"
    cache_dir.mkdir(exist_ok=True)
    stage = workdir / f"stage-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    shared = shared_fingerprint([cases_dir] if cases_dir else [])
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    try:
        for item in STATIC_FILES:
            src = ROOT / item
            if src.is_dir():
                shutil.copytree(src, stage / item)
            elif src.exists():
                shutil.copy2(src, stage / item)
        keys = {r.output: input_fingerprint(r, shared) for r in runs}
        if not use_cache:
            for k in keys.values():
                shutil.rmtree(cache_dir / k, ignore_errors=True)
        log(f"executing {len(runs)} notebooks with {jobs} worker(s)")
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(execute_run, r, stage, cache_dir, keys[r.output]): r for r in runs}
            for i, fut in enumerate(as_completed(futures), 1):
                try:
                    output, secs, cached = fut.result()
                except BuildError:
                    for f in futures:
                        f.cancel()
                    raise
                why = "inputs unchanged, taken from cache" if cached else "executed (new or changed inputs)"
                log(f"[{i}/{len(runs)}] {output}: {why} ({secs:.1f}s)")
        log("building HTML with jupyter-book (warnings are errors)")
        html_new = out.with_name(f"{out.name}.new-{os.getpid()}")
        shutil.rmtree(html_new, ignore_errors=True)
        jb = Path(sys.executable).parent / "jupyter-book"
        proc = subprocess.run([str(jb), "build", str(stage), "--path-output", str(stage / "_out"),
                               "-W", "-n", "--keep-going"], capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
            raise BuildError(f"jupyter-book build failed (exit {proc.returncode}):\n{tail}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(stage / "_out" / "_build" / "html"), str(html_new))
        _swap_in(html_new, out)
        log(f"book ready: {out / 'index.html'} ({time.perf_counter() - t_start:.1f}s)")
        return out
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        for leftover in out.parent.glob(f"{out.name}.new-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new`` with two renames (the old book stays until the new one is complete)."""
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m analysis.build", description=__doc__.split("\n\n")[0])
    ap.add_argument("--params", type=Path, help="YAML file {page: {parameter: value}} ('*' = every page)")
    ap.add_argument("--set", action="append", default=[], metavar="PAGE.NAME=VALUE", help="override one parameter")
    ap.add_argument("--cases", type=Path, help="directory of new case files to add to the book")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks executed in parallel")
    ap.add_argument("--no-cache", action="store_true", help="re-execute every notebook")
    ap.add_argument("--out", type=Path, default=None, help="where the HTML book goes (default _build/html)")
    args = ap.parse_args(argv)
    try:
        runs = read_runs()
        if args.params:
            apply_overrides(runs, yaml.safe_load(args.params.read_text(encoding="utf-8")) or {})
        apply_overrides(runs, parse_set(args.set))
        build(runs, jobs=args.jobs, cases_dir=args.cases, out=args.out, use_cache=not args.no_cache)
    except BuildError as exc:
        print(f"BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # validation errors from data loading, bad case files...
        print(f"BUILD FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
