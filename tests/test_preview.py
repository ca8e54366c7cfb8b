"""``make preview CASE=...`` (analysis/book/preview.py)."""

import pytest

from analysis.book import preview
from analysis.paths import ROOT


def test_bad_case_file_is_refused_before_anything_is_built(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - id: Not A Slug\n    name: x\n", encoding="utf-8")
    assert preview.main([str(bad)]) == 1
    err = capsys.readouterr().err
    assert "PREVIEW FAILED" in err and "Traceback" not in err
    assert not (tmp_path / "preview").exists()


@pytest.mark.slow
def test_preview_builds_the_page_and_rebuilds_after_a_save(tmp_path):
    src = (ROOT / "cases" / "examples" / "tavara_1993.yaml").read_text(encoding="utf-8")
    case = tmp_path / "mine.yaml"
    case.write_text(src, encoding="utf-8")
    page = preview.build_preview(case, preview_dir=tmp_path / "preview")
    html = page.read_text(encoding="utf-8")
    assert page.name == "footwear-el-porvenir.html" and "El Porvenir footwear cluster" in html
    assert "Policy priorities" in html
    case.write_text(src.replace("El Porvenir footwear cluster", "El Porvenir <b>edited</b>"), encoding="utf-8")
    page = preview.build_preview(case, preview_dir=tmp_path / "preview")
    html = page.read_text(encoding="utf-8")
    assert "El Porvenir &lt;b&gt;edited&lt;/b&gt;" in html  # rebuilt, and the case text literal
    # how fast: bench/bench_build.py step (g) measures it (a timed assertion here would only be flaky)
