import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def book_data():
    from analysis.data import load_book_data
    return load_book_data()


@pytest.fixture()
def data_copy(tmp_path):
    """A writable copy of data/ for tests that corrupt a file."""
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst
