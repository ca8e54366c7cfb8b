"""Build the book: execute every chapter notebook with papermill, then run
jupyter-book (Sphinx, execution off) over the executed notebooks.

    python -m analysis.book                     # the book as published
    python -m analysis.book --cases my_cases/   # extended edition with new cases
    python -m analysis.book --params my.yml     # parameters from a file
    python -m analysis.book --set chapters/ch01_cases.show_all_reconciliation=true

Flow: ``chapters/runs.yml`` lists the runs. Each run's parameters are checked
against the notebook's ``parameters`` cell (unknown name, wrong type or a value
outside the allowed list is an error before anything executes); new case files
are validated before anything executes too. Runs execute in parallel; a run
whose inputs (notebook text, parameters, the data files it declares, the
``analysis`` package, the locked requirements) are unchanged since a previous
build is taken from the cache, and the build says why each run re-ran or was
skipped. Executed notebooks and their downloads go into a fresh staging
folder; Sphinx builds HTML into a fresh folder; only when all of that
succeeded is the HTML folder replaced, so a failed build leaves the last good
book untouched.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import functools
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from analysis.paths import BUILD_DIR as BUILD, ROOT
from analysis.book import pysource

STATIC_FILES = ["_config.yml", "_toc.yml", "intro.md", "bibliography.md", "references.bib", "_static",
                "chapters/judging_standard.md"]
# Inputs every run depends on besides its own notebook, parameters and the
# analysis modules it imports (found by reading the imports, see analysis_modules):
# the locked requirements, and the labels every page shows (analysis.vocab reads them).
COMMON_INPUTS = ["requirements.txt", "data/labels.csv"]
#: notebook parameters that name a file the page reads (it joins the page's inputs)
FILE_PARAMETERS = ("series_file",)
# Data a run reads unless runs.yml narrows it: all of data/ (a stale page is worse than a re-run).
DEFAULT_INPUTS = ["data/**/*"]
#: the page that lists the new cases of an extended edition (and says how to add them)
EXTENDED_PAGE = "chapters/extended"
STAMP_PACKAGES = ["pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "pandera", "papermill", "jupyter-book"]


class BuildError(RuntimeError):
    """The build stopped; the message says where and why."""


@dataclass
class Run:
    source: str
    output: str
    parameters: dict = field(default_factory=dict)
    title: str | None = None
    inputs: list[str] = field(default_factory=lambda: list(DEFAULT_INPUTS))
    #: files the page reads only when it is given new cases (the extended edition)
    extended_inputs: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.output.replace("/", "-")


def log(msg: str) -> None:
    print(f"[build {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- parameters

def read_runs(path: Path = ROOT / "chapters" / "runs.yml") -> list[Run]:
    """The runs of ``chapters/runs.yml``."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Run(r["source"], r["output"], dict(r.get("parameters") or {}), r.get("title"),
                list(r.get("inputs") or DEFAULT_INPUTS), list(r.get("extended_inputs") or []))
            for r in spec["runs"]]


def declared_parameters(source: Path) -> dict[str, dict]:
    """Names, defaults and allowed values declared in a notebook's ``parameters`` cell.

    papermill's own reader (``inspect_notebook``) finds the names, defaults and the comment
    after each; a comment ``# one of: a, b, c`` restricts the allowed values.
    """
    st = Path(source).stat()
    # a build asks twice per page (edition, parameter check); the answer is kept per file version
    return copy.deepcopy(_declared_parameters(Path(source), st.st_mtime_ns, st.st_size))


@functools.lru_cache(maxsize=None)
def _declared_parameters(source: Path, mtime_ns: int, size: int) -> dict[str, dict]:
    import tempfile

    import jupytext
    import nbformat
    import papermill

    nb = jupytext.read(source)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise BuildError(f"{source}: needs exactly one cell tagged 'parameters', found {len(cells)}")
    with tempfile.TemporaryDirectory() as tmp:  # inspect_notebook reads .ipynb files only
        path = Path(tmp) / "notebook.ipynb"
        nbformat.write(nb, path)
        found = papermill.inspect_notebook(str(path))
    out = {}
    for name, spec in found.items():
        help_text = spec.get("help") or ""
        allowed = ([a.strip() for a in help_text.split("one of:")[1].split(",")]
                   if "one of:" in help_text else None)
        out[name] = {"default": ast.literal_eval(spec["default"]), "allowed": allowed}
    return out


def check_parameters(run: Run, declared: dict[str, dict]) -> list[str]:
    """Problems with ``run.parameters`` (empty when all is well)."""
    problems = []
    for name, value in run.parameters.items():
        if name not in declared:
            problems.append(f"{run.output}: unknown parameter {name!r} (declared: {', '.join(declared) or 'none'})")
            continue
        default, allowed = declared[name]["default"], declared[name]["allowed"]
        ok_type = isinstance(value, type(default)) or (isinstance(default, float) and isinstance(value, int))
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
            raise BuildError(f"--set {item!r}: expected OUTPUT.NAME=VALUE, e.g. chapters/audit.strict=false")
        output, _, name = target.rpartition(".")
        out.setdefault(output, {})[name] = yaml.safe_load(value)
    return out


def apply_overrides(runs: list[Run], overrides: dict[str, dict]) -> None:
    """Merge parameter overrides ({page or '*': {name: value}}) into the runs."""
    known = {r.output for r in runs}
    for output, params in overrides.items():
        if output != "*" and output not in known:
            raise BuildError(f"parameter override for unknown page {output!r} (pages: {', '.join(sorted(known))})")
        for r in runs:
            if output in ("*", r.output):
                r.parameters.update(params)


# ---------------------------------------------------------------- new cases

def prepare_cases(cases_dir: Path) -> tuple[str, "object"]:
    """Validate a directory of new case files and copy it inside the project.

    Returns the project-relative path of the copy (what notebooks receive as
    ``cases_dir``) and the validated cases. The copy keeps notebook parameters
    pointing inside the project whatever directory the user named.
    """
    from analysis.io.data import load_book_data
    from analysis.io.newcases import CaseValidationError, case_files, load_new_cases

    cases_dir = Path(cases_dir)
    if not cases_dir.is_dir():
        raise BuildError(f"--cases {cases_dir}: not a directory")
    cases = load_new_cases(cases_dir, set(load_book_data().cases["case_id"]))
    # exactly the files the validator read (no links, no templates): the copy is what pages see,
    # and its folder name is a digest of names and bytes, so the same cases from any
    # directory give the same pages
    problems = []
    files = case_files(cases_dir, problems)
    if problems:
        raise CaseValidationError(problems)
    digest = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()[:12]
    dest = BUILD / "cases" / digest
    if not dest.exists():
        tmp = dest.with_name(digest + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for p in files:
            shutil.copy2(p, tmp / p.name)
        tmp.rename(dest)
    return dest.relative_to(ROOT).as_posix(), cases


def extended_runs(runs: list[Run], cases_rel: str, cases) -> list[Run]:
    """Pass ``cases_dir`` to every run that declares it, the page of new cases included (a
    smaller book given cases without that page gets it, as chapters/runs.yml declares it)."""
    if not any(r.output == EXTENDED_PAGE for r in runs):
        runs = runs + [r for r in read_runs() if r.output == EXTENDED_PAGE]
    new_sectors = set(cases["sector"])
    for r in runs:
        declared = declared_parameters(ROOT / r.source)
        if "sector" in r.parameters and r.parameters["sector"] not in new_sectors:
            continue  # a sector page without new cases is unchanged: keep it cached
        if "cases_dir" in declared:
            r.parameters.setdefault("cases_dir", cases_rel)
            r.inputs += [f"{cases_rel}/*", *r.extended_inputs]
        if "case_set" in declared:
            r.parameters.setdefault("case_set", "extended")  # show the side-by-side unless the user chose otherwise
    # the new cases' own pages are not runs: analysis.book.casepages writes them (with the
    # published cases' pages) in the build process, one execution for all
    return runs


DURATIONS_FILE = "durations.json"  # seconds each page took when it last executed
CASE_PAGES_JOB = "(case pages)"  # the durations' key of the case pages' job


def _write_case_pages(stage: Path, cases_rel: str, cache_dir: Path) -> float:
    """Every case page and the case index (:mod:`analysis.book.casepages`), run in a worker
    process; returns the seconds it took."""
    from analysis.book.casepages import write_case_pages

    t0 = time.perf_counter()
    write_case_pages(stage, cases_rel, cache_dir, log=log)
    return time.perf_counter() - t0


def read_durations(cache_dir: Path) -> dict[str, float]:
    """How long each page took to execute last time (empty before the first build)."""
    f = cache_dir / DURATIONS_FILE
    try:
        return {str(k): float(v) for k, v in json.loads(f.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def longest_first(runs: list[Run], durations: dict[str, float]) -> list[Run]:
    """The runs in the order the worker pool should start them: the longest (by their last
    execution) first, pages never timed before ahead of all (they may be long), ties in
    ``runs.yml`` order. Started in file order, the two slowest pages (regression, Table 9.3)
    came last and one worker ran them alone; longest first keeps both workers busy to the end
    (a page taken from the cache costs nothing wherever it is)."""
    return sorted(runs, key=lambda r: -durations.get(r.output, float("inf")))


def toc_pages(toc: dict) -> set[str]:
    """Every page a jupyter-book table of contents names (root, files, sections), no suffix."""
    found = {str(toc.get("root", ""))}

    def walk(items):
        for it in items or []:
            if "file" in it:
                found.add(str(it["file"]))
            walk(it.get("sections"))
            walk(it.get("chapters"))
    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return {Path(f).with_suffix("").as_posix() for f in found if f}


def prune_outside_toc(stage: Path, toc: dict) -> list[str]:
    """Remove the staged pages the table of contents does not name, except the case pages.

    The case pages (``chapters/cases/``) are orphan pages linked from the case index
    (``orphan: true``), so Sphinx must read pages that are not in the toc; a page staged for
    the full book but left out of a smaller one (a test book, the benchmark's) would then be
    read too, with links to pages that book lacks."""
    keep = toc_pages(toc)
    removed = []
    for f in sorted(stage.rglob("*")):
        rel = f.relative_to(stage)
        if f.suffix not in (".md", ".ipynb") or not f.is_file() or rel.parts[0].startswith("_"):
            continue
        doc = rel.with_suffix("").as_posix()
        if doc not in keep and not doc.startswith("chapters/cases/"):
            f.unlink()
            removed.append(doc)
    return removed


def extended_toc(base: dict, runs: list[Run]) -> dict:
    """The table of contents with the page of new cases, for a book whose toc lacks it.

    The book's own ``_toc.yml`` names that page in every edition (in the published one it
    says how to add cases), so the table of contents, which sphinx-external-toc keeps in
    Sphinx's configuration, is the same with and without new cases: a changed one would make
    Sphinx read every page again when the first case is added."""
    pages = [r.output for r in runs if r.output == EXTENDED_PAGE]
    if not pages or EXTENDED_PAGE in toc_pages(base):
        return base
    toc = json.loads(json.dumps(base))
    # the case pages are orphan pages linked from the case index (analysis.book.casepages),
    # so adding a case does not change the table of contents (and Sphinx re-reads only it)
    if "parts" in toc:
        toc["parts"].append({"caption": "Extended edition (new cases)",
                             "chapters": [{"file": p} for p in pages]})
    else:  # a small book without parts (tests, the benchmark's smoke book)
        toc.setdefault("chapters", []).extend({"file": p} for p in pages)
    return toc


# ---------------------------------------------------------------- caching

@functools.lru_cache(maxsize=None)
def _notebook_code(source: Path, mtime_ns: int, size: int) -> str:
    """A notebook's code cells (shell and magic lines left out); cached by file version."""
    import jupytext

    nb = jupytext.read(source)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code" and not c.source.lstrip().startswith(("%", "!")))


def analysis_modules(source: Path) -> set[Path]:
    """Files of the analysis package a notebook imports, followed transitively."""
    st = Path(source).stat()
    todo, seen = list(pysource.imports(_notebook_code(Path(source), st.st_mtime_ns, st.st_size), "analysis")), set()
    while todo:
        name = todo.pop()
        path = pysource.module_file(name)
        if path is None or path in seen:
            continue
        seen.add(path)
        pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo += pysource.imports(path.read_text(encoding="utf-8"), pkg)
        parent = name.rpartition(".")[0]
        if parent:
            todo.append(parent)  # importing a submodule runs its package's __init__
    return seen


def input_files(run: Run) -> list[Path]:
    """Every file a run depends on, sorted: its notebook, the analysis modules it
    imports, the locked requirements and the data globs it declares."""
    files = {ROOT / run.source, *analysis_modules(ROOT / run.source)}
    for pattern in [*COMMON_INPUTS, *run.inputs]:
        full = pattern if Path(pattern).is_absolute() else str(ROOT / pattern)
        files.update(Path(p) for p in glob.glob(full, recursive=True)
                     if Path(p).is_file() and "__pycache__" not in Path(p).parts)
    return sorted(files)


def project_name(p: Path) -> str:
    """A file's name as the cache and the stamps record it: relative to the project when inside it."""
    return p.relative_to(ROOT).as_posix() if p.is_relative_to(ROOT) else p.as_posix()


def input_hashes(run: Run) -> dict[str, str]:
    """sha256 of each input file and of the parameters/title, keyed by a readable name."""
    out = {project_name(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in input_files(run)}
    out["(parameters)"] = hashlib.sha256(json.dumps([run.parameters, run.title], sort_keys=True).encode()).hexdigest()
    return out


def fingerprint(hashes: dict[str, str]) -> str:
    """Cache key: one hash over the per-input hashes."""
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:20]


def why_rerun(previous: dict[str, str] | None, current: dict[str, str]) -> str:
    """Human-readable reason a run executes, from its last recorded inputs."""
    if previous is None:
        return "first build of this page"
    changed = [k for k in current if k in previous and previous[k] != current[k]]
    added = [k for k in current if k not in previous]
    removed = [k for k in previous if k not in current]
    parts = []
    for label, names in (("changed", changed), ("new input", added), ("input gone", removed)):
        if names:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts) or "cache entry missing"


# ---------------------------------------------------------------- execution

def set_title(nb, title: str) -> None:
    """Give a notebook run its own page title (one source serves several pages).

    The title may come from a user's case file, so it goes through
    :func:`analysis.escape.myst`: shown exactly as written, never interpreted.
    """
    from analysis.escape import myst

    safe = myst(title)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            for i, line in enumerate(lines):
                if line.startswith("# "):
                    lines[i] = f"# {safe}"
                    cell.source = "\n".join(lines)
                    return
    raise BuildError("notebook has no '# ' title to replace")


def _quiet_kernel_manager():
    """A kernel manager on IPC sockets with its own socket folder: no TCP port to race for when
    several kernels start at once (issue 9 item 6), and the kernel's own log (start-up notices,
    the "KeyboardInterrupt caught in kernel" of its shutdown) goes to a file in the run's work
    folder instead of the build's terminal. Errors of a cell still reach the build through the
    kernel protocol (papermill raises them with the cell named)."""
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    class _Quiet(AsyncKernelManager):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("transport", "ipc")
            # a short private folder: Unix socket paths are limited to ~100 characters
            kwargs.setdefault("ip", os.path.join(tempfile.mkdtemp(prefix="uk-"), "k"))
            super().__init__(*args, **kwargs)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            log_path = Path(os.path.dirname(self.ip)) / "kernel.log"
            self._kernel_log = open(log_path, "ab")  # noqa: SIM115 - closed at cleanup
            kw["stdout"] = kw["stderr"] = self._kernel_log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart)
            if getattr(self, "_kernel_log", None):
                self._kernel_log.close()
            shutil.rmtree(os.path.dirname(self.ip), ignore_errors=True)

    return _Quiet


def __getattr__(name):  # QuietKernelManager is built on first use: jupyter_client loads only in workers
    if name == "QuietKernelManager":
        cls = _quiet_kernel_manager()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


#: one kernel per worker process, reused by the notebooks that worker executes (imports paid
#: once per worker, not once per notebook); UPGRADING_REUSE_KERNELS=0 starts one per notebook
REUSE_KERNELS = os.environ.get("UPGRADING_REUSE_KERNELS", "1") != "0"
_WORKER_KM = None


def _worker_kernel(work: Path, source: str):
    """This worker's kernel manager, its kernel made ready for the next notebook: user
    namespace cleared (``%reset -f``), figures closed, working folder and notebook name set.
    ``None`` (papermill starts a kernel of its own) when reuse is off; a new manager when
    the kernel has died."""
    global _WORKER_KM
    if not REUSE_KERNELS:
        return None
    km = _WORKER_KM
    if km is not None and km.has_kernel:
        from jupyter_core.utils import run_sync

        if not run_sync(km.is_alive)():
            km = None
    if km is None or not km.has_kernel:
        import atexit

        _WORKER_KM = km = __getattr__("QuietKernelManager")(kernel_name="python3")

        def _stop(km=km):
            from jupyter_core.utils import run_sync

            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)

        atexit.register(_stop)
        return km  # papermill starts it, in the run's folder
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(
            "%reset -f\nimport os as _o\n"
            f"_o.chdir({str(work)!r})\n"
            "import sys as _s\nif 'matplotlib.pyplot' in _s.modules: _s.modules['matplotlib.pyplot'].close('all')\n"
            "del _o, _s", timeout=60, store_history=False)
        if reply["content"]["status"] != "ok":
            raise BuildError(f"could not prepare the kernel for {source}: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()
    return km


def _renumber(nb_path: Path) -> None:
    """Execution counts from 1 in each notebook, as if its kernel were fresh (a reused
    kernel keeps counting), so a page does not depend on what ran before it."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    n = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            n += 1
            cell.execution_count = n
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = n
    nbformat.write(nb, nb_path)


#: marks the two cells the build adds around a page to record what it reads
RECORDER = "upgrading_reads"
READS_FILE = "reads.json"


def record_reads(nb, work: Path, source: str = "") -> None:
    """Add a first and a last cell that record the files the page reads (:mod:`analysis.book.reads`)
    into ``work/reads.json``; :func:`drop_recorder` removes them from the executed notebook.
    The first cell also tells the page which notebook it is executed from (``source``, named in
    its figure captions: :func:`analysis.report.present.set_notebook`), in the open rather than
    through an environment variable."""
    import nbformat

    def cell(code: str):
        c = nbformat.v4.new_code_cell(code)
        c.metadata.update({RECORDER: True, "tags": ["remove-cell"]})
        return c
    nb.cells.insert(0, cell(f"from analysis.book import reads as _reads\n_reads.start({str(ROOT)!r}, {str(work)!r})\n"
                            f"from analysis.report import present as _present\n_present.set_notebook({source!r})\n"
                            "del _present"))
    nb.cells.append(cell(f"_reads.dump({str(work / READS_FILE)!r})\ndel _reads"))


def drop_recorder(nb_path: Path) -> None:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    nb.cells = [c for c in nb.cells if not c.metadata.get(RECORDER)]
    nbformat.write(nb, nb_path)


def undeclared_reads(run: Run, reads: list[str]) -> list[str]:
    """Files the page read that are not among its inputs (``inputs`` in ``chapters/runs.yml``)."""
    declared = {project_name(p) for p in input_files(run)}
    return sorted(f for f in reads if f not in declared)


def unused_inputs(run: Run, reads: list[str]) -> list[str]:
    """Declared data files the page did not read (a declaration wider than the page's use)."""
    data = {project_name(p) for p in input_files(run)} - {project_name(p) for p in analysis_modules(ROOT / run.source)}
    data -= {run.source, *COMMON_INPUTS}
    return sorted(f for f in data if f not in set(reads))


def is_cached(cache_dir: Path, key: str) -> bool:
    """Whether a page's executed notebook and its read record are in the cache."""
    return (cache_dir / key / "notebook.ipynb").exists() and (cache_dir / key / READS_FILE).exists()


def execute_run(run: Run, stage: Path, cache_dir: Path, key: str) -> tuple[str, float, bool]:
    """Execute one run into ``stage`` (or restore it from the cache). Returns (output, seconds, cached)."""
    import jupytext
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    t0 = time.perf_counter()
    entry = cache_dir / key
    cached = is_cached(cache_dir, key)
    if not cached:
        work = cache_dir / f"{key}.tmp-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        (work / "downloads").mkdir(parents=True)
        nb = jupytext.read(ROOT / run.source)
        if run.title:
            set_title(nb, run.title)
        record_reads(nb, work, run.source)
        jupytext.write(nb, work / "source.ipynb")
        try:
            km = _worker_kernel(work, run.source)
            extra = {"km": km} if km is not None else {}
            pm.execute_notebook(str(work / "source.ipynb"), str(work / "notebook.ipynb"),
                                parameters=run.parameters, kernel_name="python3", cwd=str(work),
                                progress_bar=False, request_save_on_cell_execute=False, log_output=False,
                                kernel_manager_class="analysis.book.build.QuietKernelManager", **extra)
            drop_recorder(work / "notebook.ipynb")
            _renumber(work / "notebook.ipynb")
        except PapermillExecutionError as exc:
            shutil.rmtree(work, ignore_errors=True)
            # the recorder cell the build adds runs first: count the page's own cells
            cell = (exc.exec_count or exc.cell_index) - 1
            raise BuildError(f"{run.source} (page {run.output}) failed in cell {cell}: "
                             f"{exc.ename}: {exc.evalue}") from None
        (work / "source.ipynb").unlink()
        shutil.rmtree(entry, ignore_errors=True)
        work.rename(entry)
    out_nb = stage / f"{run.output}.ipynb"
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(entry / "notebook.ipynb", out_nb)
    shutil.copytree(entry / "downloads", out_nb.parent / "downloads", dirs_exist_ok=True)
    return run.output, time.perf_counter() - t0, cached


def code_revision() -> str:
    """Git revision of the project, marked when the working tree differs from it."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "analysis", "data", "chapters"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def stamp_text(run: Run, hashes: dict[str, str], revision: str) -> str:
    """The reproducibility stamp shown at the foot of a page."""
    data_keys = sorted(k for k in hashes if k.startswith(("data/", "_build/cases/")))
    data_hash = hashlib.sha256("".join(hashes[k] for k in data_keys).encode()).hexdigest()[:16]
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in STAMP_PACKAGES)
    params = ", ".join(f"`{k} = {v!r}`" for k, v in sorted(run.parameters.items())) or "defaults"
    return ("```{admonition} Reproducibility stamp\n:class: note stamp\n\n"
            f"- Data read: {len(data_keys)} files, sha256 `{data_hash}`\n"
            f"- Code revision: `{revision}`\n"
            f"- Notebook: `{run.source}`, parameters: {params}\n"
            f"- Packages: {versions}\n```\n")


def add_stamp(nb_path: Path, text: str) -> None:
    """Append the stamp to an executed notebook; hide papermill's injected-parameters cell,
    whose values the stamp already lists."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = "reproducibility-stamp"  # a fixed id: a random one would change the page on every build
    nb.cells.append(cell)
    nbformat.write(nb, nb_path)


def collect_manifests(cache_dir: Path, keys: dict[str, str], runs: list[Run]) -> list[dict]:
    """Tables and figures each page registered (its cache entry's downloads/<slug>/manifest.json).

    Read from the cache entry rather than the stage because several pages share
    one downloads folder in the stage.
    """
    pages = []
    for run in runs:
        folder = cache_dir / keys[run.output] / "downloads"
        items = []
        for m in sorted(folder.glob("*/manifest.json")):
            items += json.loads(m.read_text())["items"]
        pages.append({"page": run.output, "title": run.title or run.output, "items": items})
    return pages


def case_page_manifests(stage: Path) -> list[dict]:
    """Tables and figures of the case pages (written by :mod:`analysis.book.casepages` into
    ``chapters/cases/downloads/<slug>/manifest.json``), in the form of :func:`collect_manifests`."""
    from analysis.book.citation import markdown_title

    folder = Path(stage) / "chapters" / "cases"
    pages = []
    for m in sorted((folder / "downloads").glob("*/manifest.json")):
        slug = json.loads(m.read_text())["slug"]
        name = "index" if slug == "case-index" else slug.removeprefix("case-")
        source = folder / f"{name}.md"
        if source.exists():
            pages.append({"page": f"chapters/cases/{name}", "title": markdown_title(source),
                          "title_is_markdown": True, "items": json.loads(m.read_text())["items"]})
    return pages


@contextlib.contextmanager
def results_memo(workdir: Path, use_cache: bool):
    """Point the pages' kernels at this build's results memo (:mod:`analysis.stats.memo`):
    ``workdir/results``, emptied first by a build without cache, so a clean build recomputes
    every draw. A location the user set in ``UPGRADING_RESULTS_CACHE`` (or ``off``) is left
    as it is (the test session shares one memo between its builds that way)."""
    from analysis.stats import memo

    if memo.ENV in os.environ:
        yield
        return
    folder = workdir / "results"
    if not use_cache:
        shutil.rmtree(folder, ignore_errors=True)
    os.environ[memo.ENV] = str(folder)  # inherited by the workers and their kernels
    try:
        yield
    finally:
        os.environ.pop(memo.ENV, None)


def build(runs: list[Run], jobs: int = 2, cases_dir: Path | None = None, out: Path | None = None,
          use_cache: bool = True, workdir: Path = BUILD, toc: dict | None = None, strict: bool = True) -> Path:
    """Execute all runs and build the HTML book into ``out`` (replaced only on success).

    ``workdir`` holds the cache and the temporary staging folders (default ``_build``);
    ``toc`` replaces ``_toc.yml`` (tests build small books with it); ``strict=False`` lets
    Sphinx warnings pass (only the benchmark's book of case pages alone, whose links to the
    chapters it lacks cannot resolve, uses it).
    """
    out = workdir / "html" if out is None else out
    t_start = time.perf_counter()
    if cases_dir is not None:
        log(f"validating new cases in {cases_dir}")
        cases_rel, cases = prepare_cases(cases_dir)
        runs = extended_runs([Run(r.source, r.output, dict(r.parameters), r.title, list(r.inputs),
                                  list(r.extended_inputs)) for r in runs],
                             cases_rel, cases)
    problems = []
    for run in runs:
        problems += check_parameters(run, declared_parameters(ROOT / run.source))
        run.inputs += [run.parameters[k] for k in FILE_PARAMETERS if run.parameters.get(k)]
    if problems:
        raise BuildError("invalid parameters:\n  " + "\n  ".join(problems))
    workdir.mkdir(parents=True, exist_ok=True)
    cache_dir = workdir / "cache"
    (cache_dir / "last").mkdir(parents=True, exist_ok=True)
    stage = workdir / f"stage-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        for item in STATIC_FILES:
            src = ROOT / item
            if src.is_dir():
                shutil.copytree(src, stage / item)
            elif src.exists():
                (stage / item).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, stage / item)
        base_toc = toc or yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
        (stage / "_toc.yml").write_text(yaml.safe_dump(extended_toc(base_toc, runs), sort_keys=False))
        hashes = {r.output: input_hashes(r) for r in runs}
        keys = {r.output: fingerprint(hashes[r.output]) for r in runs}
        reasons = {}
        for r in runs:
            last = cache_dir / "last" / f"{r.slug}.json"
            previous = json.loads(last.read_text()) if last.exists() else None
            if not use_cache:
                shutil.rmtree(cache_dir / keys[r.output], ignore_errors=True)
                reasons[r.output] = "re-executed: cache disabled (--no-cache)"
            else:
                reasons[r.output] = "re-executed: " + why_rerun(previous, hashes[r.output])
        log(f"executing {len(runs)} notebooks with {jobs} worker(s)")
        with results_memo(workdir, use_cache), ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            durations = read_durations(cache_dir)
            # the case pages depend on no notebook: they are written by one of the workers
            # while the others execute notebooks (started in the order of their last duration,
            # like the pages), instead of by this process after all of them
            with_cases = "chapters/cases" in json.dumps(base_toc)
            case_dir_arg = cases_rel if cases_dir is not None else ""  # the case pages' new cases
            # with every page in the cache there is nothing to overlap with, and a worker
            # would import the library only for them: this process writes them (below)
            executing = not all(use_cache and is_cached(cache_dir, keys[r.output]) for r in runs)
            case_job = Run("(case pages)", CASE_PAGES_JOB, {}, None, []) if with_cases and executing else None
            futures, case_pages = {}, None
            for r in longest_first(runs + ([case_job] if case_job else []), durations):
                if r is case_job:
                    case_pages = pool.submit(_write_case_pages, stage, case_dir_arg, cache_dir)
                else:
                    futures[pool.submit(execute_run, r, stage, cache_dir, keys[r.output])] = r
            for i, fut in enumerate(as_completed(futures), 1):
                run = futures[fut]
                try:
                    output, secs, cached = fut.result()
                except BuildError:
                    for f in [*futures, case_pages]:
                        if f is not None:
                            f.cancel()
                    raise
                reads = json.loads((cache_dir / keys[run.output] / READS_FILE).read_text())
                extra = undeclared_reads(run, reads)
                if extra:
                    for f in futures:
                        f.cancel()
                    shutil.rmtree(cache_dir / keys[run.output], ignore_errors=True)
                    raise BuildError(f"{run.source} (page {run.output}) read files it does not declare: "
                                     f"{', '.join(extra)}; add them to its 'inputs' in chapters/runs.yml "
                                     "(a page's cache key is made of its declared inputs)")
                (cache_dir / "last" / f"{run.slug}.json").write_text(json.dumps(hashes[run.output], sort_keys=True))
                if not cached:
                    durations[run.output] = round(secs, 2)
                why = "skipped: inputs unchanged, taken from cache" if cached else reasons[output]
                log(f"[{i}/{len(runs)}] {output}: {why} ({secs:.1f}s)")
            if case_pages is not None:
                durations[CASE_PAGES_JOB] = round(case_pages.result(), 2)
        (cache_dir / DURATIONS_FILE).write_text(json.dumps(durations, sort_keys=True, indent=0))
        revision = code_revision()
        from analysis.book.stamp import stamp_page  # the stamp with source links, code on demand (issue 13)
        for r in runs:
            stamp_page(stage / f"{r.output}.ipynb", r.source, r.parameters, hashes[r.output], revision, STAMP_PACKAGES)
        from analysis.book.citation import write_citation_page

        cited = collect_manifests(cache_dir, keys, runs)
        if with_cases:
            if case_job is None:
                _write_case_pages(stage, case_dir_arg, cache_dir)
            cited += case_page_manifests(stage)  # their tables and figures get Cite folds too
        write_citation_page(stage, cited)
        prune_outside_toc(stage, yaml.safe_load((stage / "_toc.yml").read_text(encoding="utf-8")))
        digest = stage_digest(stage)
        last_html = workdir / "last_html.json"
        recorded = json.loads(last_html.read_text()) if last_html.exists() else {}
        if use_cache and recorded.get(str(out)) == digest and (out / "index.html").exists():
            log(f"HTML inputs unchanged since the last build: {out} kept as it is "
                f"({time.perf_counter() - t_start:.1f}s)")
            return out
        sphinx_html = sphinx_build(stage, workdir, out, strict=strict)
        html_new = out.with_name(f"{out.name}.new-{os.getpid()}")
        shutil.rmtree(html_new, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(sphinx_html, html_new)
        _swap_in(html_new, out)
        recorded[str(out)] = digest
        last_html.write_text(json.dumps(recorded, indent=1, sort_keys=True))
        log(f"book ready: {out / 'index.html'} ({time.perf_counter() - t_start:.1f}s)")
        from analysis.book.edition import edition_metadata
        if not edition_metadata().repository:
            log("note: CITATION.cff has no repository-code, so the pages name notebooks and "
                "functions without links to their source")
        return out
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        for leftover in out.parent.glob(f"{out.name}.new-*"):
            shutil.rmtree(leftover, ignore_errors=True)


#: Sphinx processes reading pages in parallel (``-j``); 1 on a busy 2-core machine reads as fast
SPHINX_JOBS = int(os.environ.get("UPGRADING_SPHINX_JOBS", "1"))


def run_sphinx(src: str | Path, out: str | Path, jobs: int = 1, strict: bool = True, quiet: bool = False) -> int:
    """``jupyter-book build SRC --path-output OUT -W -n --keep-going`` through jupyter-book's
    Python entry (:func:`jupyter_book.sphinx.build_sphinx`), which also takes Sphinx's
    parallel ``jobs``. Incremental: the environment in ``OUT/_build/.doctrees`` is reused."""
    from jupyter_book.sphinx import build_sphinx

    src, out = Path(src), Path(out)
    overrides = {"external_toc_path": (src / "_toc.yml").as_posix(), "latex_individualpages": False}
    if strict:
        overrides["nitpicky"] = True
    result = build_sphinx(src, out / "_build" / "html", use_external_toc=True, noconfig=True,
                          path_config=src / "_config.yml", confoverrides=overrides,
                          builder="html", warningiserror=strict, keep_going=strict, jobs=jobs, quiet=quiet)
    if isinstance(result, Exception):
        print(f"{type(result).__name__}: {result}", file=sys.stderr)
        return 1
    return int(result or 0)


def sphinx_build(stage: Path, workdir: Path, out: Path, strict: bool = True) -> Path:
    """Run jupyter-book (Sphinx) on a copy of ``stage`` kept between builds, and return its HTML folder.

    The copy (``workdir/sphinx/<out name>/src``) is synchronised file by file: a file whose
    bytes did not change keeps its modification time, and the Sphinx environment
    (doctrees, in ``.../out``) is kept, so Sphinx reads again only the pages that changed
    (incremental build). A failed build removes the environment, so the next build reads
    every page again and reports the same warnings. The returned folder is copied into
    place by the caller: the published book is replaced only after success.
    """
    import fcntl

    from analysis.book.casepages import _sync_tree

    base = workdir / "sphinx" / hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two builds into the same book wait for each other
        src = base / "src"
        changed = _sync_tree(stage, src)
        log(f"building HTML with jupyter-book ({'warnings are errors; ' if strict else ''}"
            f"{changed} source files changed)")
        code = (f"import sys; from analysis.book.build import run_sphinx; "
                f"sys.exit(run_sphinx({str(src)!r}, {str(base / 'out')!r}, jobs={SPHINX_JOBS}, strict={strict}))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if proc.returncode != 0:
            shutil.rmtree(base / "out", ignore_errors=True)
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
            raise BuildError(f"jupyter-book build failed (exit {proc.returncode}):\n{tail}")
        for line in proc.stdout.splitlines():
            if line.startswith("updating environment:"):
                log("sphinx " + line.strip())
        return base / "out" / "_build" / "html"


def stage_digest(stage: Path) -> str:
    """One hash over every file Sphinx would read from the stage (names and bytes)."""
    h = hashlib.sha256()
    for f in sorted(p for p in stage.rglob("*") if p.is_file() and "_out" not in p.relative_to(stage).parts):
        h.update(f.relative_to(stage).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


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
    ap = argparse.ArgumentParser(prog="python -m analysis.book", description=__doc__.split("\n\n")[0])
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
