"""Print the "Which page depends on what" table of docs/architecture.md (Markdown) from
chapters/runs.yml and the import graph the build follows (analysis.book.build.input_files).

    .venv/bin/python tools/dependency_table.py

Chapter-specific modules are the chapter modules, the chapters' page modules (their
figures and captions), the trade rules and the statistics modules: the ones whose edit
should re-execute few pages.
"""
from __future__ import annotations

from analysis.book import build as b
from analysis.paths import ROOT

SPECIFIC = ("analysis/audit/casestudies/ch", "analysis/audit/book_audit", "analysis/audit/casestudies/audit_all",
            "analysis/method/trade", "analysis/report/trade_display", "analysis/report/trade_page",
            "analysis/report/dairy_page", "analysis/report/fruit_page", "analysis/report/salmon_page",
            "analysis/report/furniture_page", "analysis/stats/")


def rows() -> list[str]:
    out = ["| page | analysis modules | chapter-specific modules among them | data files (`inputs` in runs.yml; "
           "all pages also read `data/labels.csv`) |", "|---|---|---|---|"]
    for run in b.read_runs():
        names = [p.relative_to(ROOT).as_posix() for p in b.input_files(run)]
        modules = [n for n in names if n.startswith("analysis/")]
        specific = [n[len("analysis/"):-3] for n in modules if n.startswith(SPECIFIC) and not n.endswith("__init__.py")]
        data = [i.removeprefix("data/") for i in run.inputs]
        extra = f" (extended edition also: {', '.join(i.removeprefix('data/') for i in run.extended_inputs)})" \
            if run.extended_inputs else ""
        out.append(f"| `{run.output.removeprefix('chapters/')}` | {len(modules)} | "
                   f"{', '.join(f'`{s}`' for s in specific) or '–'} | {', '.join(data)}{extra} |")
    return out


if __name__ == "__main__":
    print("\n".join(rows()))
