import numpy as np
import pyqtgraph as pg

from landscape_app.ui.plot_style import long_curve, thin_long_curves


def test_a_long_curve_draws_each_pixel_columns_extremes_once(qtbot):
    """10⁵ noisy steps on a few hundred pixels: two points per pixel column (its lowest and highest),
    not pyqtgraph's ten, and no extreme lost."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(360, 240)
    thin_long_curves(widget.getPlotItem())
    curve = long_curve()
    widget.addItem(curve)
    y = np.random.default_rng(0).normal(size=100_000)
    curve.setData(np.arange(len(y)), y)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: curve.curve.xData is not None and len(curve.curve.xData) < len(y))
    shown = curve.curve.yData
    columns = widget.getPlotItem().getViewBox().width()
    assert len(shown) <= 2 * columns + 8, (len(shown), columns)
    assert shown.max() == y.max() and shown.min() == y.min()
