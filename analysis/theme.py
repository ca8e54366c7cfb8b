"""The one figure theme of the book (issue 12): every figure uses it.

- Two widths: :data:`COLUMN_WIDTH` (6.5 in, the text column) and :data:`FULL_WIDTH`
  (9 in, figures shown across the page); fonts of at least :data:`MIN_FONT` pt at that size.
- The Okabe–Ito colour-blind-safe palette, with redundant markers, line styles and
  hatches, so no two series are told apart by colour alone.
- Legends outside the data; no titles inside images (the caption carries the title);
  one y-axis.
- Figures keep a white background; in dark mode the page sets them on a light panel
  (``_static/book.css``), so they read the same in both modes.

:func:`use` sets the style; :func:`new_figure` makes a figure of a theme size;
:func:`conform` (applied by :meth:`analysis.report.present.Page.figure` to every
figure) enforces widths, fonts, titles and redundant line encodings on any figure;
:func:`smallest_font` and :func:`size` are what ``tests/test_theme.py`` checks.
"""
from __future__ import annotations

import itertools

COLUMN_WIDTH = 6.5
FULL_WIDTH = 9.0
WIDTHS = (COLUMN_WIDTH, FULL_WIDTH)
MIN_FONT = 8.0
BASE_FONT = 9.0
DPI = 300

# Okabe & Ito (2008), "Color Universal Design": black first, then the seven colours
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
PALETTE = OKABE_ITO[1:] + OKABE_ITO[:1]      # series colours (orange, sky blue, green, ...)
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
# ordered categories (CE degree low/medium/high, governance codes 0-3): one hue, light to dark
SEQUENTIAL = ("#C6DBEF", "#6BAED6", "#2171B5", "#08306B")
GREY = "#8C8C8C"


def use() -> None:
    """Set the theme's matplotlib style (fonts, palette with markers and line styles, grid)."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "font.family": "DejaVu Sans",
        "font.size": BASE_FONT,
        "axes.titlesize": BASE_FONT,
        "axes.labelsize": BASE_FONT,
        "xtick.labelsize": MIN_FONT + 0.5,
        "ytick.labelsize": MIN_FONT + 0.5,
        "legend.fontsize": MIN_FONT + 0.5,
        "legend.title_fontsize": MIN_FONT + 0.5,
        "legend.frameon": False,
        "figure.titlesize": BASE_FONT,
        "axes.prop_cycle": cycler(color=PALETTE[:7]) + cycler(marker=MARKERS[:7]) + cycler(linestyle=LINESTYLES[:7]),
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "figure.dpi": 100,
        "savefig.dpi": DPI,
        "svg.hashsalt": "upgrading-to-compete",
        "lines.markersize": 5,
    })


def themed(draw):
    """Decorator for every function that draws a figure: sets the theme (:func:`use`) and seeds
    numpy's global generator (seaborn's strip-plot jitter draws from it) before drawing, so a
    figure looks the same whichever page the kernel ran before it, and two builds draw
    identical files."""
    import functools

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        import numpy as np

        use()
        np.random.seed(20061)
        return draw(*args, **kwargs)
    return wrapper


def figsize(width: str = "column", aspect: float = 0.55) -> tuple[float, float]:
    """(width, height) in inches: ``width`` "column" (6.5 in) or "full" (9 in)."""
    w = FULL_WIDTH if width == "full" else COLUMN_WIDTH
    return (w, round(w * aspect, 2))


def new_figure(width: str = "column", aspect: float = 0.55, ncols: int = 1, **kw):
    """A figure of a theme size with ``ncols`` axes (``sharey`` etc. through ``kw``)."""
    import matplotlib.pyplot as plt

    use()
    fig, axes = plt.subplots(1, ncols, figsize=figsize(width, aspect), **kw)
    return fig, axes


def legend_outside(ax, **kw):
    """A legend to the right of the axes, outside the data."""
    kw.setdefault("loc", "upper left")
    kw.setdefault("bbox_to_anchor", (1.01, 1.0))
    kw.setdefault("borderaxespad", 0.0)
    return ax.legend(**kw)


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def smallest_font(fig) -> float:
    """The smallest font size (pt) of any visible text of ``fig``."""
    return min((t.get_fontsize() for t in _texts(fig)), default=MIN_FONT)


def size(fig) -> tuple[float, float]:
    w, h = fig.get_size_inches()
    return float(w), float(h)


def conform(fig):
    """Make any figure follow the theme (done for every figure a page shows):

    - width set to the column (6.5 in) or full width (9 in), whichever is nearer,
      height scaled with it;
    - titles removed from the image (the caption carries them);
    - every text at least :data:`MIN_FONT` pt;
    - lines that share colour and style get distinct line styles and markers;
    - layout recomputed so legends outside the axes stay inside the image.
    """
    w, h = size(fig)
    target = min(WIDTHS, key=lambda x: abs(x - w))
    fig.set_size_inches(target, max(2.2, min(h * target / w, target * 0.9)))
    if fig._suptitle is not None:
        fig._suptitle.set_text("")
    for ax in fig.axes:
        for loc in ("center", "left", "right"):
            ax.set_title("", loc=loc)
    for t in fig.texts:
        t.set_wrap(True)  # a long source or note line wraps inside the image
    for t in _texts(fig):
        if t.get_fontsize() < MIN_FONT:
            t.set_fontsize(MIN_FONT)
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2 and ln.get_linestyle() not in ("None", "")]
        if len(lines) > 1 and len({str(ln.get_linestyle()) for ln in lines}) == 1:
            for ln, style, marker in zip(lines, itertools.cycle(LINESTYLES), itertools.cycle(MARKERS)):
                ln.set_linestyle(style)
                if ln.get_marker() in (None, "None", ""):
                    ln.set_marker(marker)
            _refresh_legend(ax)
        _legend_outside_data(ax)
    _layout(fig)
    return fig


def _legend_outside_data(ax) -> None:
    """Move an axes legend that sits inside the axes to the right of them, outside the data."""
    leg = ax.get_legend()
    if leg is None:
        return
    anchor = leg.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    if anchor.x0 >= 1.0 or anchor.x1 > 1.2:  # already outside (anchored beyond the right edge)
        return
    title = leg.get_title().get_text()
    handles = leg.legend_handles
    labels = [t.get_text() for t in leg.get_texts()]
    leg.remove()
    legend_outside(ax, handles=handles, labels=labels, title=title or None)


def _refresh_legend(ax) -> None:
    """Re-draw an axes legend from its artists (so changed line styles show in it too)."""
    old = ax.get_legend()
    if old is None:
        return
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    title = old.get_title().get_text()
    anchor = old.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    ax.legend(handles, labels, title=title or None, loc=old._loc,
              bbox_to_anchor=(anchor.x0, anchor.y0, anchor.width, anchor.height))


def _layout(fig) -> None:
    """Lay the figure out at its final size when saved: a constrained layout is kept,
    any other gets the tight layout (which keeps legends outside the axes in the image),
    leaving room at the bottom for a source line written with ``fig.text`` near y = 0."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        return
    bottom_text = any(t.get_position()[1] < 0.05 for t in fig.texts)
    rect = (0, 0.3 / fig.get_size_inches()[1] if bottom_text else 0, 1, 1)
    fig.set_layout_engine("tight", rect=rect)
