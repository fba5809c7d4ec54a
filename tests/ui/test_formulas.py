"""Formulas render with their hats where they belong: in the settings panel, its tooltips and the
"Inside the step" readout (the text conversion itself: tests/core/test_notation.py)."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from landscape_app.core.notation import html
from landscape_app.core.optimizers import OPTIMIZERS


def ink(qtbot, text: str, rich: bool = True) -> np.ndarray:
    """Dark pixels of ``text`` drawn by a QLabel at 48 pt: a boolean (rows, columns) array."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setText(text)
    font = QFont(label.font())
    font.setPointSize(48)
    label.setFont(font)
    label.setStyleSheet("background: white; color: black;")
    qtbot.addWidget(label)
    label.adjustSize()
    image = label.grab().toImage()
    pixels = np.array([[image.pixelColor(x, y).lightness() for x in range(image.width())]
                       for y in range(image.height())])
    return pixels < 128


def hat_over_letter(qtbot, markup: str, letter: str, rich: bool = True) -> bool:
    """Whether the hatted letter has ink above the top of the bare letter, over the letter's columns."""
    bare, hatted = ink(qtbot, letter, rich), ink(qtbot, markup, rich)
    top = np.flatnonzero(bare.any(axis=1))[0]
    columns = np.flatnonzero(bare.any(axis=0))
    above = hatted[:top - 2]
    return bool(above[:, columns[0]:columns[-1] + 1].sum() > 10)


@pytest.mark.parametrize("letter", ["m", "v"])
def test_hats_sit_on_their_letters(qtbot, letter):
    assert hat_over_letter(qtbot, html(letter + "\u0302"), html(letter))


def test_the_plain_text_hat_is_lost_on_dejavu_sans(qtbot):
    """Why the formulas are rich text: DejaVu Sans' upright face drops the combining hat of m̂ (the
    issue's "m and v without hats"); other fonts may draw it, so this only runs on DejaVu Sans."""
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QApplication

    if QFontInfo(QApplication.font()).family() != "DejaVu Sans":
        pytest.skip("the plain-text failure is DejaVu Sans' own")
    assert not hat_over_letter(qtbot, "m\u0302", "m", rich=False)


def test_the_settings_panel_shows_adams_rule_as_rich_text(window, qtbot):
    state = window.state
    state.select(4)  # Adam in the default race
    form = window.hyper_form
    assert form.rule.textFormat() == Qt.TextFormat.RichText
    assert form.rule.text() == OPTIMIZERS["adam"].rule_html
    assert "<i>m̂</i>" in form.rule.text() and "<i>v̂</i>" in form.rule.text()
    combo = form.editors["optimizer"]
    tips = [combo.itemData(k, Qt.ItemDataRole.ToolTipRole) for k in range(combo.count())]
    assert tips == [o.rule_html for o in OPTIMIZERS.values()]
    # the hyperparameters' symbols with real subscripts: σ_g → σ<sub>g</sub>
    labels = [form.form.labelForField(form.editors[name]).text() for name in ("noise", "clip_value")]
    assert "σ<sub><i>g</i></sub>" in labels[0] and "<i>c</i><sub><i>v</i></sub>" in labels[1]


def test_the_readout_names_adams_moments_with_hats(window, qtbot):
    state = window.state
    state.select(4)
    state.set_step(5)
    qtbot.waitUntil(lambda: "<i>m̂</i>" in window.readout.text(), timeout=1000)
    assert "α / (√<i>v̂</i> + ε)" in window.readout.text()
