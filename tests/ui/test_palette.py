"""Racer colours readable on the whole colour map, told apart without colour too, new racers on the
least-used colour, step vectors in colours no racer has."""
import itertools

import numpy as np
import pytest
from PySide6.QtGui import QColor

from landscape_app.core.presets import preset_files
from landscape_app.core.scenario import load
from landscape_app.ui import palette
from landscape_app.ui.colormap import extremes
from landscape_app.ui.state import default_scenario

WCAG_GRAPHICS = 3.0  # WCAG 2.1 SC 1.4.11: lines and symbols that carry meaning


def test_the_wcag_measures_match_known_values():
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.delta_e("#ff0000", "#ff0000") == 0 and palette.delta_e("#000000", "#ffffff") == pytest.approx(100, abs=0.1)


@pytest.mark.parametrize("colour", palette.PALETTE + palette.VECTOR_COLOURS)
def test_every_colour_reads_on_the_darkest_and_the_lightest_part_of_the_map(colour):
    darkest, lightest = extremes()
    assert palette.contrast(colour, darkest) >= WCAG_GRAPHICS
    assert palette.contrast(colour, lightest) >= WCAG_GRAPHICS


def test_the_old_palette_and_plain_okabe_ito_did_not():
    """What the issue measured: the light hues vanish on the valleys (the test above can fail)."""
    darkest, _ = extremes()
    assert min(palette.contrast(c, darkest) for c in palette.OKABE_ITO.values()) < 2.0


def test_the_palette_keeps_okabe_itos_hues_apart():
    hue = lambda c: np.degrees(np.arctan2(palette.lab(c)[2], palette.lab(c)[1])) % 360  # noqa: E731
    for new, original in zip(palette.PALETTE, palette.OKABE_ITO.values()):
        assert min(abs(hue(new) - hue(original)), 360 - abs(hue(new) - hue(original))) < 12
    assert min(palette.delta_e(a, b) for a, b in itertools.combinations(palette.PALETTE, 2)) > 15
    lightness = sorted(palette.lab(c)[0] for c in palette.PALETTE)
    assert lightness[-1] - lightness[0] > 10  # lightness differs too: apart without hue


def test_step_vectors_have_colours_no_racer_has():
    for v in palette.VECTOR_COLOURS:
        assert min(palette.delta_e(v, c) for c in palette.PALETTE) > 20


def test_racers_differ_by_dash_and_marker_as_well_as_colour():
    n = len(palette.PALETTE) + 1
    styles = {(palette.dash(i), palette.marker(i)) for i in range(n)}
    assert len(styles) == n  # even the 7th racer, whose colour repeats, looks different
    assert len({palette.marker(i) for i in range(len(palette.MARKERS))}) == len(palette.MARKERS)
    areas = [palette.marker_path(m, 10).boundingRect() for m in palette.MARKERS]
    assert all(7 <= r.width() <= 13 and 7 <= r.height() <= 13 for r in areas)


def test_the_trails_heads_and_legend_show_each_racers_style(window):
    view, state = window.view, window.state
    patterns = [tuple(c.opts["pen"].dashPattern()) if c.opts["pen"].style() != 1 else () for c in view.curves]
    assert len(set(patterns)) == len(state.racers)
    shapes = [tuple((round(p.x(), 1), round(p.y(), 1)) for p in h.path().toFillPolygon()) for h in view.heads]
    assert len(set(shapes)) == len(state.racers)
    title = view.getPlotItem().titleLabel.text
    assert title.count("<img src='data:image/png;base64,") == len(state.racers)
    assert all(r.name in title for r in state.racers)


def test_a_legend_sample_is_drawn_with_the_racers_colour_and_dash():
    solid = palette.sample(0, palette.PALETTE[0], 20)
    dashed = palette.sample(1, palette.PALETTE[0], 20)
    row = [QColor(solid.pixel(x, 10)).name() for x in range(2, 30)]
    assert row.count(palette.PALETTE[0]) > 20
    gaps = [QColor(dashed.pixelColor(x, 10)).alpha() == 0 for x in range(2, 30)]
    assert any(gaps) and not all(gaps)


def test_a_new_racer_takes_the_least_used_colour(window):
    state = window.state
    for optimizer in ("adam", "adamw", "rprop", "sgd", "adagrad"):
        used = [r.color for r in state.racers]
        expected = min(palette.PALETTE, key=lambda c: (used.count(c), palette.PALETTE.index(c)))
        next(a for a in window.racer_list.add_button.menu().actions()
             if a.text() == {"adam": "Adam", "adamw": "AdamW", "rprop": "Rprop", "sgd": "SGD",
                             "adagrad": "AdaGrad"}[optimizer]).trigger()
        assert state.racers[-1].color == expected
    counts = [[r.color for r in state.racers].count(c) for c in palette.PALETTE]
    assert max(counts) - min(counts) <= 1  # spread over the palette, no near-duplicates while one is free


def test_the_default_race_and_every_demo_use_distinct_palette_colours():
    for sc in [default_scenario()] + [load(p) for p in preset_files()]:
        colours = [r.color for r in sc.racers]
        assert set(colours) <= set(palette.PALETTE), sc.title
        assert len(set(colours)) == len(colours), sc.title


def test_the_loss_curves_carry_the_same_dashes_as_the_trails(window):
    for trail, loss in zip(window.view.curves, window.loss_plot.curves):
        a, b = trail.opts["pen"], loss.opts["pen"]
        assert a.style() == b.style() and list(a.dashPattern()) == list(b.dashPattern())
    window.present_action.setChecked(True)
    assert [c.opts["pen"].style() for c in window.loss_plot.curves] == [c.opts["pen"].style() for c in window.view.curves]
    window.present_action.setChecked(False)


@pytest.mark.parametrize("colour", palette.PALETTE)
def test_a_faint_colour_looks_translucent_on_white_but_is_opaque(colour):
    """Routes are drawn faint; a translucent pen made Qt blend pixel by pixel (10–50 ms a zig-zag)."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    translucent = QColor(colour)
    translucent.setAlphaF(0.31)
    painter = QPainter(image)
    painter.fillRect(0, 0, 4, 4, translucent)
    painter.end()
    seen, faint = image.pixelColor(1, 1), palette.faint(colour)
    assert faint.alpha() == 255
    assert max(abs(a - b) for a, b in zip(seen.getRgb()[:3], faint.getRgb()[:3])) <= 2
