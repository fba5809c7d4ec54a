import numpy as np
import pyqtgraph as pg

from landscape_app.ui.plot_style import decade_ticks, long_curve, thin_long_curves


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


def test_decade_ticks_label_powers_of_ten_and_leave_short_ranges_to_pyqtgraph(qtbot):
    """At most six labelled decades and no minor level; a range with fewer than two powers of ten
    (a Tune α plot whose final losses all lie within one decade) got no label at all."""
    axis = pg.AxisItem("left")
    axis.setLogMode(True)
    decade_ticks(axis, -16.3, 2.2)
    major, minor = axis._tickLevels
    assert [v for v, _ in major] == [-16, -12, -8, -4, 0] and minor == []
    decade_ticks(axis, -1.2, 0.1)
    assert [v for v, _ in axis._tickLevels[0]] == [-1, 0]
    decade_ticks(axis, -0.6, -0.3)
    assert axis._tickLevels is None  # pyqtgraph's own ticks (2, 3, 5 × 10⁻¹ …)
    decade_ticks(axis, -0.2, 0.3)  # one power of ten: one label would give no scale
    assert axis._tickLevels is None
