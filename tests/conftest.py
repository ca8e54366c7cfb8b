import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The results memo (analysis.stats.memo) starts empty in every test session, so no test is
# answered by a result left in the checkout's _build/results by an earlier build or edit;
# within the session, builds and tests share it (UPGRADING_RESULTS_CACHE=off computes everything).
os.environ.setdefault("UPGRADING_RESULTS_CACHE", tempfile.mkdtemp(prefix="upgrading-results-"))

# Fixtures that build the whole book: every test using one is in the slow tier.
BOOK_FIXTURES = {"site", "two_books"}


def pytest_collection_modifyitems(config, items):
    """Mark tests that need a built book as ``slow`` (``make test-fast`` skips them)."""
    for item in items:
        if BOOK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)

from analysis.paths import ROOT  # noqa: E402


@pytest.fixture(scope="session")
def book_data():
    from analysis.io.data import load_book_data
    return load_book_data()


@pytest.fixture()
def data_copy(tmp_path):
    """A writable copy of data/ for tests that corrupt a file."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The whole book, built once per test session through the real build (no cache).

    Shared by tests/test_site.py (files of the built site) and tests/test_browser.py
    (the same site opened in a browser).
    """
    from analysis.book import build as b

    work = tmp_path_factory.mktemp("book")
    # UPGRADING_TEST_CASES=dir runs the site and browser tests on an extended edition
    # instead (e.g. 200 synthetic cases from bench/synthetic_cases.py; issue 15)
    cases = os.environ.get("UPGRADING_TEST_CASES") or None
    return b.build(b.read_runs(), jobs=2, workdir=work, use_cache=False, cases_dir=Path(cases) if cases else None)


@pytest.fixture(scope="session")
def two_books(tmp_path_factory):
    """A second, independent clean build of the published book, and the same book extended
    with the Tavara example cases, a case full of markup (tests/data/evil_cases) and every
    accepted file of the hostile corpus (tests/data/hostile, issue 9: one build serves the
    extended-edition tests and the hostile-input browser tests).

    Independent of ``site`` (own workdir, own cache), so comparing the two published
    builds tests that a build is reproducible byte for byte.
    """
    from analysis.book import build as b

    work = tmp_path_factory.mktemp("ext")
    cases = work / "my_cases"
    cases.mkdir()
    shutil.copy(ROOT / "cases" / "examples" / "tavara_1993.yaml", cases)
    shutil.copy(ROOT / "tests" / "data" / "evil_cases" / "evil.yaml", cases)
    for name in hostile_accepted():
        shutil.copy(ROOT / "tests" / "data" / "hostile" / name, cases)
    published = b.build(b.read_runs(), jobs=2, workdir=work, out=work / "published")
    extended = b.build(b.read_runs(), jobs=2, workdir=work, out=work / "extended", cases_dir=cases)
    return published, extended


def hostile_accepted() -> list[str]:
    """Files of the hostile corpus that validation accepts (tests/data/hostile/expected.csv)."""
    import csv

    with (ROOT / "tests" / "data" / "hostile" / "expected.csv").open(encoding="utf-8") as f:
        return [r["file"] for r in csv.DictReader(f) if r["outcome"] == "accepted"]
