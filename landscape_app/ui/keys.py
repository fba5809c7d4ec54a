"""Single-key shortcuts (Space, arrows, R, V, B, G, 3, …) act on the window, never on what is typed.

Qt asks the focused widget first (a ShortcutOverride event) whether it wants a key that is also
a shortcut.  Not every editor says yes to every key it uses (a spin box lets Space and letters go
to the window's shortcuts), so typing "1 2" in a field started the race.  This filter answers for
them: while a text field has the focus, every key without Ctrl/Alt/Meta is the field's; while a
slider, list or combo box has it, the arrow keys are its own.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox,
                               QLineEdit, QPlainTextEdit, QTextEdit)

NAVIGATION = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End,
              Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                     | Qt.KeyboardModifier.MetaModifier)


def is_text_field(widget) -> bool:
    if isinstance(widget, (QLineEdit, QAbstractSpinBox, QPlainTextEdit)):
        return True
    if isinstance(widget, QTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


def belongs_to_widget(widget, key: int, modifiers) -> bool:
    """True when ``widget`` (which has the focus) should get ``key`` instead of a window shortcut."""
    if widget is None or modifiers & COMMAND_MODIFIERS:
        return False
    if is_text_field(widget):
        return key < Qt.Key.Key_Escape or key in NAVIGATION or key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete)
    return key in NAVIGATION and isinstance(widget, (QAbstractSlider, QComboBox, QAbstractItemView))


class TypingGuard(QObject):
    """Install once (``TypingGuard.install()``).  It filters only the widget with the focus, where
    ShortcutOverride arrives: an application-wide Python filter would be called for every event of
    every widget (thousands per repaint of the window)."""

    _installed = None

    @classmethod
    def install(cls) -> "TypingGuard":
        if cls._installed is None:
            app = QApplication.instance()
            cls._installed = guard = cls(app)
            app.focusChanged.connect(guard._follow_focus)
            guard._follow_focus(None, app.focusWidget())
        return cls._installed

    def _follow_focus(self, old, new) -> None:
        if old is not None and shiboken6.isValid(old):
            old.removeEventFilter(self)
        if new is not None:
            new.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and belongs_to_widget(obj, event.key(), event.modifiers()):
            event.accept()  # the key goes to the field as a normal key press
            return True
        return False
