"""Screenshots of every page of a built site at 1400 px and 390 px (issue 12), for review.

    python scripts/screenshots.py [SITE] [OUT] [--pages a.html,b.html] [--dark]

SITE defaults to _build/html, OUT to _build/screenshots. Debian's Chromium through
Playwright (tests/browser_support.py); every request to another host is refused and
reported. Writes OUT/<page>-<width>.png (full page, capped in height); with ``--dark`` the
browser prefers a dark colour scheme (the theme follows it) and the names end in ``-dark``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium, local_only, serve  # noqa: E402

WIDTHS = (1400, 390)


def pages(site: Path) -> list[str]:
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.name not in skip and not {"_static", "_sources", "_downloads", "_images"} & set(p.parts)
                  and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8", errors="replace")[:2000].lower())
    # (jupyter-book's index.html is a redirect written as http-equiv="Refresh")


def shoot(site: Path, out: Path, only: list[str] | None = None, max_height: int = 6000,
          dark: bool = False) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    written = []
    with serve(site) as base, chromium() as browser:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900},
                                          color_scheme="dark" if dark else "light")
            local_only(context, outside)
            for rel in only or pages(site):
                page = context.new_page()  # a fresh page each time: no scroll state carried over
                page.goto(base + rel, wait_until="load")
                height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
                name = rel.replace("/", "__").removesuffix(".html")
                path = out / f"{name}-{width}{'-dark' if dark else ''}.png"
                page.screenshot(path=str(path), full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": height})
                written.append(str(path))
                page.close()
            context.close()
    if outside:
        print("requests to other hosts (refused):", *sorted(set(outside)), sep="\n  ", file=sys.stderr)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    ap.add_argument("out", nargs="?", default=str(ROOT / "_build" / "screenshots"))
    ap.add_argument("--pages", default="", help="comma-separated pages (default: every page)")
    ap.add_argument("--max-height", type=int, default=6000)
    ap.add_argument("--dark", action="store_true", help="prefer a dark colour scheme")
    a = ap.parse_args(argv)
    only = [p for p in a.pages.split(",") if p] or None
    files = shoot(Path(a.site), Path(a.out), only, a.max_height, a.dark)
    print(f"{len(files)} screenshots in {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
