"""What a page reads: the project files a page's kernel opens, recorded while it executes.

The build runs :func:`start` before a page's first cell and :func:`dump` after its last one,
in the page's own kernel; it then checks the files against the inputs the page declares in
``chapters/runs.yml`` (:func:`analysis.book.build.undeclared_reads`), so a page can never
read a file that is not part of its cache key, and a stale page cannot be served.

The recorder is a Python audit hook (PEP 578: every ``open`` raises an ``open`` event). It
keeps files opened for reading under the project root, except the package's own source
(followed through the imports instead), the page's working folder (its own outputs) and the
results memo (:mod:`analysis.stats.memo`, keyed by arguments and code).
A hook cannot be removed, so one is installed per kernel and emptied for each page; the
package's memoised readers (``functools.lru_cache``) are cleared too, so that a page in a
reused kernel records the files it uses even when an earlier page read them first.
"""
from __future__ import annotations

import functools
import json
import os
import sys

_STATE: dict = {"installed": False, "reads": set(), "root": "", "skip": ()}


def _hook(event: str, args) -> None:
    if event != "open" or not _STATE["root"]:
        return
    path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if path is None or isinstance(path, int):
        return
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return  # written: an output of the page, not an input
    if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR):
        return
    try:
        full = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError):
        return
    root = _STATE["root"]
    if full.startswith(root + os.sep) and not full.startswith(_STATE["skip"]):
        _STATE["reads"].add(os.path.relpath(full, root).replace(os.sep, "/"))


def _clear_memoised() -> None:
    for name, module in list(sys.modules.items()):
        if not (name == "analysis" or name.startswith("analysis.")) or module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def start(root: str, work: str) -> None:
    """Record from now on the files opened for reading under ``root`` (not under ``work``,
    the page's folder, nor the package source)."""
    from analysis.stats import memo

    root = os.path.abspath(root)
    # the results memo is keyed by its arguments and the code, so reading it is not a dependency
    results = memo.location()
    _STATE.update(root=root, reads=set(),
                  skip=tuple(os.path.join(root, d) + os.sep for d in ("analysis", ".venv", ".git"))
                  + (os.path.abspath(work) + os.sep,) + ((os.path.abspath(results) + os.sep,) if results else ()))
    _clear_memoised()
    if not _STATE["installed"]:
        sys.addaudithook(_hook)
        _STATE["installed"] = True


def dump(path: str) -> list[str]:
    """Stop recording; write the files read (project-relative, sorted) to ``path`` as JSON."""
    files = sorted(f for f in _STATE["reads"] if "__pycache__" not in f)
    _STATE["root"] = ""
    with open(path, "w", encoding="utf-8") as fh:  # after root is cleared: not recorded
        json.dump(files, fh, indent=1)
    return files
