"""The built book opened in a real browser (headless Chromium driven by Playwright).

The site (fixture ``site`` in conftest.py, one build per session) is served by a
local HTTP server on 127.0.0.1; every page of ``_toc.yml`` is loaded and checked
for console errors, broken images, broken downloads and broken internal links,
and the search page is asked for a cluster by name.

Needs Debian's Chromium at /usr/bin/chromium (``.ci/run`` installs it); Playwright's
own browser download is never used.
"""
from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml
from browser_support import CHROMIUM, SKIP_REASON, chromium, local_only, serve

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from analysis.paths import ROOT  # noqa: E402


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc["parts"]:
        pages += [c["file"] for c in part["chapters"]]
    return pages


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


# The browser never leaves 127.0.0.1: any other request is refused before it is
# sent and fails the test. The site is self-contained (issue 9): no page needs math,
# so MathJax is not loaded at all (see _config.yml), and nothing else comes from a CDN.
ALLOWED_EXTERNAL: set[str] = set()


class Visit:
    """One page loaded in the browser, with what went wrong while loading it."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.bad_responses: list[str] = []
        self.external: list[str] = []
        local_only(self.context, self.external)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("response", lambda r: self.bad_responses.append(f"{r.status} {r.url}")
                     if r.status >= 400 else None)
        self.response = self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _console(self, msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if where in self.external and "net::ERR_BLOCKED_BY_CLIENT" in msg.text:
            return  # our own refusal of an outside request, checked against ALLOWED_EXTERNAL
        self.errors.append(f"console error: {msg.text} ({where})")

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visited(browser, base_url):
    """Load each page once per module (both page tests read the same visit)."""
    cache: dict[str, dict] = {}

    def _get(path: str) -> dict:
        if path not in cache:
            v = Visit(browser, urljoin(base_url, path))
            try:
                # make lazy images load, then read every <img>'s decoded width
                images = v.page.evaluate("""async () => {
                    const imgs = [...document.images];
                    for (const i of imgs) { i.loading = 'eager'; }
                    await Promise.all(imgs.map(i => i.decode().catch(() => null)));
                    return imgs.map(i => [i.getAttribute('src'), i.naturalWidth]);
                }""")
                cache[path] = {
                    "status": v.response.status if v.response else None,
                    "h1": v.page.locator("h1").count(),
                    "images": images,
                    "hrefs": v.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"),
                    "errors": list(v.errors), "bad_responses": list(v.bad_responses),
                    "external": list(v.external),
                }
            finally:
                v.close()
        return cache[path]

    return _get


@pytest.fixture()
def visit(browser):
    opened = []

    def _open(url):
        v = Visit(browser, url)
        opened.append(v)
        return v

    yield _open
    for v in opened:
        v.close()


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("id", "name") and v:
                self.ids.add(v)


@functools.lru_cache(maxsize=None)
def _fetch(url: str) -> tuple[int, bytes]:
    from urllib.request import urlopen
    from urllib.error import HTTPError

    try:
        with urlopen(url, timeout=30) as r:  # only ever 127.0.0.1 (same-site links)
            return r.status, r.read()
    except HTTPError as exc:
        return exc.code, b""


def _anchors(url: str) -> set[str]:
    status, body = _fetch(url)
    parser = _Ids()
    parser.feed(body.decode("utf-8", errors="replace"))
    return parser.ids


PAGES = toc_pages()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_without_errors_and_with_its_images(visited, page_path):
    seen = visited(f"{page_path}.html")
    assert seen["status"] == 200
    assert seen["h1"] >= 1
    broken = [src for src, width in seen["images"] if not width]
    assert not broken, f"images that did not load on {page_path}: {broken}"
    assert not seen["errors"], f"{page_path}: {seen['errors']}"
    assert not seen["bad_responses"], f"{page_path}: {seen['bad_responses']}"
    assert set(seen["external"]) <= ALLOWED_EXTERNAL, f"{page_path} asks for outside resources: {seen['external']}"


@pytest.mark.parametrize("page_path", PAGES)
def test_download_links_and_internal_links_resolve(visited, base_url, page_path):
    hrefs = visited(f"{page_path}.html")["hrefs"]
    site = urlsplit(base_url).netloc
    internal = [h for h in hrefs if urlsplit(h).scheme in ("http", "https") and urlsplit(h).netloc == site]
    assert internal, f"no internal links on {page_path}"
    problems = []
    for h in sorted(set(internal)):
        target, fragment = urldefrag(h)
        status, body = _fetch(target)
        if status != 200:
            problems.append(f"{h} -> HTTP {status}")
        elif "/_downloads/" in target and not body:
            problems.append(f"{h}: empty download")
        elif fragment and target.endswith(".html") and unquote(fragment) not in _anchors(target):
            problems.append(f"{h}: no element with id {unquote(fragment)!r}")
    assert not problems, f"broken links on {page_path}:\n" + "\n".join(problems)


def test_pages_with_tables_offer_downloads(visited):
    # the download check above is not vacuous: table pages do link their CSV files
    hrefs = visited("chapters/ch01_cases.html")["hrefs"]
    assert any("/_downloads/" in h and h.endswith(".csv") for h in hrefs)
    figures = visited("chapters/sectors/traditional.html")
    assert any(w for _, w in figures["images"]) and any(h.endswith(".svg") for h in figures["hrefs"])


def test_search_finds_a_cluster_by_name(visit, base_url):
    v = visit(urljoin(base_url, "search.html?q=Sinos"))
    results = v.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=30_000)
    hrefs = results.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    pages = [h for h in hrefs if re.search(r"\.html", h or "")]
    assert pages, f"search for 'Sinos' gave no page links: {hrefs}"
    assert any("ch01_cases" in h or "sectors/traditional" in h for h in pages), pages
    assert not v.errors, v.errors


def test_search_for_nonsense_finds_nothing(visit, base_url):
    # the check above must be able to fail: a word in no page gives no result link
    v = visit(urljoin(base_url, "search.html?q=Zzyzxqwv"))
    v.page.locator("#search-results p").first.wait_for(timeout=30_000)
    v.page.wait_for_function("() => !document.querySelector('#search-results')"
                             "|| document.querySelector('#search-results').innerText.length > 0")
    assert v.page.locator("#search-results ul.search li a").count() == 0


def test_new_case_page_renders_and_runs_no_injected_script(browser, two_books):
    """The extended book's profile page of a case whose name and notes carry script and
    event handlers: it loads without errors, shows the text, and nothing it carries runs."""
    with serve(two_books[1]) as base:
        for path in ("chapters/cases/evil-cluster.html", "chapters/cases/footwear-el-porvenir.html",
                     "chapters/extended.html"):
            context = browser.new_context()
            # record any alert() before the page's own scripts run
            context.add_init_script("window.__alerts = []; window.alert = m => window.__alerts.push(String(m));")
            outside: list[str] = []
            local_only(context, outside)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            try:
                response = page.goto(urljoin(base, path), wait_until="load")
                page.wait_for_load_state("networkidle")
                assert response.status == 200
                assert not errors, (path, errors)
                assert not outside, (path, outside)
                assert page.evaluate("window.__alerts") == [], path
                assert page.title() != "pwned"
                assert all(page.evaluate("[...document.images].map(i => i.naturalWidth)")), path
                if "evil" in path:
                    # shown as text, character for character
                    assert "<script>alert(" in page.inner_text("main")
            finally:
                context.close()


# ---------------------------------------------------------------- figures open at full size (issue 12)

PHONE = {"width": 390, "height": 844}

# every image of the article, with the link it sits in (the nearest <a href> around it)
FIGURE_LINKS_JS = """() => Array.from(document.querySelectorAll('.bd-article img')).map(img => {
  const a = img.closest('a[href]');
  return {src: img.src, alt: img.getAttribute('alt'), href: a ? a.href : null,
          width: img.getBoundingClientRect().width};
})"""


def figure_pages(site) -> list[str]:
    """The built pages whose HTML holds an image (found in the files, so a new page with a
    figure is checked without being listed here)."""
    skip = {"_static", "_sources", "_downloads", "_images"}
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not skip & set(p.parts) and "<img" in p.read_text(encoding="utf-8", errors="replace"))


def unlinked_figures(page, base_url: str, pages: list[str]) -> tuple[list[str], int]:
    """Open each page in ``page`` and return what is wrong with its figure links (an image
    outside a link, a link to another host, to a missing file, to something not an image or
    to another image than the one shown) and how many images were checked."""
    import io

    from PIL import Image

    problems, n = [], 0
    for rel in pages:
        page.goto(urljoin(base_url, rel), wait_until="load")
        for img in page.evaluate(FIGURE_LINKS_JS):
            n += 1
            href, where = img["href"], f"{rel}: {img['alt'] or img['src']}"
            if not href:
                problems.append(f"{where}: not inside a link")
                continue
            if urlsplit(href).netloc != urlsplit(base_url).netloc:
                problems.append(f"{where}: links to another host ({href})")
                continue
            status, body = _fetch(urldefrag(href)[0])
            try:
                Image.open(io.BytesIO(body)).verify()
            except Exception:
                problems.append(f"{where}: {href} -> HTTP {status}, not an image file")
                continue
            if href != img["src"]:
                problems.append(f"{where}: links to {href}, not to the image shown ({img['src']})")
    return problems, n


def test_every_figure_opens_its_full_size_file_on_a_phone(browser, base_url, site):
    """At 390 px every image of every page is a link to its own full-size file on the site
    (analysis/book/sphinx_fixes.py, LinkImagesToFiles), including the Chapter 8 charts."""
    pages = figure_pages(site)
    assert "chapters/ch08_trade.html" in pages and "intro.html" in pages, pages
    context = browser.new_context(viewport=PHONE)
    outside: list[str] = []
    local_only(context, outside)
    try:
        problems, n = unlinked_figures(context.new_page(), base_url, pages)
    finally:
        context.close()
    assert n >= len(pages), (n, pages)  # not vacuous: each page found holds an image
    assert not problems, "\n".join(problems[:20])
    assert not outside, outside


def test_a_figure_link_opens_with_the_keyboard_and_figures_still_print(browser, base_url):
    """A figure's link takes the focus and Enter opens the image file; in print the
    figures are still drawn at a width (the links add nothing to the printed page)."""
    context = browser.new_context(viewport=PHONE)
    local_only(context, [])
    page = context.new_page()
    try:
        page.goto(urljoin(base_url, "chapters/ch08_trade.html"), wait_until="load")
        link = page.locator(".bd-article figure a:has(img)").first
        link.focus()
        assert page.evaluate("() => !!document.activeElement.querySelector('img')")
        with page.expect_navigation() as nav:
            page.keyboard.press("Enter")
        assert nav.value.status == 200 and nav.value.header_value("content-type").startswith("image/")
        page.go_back(wait_until="load")
        page.emulate_media(media="print")
        widths = [i["width"] for i in page.evaluate(FIGURE_LINKS_JS)]
        assert len(widths) >= 7 and all(w > 100 for w in widths), widths
    finally:
        context.close()
