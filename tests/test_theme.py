"""Every figure the book draws follows the theme (issue 12): width 6.5 in or 9 in, no font
under 8 pt, no title inside the image. Figures are rendered through
:func:`analysis.theme.conform`, which :meth:`analysis.report.present.Page.figure` applies
to every figure it saves; the saved PNG is measured too."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from analysis import theme  # noqa: E402
from analysis.report import figures  # noqa: E402
from analysis.vocab import SECTORS  # noqa: E402


def _figure_makers(data):
    from analysis.audit.casestudies import ch8_trade
    from analysis.method import tables
    from analysis.report import dairy_page, fruit_page, furniture_page, salmon_page
    from analysis.report import trade_display as trade_show

    cases, t = data.cases, data.chapters
    makers = {}
    for s in SECTORS:
        if figures.has_upgrading_scores(cases, s):
            makers[f"upgrading_{s}"] = lambda s=s: figures.figure_upgrading_by_type_and_ce(cases, s, "test")
        makers[f"governance_{s}"] = lambda s=s: figures.figure_governance_mix(cases, s, "test")
    makers["ce_index"] = lambda: figures.figure_ce_index_by_sector(tables.table_9_1_printed(data.printed), "test")
    makers["profiles"] = lambda: figures.figure_upgrading_profiles_by_sector(cases, "test")
    counts = pd.crosstab(cases["sector"], cases["ce_degree"])
    makers["ce_degree"] = lambda: figures.figure_ce_degree_by_sector(counts, "test")
    trad = cases[cases["sector"] == "traditional"]
    makers["case"] = lambda: figures.figure_case_against_sector(trad, trad.iloc[0], "test")
    makers["2.2"] = lambda: dairy_page.figure_2_2(t["2.2"])
    makers["3.2"] = lambda: fruit_page.figure_3_2(t["3.2"])
    makers["4.1"] = lambda: salmon_page.figure_4_1(t["4.1"])
    makers["5.1"] = lambda: furniture_page.figure_exports_5_1(t["5.1"])
    makers["5.2"] = lambda: furniture_page.figure_share_changes_5_2(t["5.2"])
    makers["5.4"] = lambda: furniture_page.figure_employment_5_4(t["5.4"])
    makers["5.5"] = lambda: furniture_page.figure_segusino_ratios_5_5(t["5.5"])
    classified = ch8_trade.classify_table_8_2(t["8.2"])
    panel = classified["panel"].iloc[0]
    makers["quadrant"] = lambda: trade_show.quadrant(classified, panel, "absolute")
    return makers


@pytest.fixture(scope="module")
def makers(book_data):
    return _figure_makers(book_data)


NAMES = ["upgrading_traditional", "governance_traditional", "governance_specialized_suppliers", "ce_index",
         "profiles", "ce_degree", "case", "2.2", "3.2", "4.1", "5.1", "5.2", "5.4", "5.5", "quadrant"]


@pytest.mark.parametrize("name", NAMES)
def test_figure_follows_the_theme(makers, name, tmp_path):
    fig = theme.conform(makers[name]())
    w, h = theme.size(fig)
    assert w in theme.WIDTHS, f"{name}: width {w} in"
    assert 2 <= h <= w, f"{name}: height {h} in"
    assert theme.smallest_font(fig) >= theme.MIN_FONT
    assert all(not ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right"))
    assert fig._suptitle is None or not fig._suptitle.get_text()
    fig.savefig(tmp_path / "f.png", dpi=theme.DPI)
    plt.close(fig)
    px = Image.open(tmp_path / "f.png").size
    assert px[0] == round(w * theme.DPI)


def test_every_figure_function_is_covered(makers):
    assert set(NAMES) <= set(makers)
    public = {n for n in dir(figures) if n.startswith("figure_")}
    assert len(public) == 6, f"a new figure function needs a case here: {sorted(public)}"


def test_conform_catches_a_figure_off_theme():
    """The checks can fail: a figure that ignores the theme is off until conformed."""
    fig, ax = plt.subplots(figsize=(12.7, 4))
    ax.plot([0, 1, 2], [0, 1, 0], color="red")
    ax.plot([0, 1, 2], [1, 0, 1], color="green")
    ax.set_title("Table 9.9")
    ax.text(0.5, 0.5, "tiny", fontsize=4)
    assert theme.size(fig)[0] not in theme.WIDTHS and theme.smallest_font(fig) < theme.MIN_FONT
    theme.conform(fig)
    assert theme.size(fig)[0] == theme.FULL_WIDTH and theme.smallest_font(fig) >= theme.MIN_FONT
    assert not ax.get_title()
    styles = {str(line.get_linestyle()) for line in ax.get_lines()}
    assert len(styles) == 2, "two lines told apart by colour alone"
    plt.close(fig)


def test_palette_is_okabe_ito():
    assert theme.OKABE_ITO[1:4] == ("#E69F00", "#56B4E9", "#009E73")
    assert len(set(theme.MARKERS)) == len(theme.MARKERS) and len(set(map(str, theme.LINESTYLES))) == len(theme.LINESTYLES)


@pytest.mark.parametrize("name", NAMES)
def test_figure_is_themed_whatever_ran_before(makers, name):
    """A figure drawn in a kernel where nothing set the theme (matplotlib's defaults) still
    gets the theme's fonts and grid: it does not depend on which page the kernel ran before
    (two builds gave differently styled PNGs when only some figure functions set it)."""
    matplotlib.rcdefaults()
    fig = makers[name]()
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert all(t.get_fontfamily() == ["DejaVu Sans"] for t in texts)
    assert matplotlib.rcParams["svg.hashsalt"] == "upgrading-to-compete", name  # theme.use() ran
    plt.close(fig)


@pytest.mark.parametrize("name", NAMES)
def test_figure_has_one_y_axis_per_panel(makers, name):
    """No twin axes (the theme's rule: one y-axis unless unavoidable): a twinx panel is a
    second axes at exactly the position of another."""
    fig = theme.conform(makers[name]())
    boxes = [tuple(round(v, 4) for v in ax.get_position().bounds) for ax in fig.axes if ax.get_visible()]
    assert len(boxes) == len(set(boxes)), f"{name}: twin axes"
    plt.close(fig)
