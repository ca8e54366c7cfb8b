"""Preview one case file's profile page, rebuilt on every save.

    make preview CASE=path/to/file.yaml            # build once, print the page's path
    make preview CASE=path/to/file.yaml WATCH=1    # rebuild whenever the file is saved
    python -m analysis.book.preview FILE [--watch] [--case ID]

The file is validated like ``make book CASES=...`` does (a problem is reported with
file, case, field and value, and nothing is built); its page is written by
:func:`analysis.book.casepages.write_case_pages` (the same template as the book's
case pages) into a small Sphinx project under ``_build/preview`` that holds only the
case pages of that file. The project and its Sphinx environment are kept between
runs, so a rebuild reads one page again: a few seconds, well within the 10 s goal
(``bench/bench_build.py`` measures it). Links to the rest of the book show as plain
text in the preview.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import yaml

from analysis.paths import BUILD_DIR, ROOT

PREVIEW = BUILD_DIR / "preview"


def _log(msg: str) -> None:
    print(f"[preview {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _project(src: Path, ids: list[str]) -> None:
    """The small Sphinx project: the book's configuration, a toc of the case pages."""
    src.mkdir(parents=True, exist_ok=True)
    for item in ("_config.yml", "references.bib"):
        if not (src / item).exists() or (src / item).read_bytes() != (ROOT / item).read_bytes():
            shutil.copy2(ROOT / item, src / item)
    if not (src / "_static").exists():
        shutil.copytree(ROOT / "_static", src / "_static")
    toc = {"format": "jb-book", "root": f"chapters/cases/{ids[0]}",
           "chapters": [{"file": f"chapters/cases/{i}"} for i in ids[1:]]} if len(ids) > 1 else \
        {"format": "jb-book", "root": f"chapters/cases/{ids[0]}"}
    text = yaml.safe_dump(toc, sort_keys=False)
    if not (src / "_toc.yml").exists() or (src / "_toc.yml").read_text() != text:
        (src / "_toc.yml").write_text(text)


def build_preview(case_file: Path, case_id: str | None = None, preview_dir: Path = PREVIEW) -> Path:
    """Validate ``case_file``, write its page(s), build them; returns the HTML of ``case_id``
    (default: the file's first case)."""
    from analysis.book.casepages import write_case_pages
    from analysis.io.newcases import default_published_ids, load_new_cases

    t0 = time.perf_counter()
    case_file = Path(case_file)
    # the case file is copied inside the project (case paths outside it are refused by the loader)
    import hashlib

    inbox = BUILD_DIR / "preview-input" / hashlib.sha256(str(Path(preview_dir).resolve()).encode()).hexdigest()[:12]
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    shutil.copy2(case_file, inbox / case_file.name)
    # validation first (the same validator as the build): nothing is built from a bad file
    cases = load_new_cases(inbox, set(default_published_ids() or ()))
    cases_rel = inbox.resolve().relative_to(ROOT).as_posix()
    ids = list(cases["case_id"])
    if case_id is not None and case_id not in ids:
        raise SystemExit(f"{case_file}: no case {case_id!r} (cases: {', '.join(ids)})")
    ids = [case_id] + [i for i in ids if i != case_id] if case_id else ids
    src = preview_dir / "src"
    write_case_pages(src, cases_rel, preview_dir / "cache", only=set(ids), log=_log)
    _project(src, ids)
    # in this process (a watching preview keeps Sphinx and the data warm), not strict: links to
    # the rest of the book are not in the preview
    import contextlib
    import io

    from analysis.book.build import run_sphinx

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = run_sphinx(src, preview_dir / "out", strict=False, quiet=True)
    if code != 0:
        raise SystemExit("preview build failed:\n" + "\n".join(err.getvalue().splitlines()[-30:]))
    page = preview_dir / "out" / "_build" / "html" / "chapters" / "cases" / f"{ids[0]}.html"
    _log(f"page ready: {page} ({time.perf_counter() - t0:.1f}s)")
    return page


def watch(case_file: Path, case_id: str | None = None, interval: float = 0.3) -> None:
    """Rebuild whenever ``case_file`` changes (polling its modification time; Ctrl-C stops)."""
    last = None
    while True:
        try:
            stamp = Path(case_file).stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        if stamp is not None and stamp != last:
            last = stamp
            try:
                build_preview(case_file, case_id)
            except Exception as exc:  # noqa: BLE001 - a bad save is reported, the watch goes on
                _log(f"not rebuilt: {type(exc).__name__}: {exc}")
            except SystemExit as exc:
                _log(f"not rebuilt: {exc}")
        time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.book.preview", description=__doc__.split("\n\n")[0])
    ap.add_argument("case_file", type=Path)
    ap.add_argument("--case", default=None, help="case id to show (default: the file's first case)")
    ap.add_argument("--watch", action="store_true", help="rebuild on every save")
    args = ap.parse_args(argv)
    try:
        if args.watch:
            watch(args.case_file, args.case)
        else:
            build_preview(args.case_file, args.case)
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # noqa: BLE001 - validation problems and the like: a message, no traceback
        print(f"PREVIEW FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
