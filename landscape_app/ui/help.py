"""Help → Keyboard shortcuts and Help → What am I looking at?, in one non-modal window.

The shortcut table is read from the window's own actions when it is shown, so it lists exactly
the keys that work (a key added to an action appears here by itself); mouse gestures are listed
by hand.  The views are explained for a student seeing the app for the first time.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QTabWidget, QTextBrowser, QVBoxLayout

MOUSE = (("drag the start point (or click the landscape)", "move the start: every racer runs again at once"),
         ("mouse wheel / right-drag on the landscape", "zoom; Reset view goes back"),
         ("double-click a racer", "rename it"),
         ("drag in the 3-D view", "orbit the camera; Ctrl+drag pans, the wheel zooms"),
         ("Shift+drag in the 3-D view", "move the start on the surface"),
         ("drag the timeline", "move the play head to any step"))

VIEWS = (
    ("The landscape", "A map of the loss f(x, y) seen from above: colour is the height (f − f_min, pale lilac "
     "low, pale yellow high; the colour bar reads it), the grey lines are contour lines (equal height; close "
     "together means steep). A filled white star is a global minimum, a hollow star a local one (on a "
     "batch-normalized surface a dashed ray: every point of the best direction). Each racer is an "
     "optimizer started from the same point "
     "(the white ring): its trail is the path its steps took so far, its marker is where it is now, and the "
     "faint line ahead is the rest of its route (View → Future route hides it). The surface's domain is "
     "framed; beyond the frame the map is faded. A red ✕ marks where a diverged racer left the domain."),
    ("Racers", "Each line is one optimizer with its own colour, dash pattern and marker (the legend above "
     "the landscape shows all three). Tick to show or hide, double-click to rename; Add, Duplicate, Remove, "
     "Colour…."),
    ("Settings of the selected racer", "The update rule of the selected racer and its hyperparameters: α "
     "(learning rate), β₁ and β₂ (how much of the past is kept), ε, the learning-rate schedule, gradient noise "
     "and clipping. A value that cannot be used is refused, with the reason under the field."),
    ("The loss plot", "f − f_min against the step number, on a log scale: a straight falling line means the "
     "error shrinks by the same factor every step. The dashed vertical line is the play head."),
    ("The leaderboard", "The visible racers at the play head, best first: converged racers by the step they "
     "got there, the others by how far above the minimum they are, diverged racers last. 'Local minimum' "
     "means settled in a well that is not the lowest."),
    ("Inside the step", "What the selected racer computed at the play head: the gradient, and the optimizer's "
     "memory (momentum v, Adam's m and v with their bias-corrected m̂, v̂, AdaGrad's sum G …). Step vectors "
     "(key V) draw the same step as arrows on the landscape."),
    ("3-D view", "The same landscape as a surface (heights are f − f_min) with the trails on it. Log height "
     "helps on surfaces spanning many decades; Height × exaggerates."),
    ("Basins of attraction (key B)", "Every start point coloured by the minimum the selected racer reaches "
     "from there (the legend names each minimum; grey: never settles, black: diverges; darker: slower). The "
     "slider in the legend (under the landscape) sets how strongly the overlay covers it."),
    ("Ghost paths (key G)", "The selected racer again for seven learning rates around its own, coloured from "
     "small α to large α as the legend's ramp shows: where a larger α starts to overshoot or diverge."),
    ("Hyperparameter sweep", "Final f − f_min for a grid (or random sample) of two hyperparameters, α on a log "
     "axis; click a cell to give its values to the selected racer, drag a rectangle to zoom in."),
    ("Tune α", "Tries 41 learning rates and picks the best one that keeps a safety margin: its neighbours on "
     "the grid converge too, so a small change does not make the race blow up."),
)


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(keys, what they do) for every action of the window that has a shortcut."""
    rows, seen = [], set()
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if not keys:
            continue
        what = (action.toolTip() or action.text()).replace("&", "")
        if what == action.text().replace("&", "") or not what:
            what = action.text().replace("&", "")
        key = (" / ".join(keys), what)
        if key not in seen:
            seen.add(key)
            rows.append(key)
    return sorted(rows, key=lambda r: (len(r[0]) > 3, r[0]))


class HelpWindow(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Landscape — help")
        self.setModal(False)
        self.tabs = QTabWidget()
        self.views = QTextBrowser()
        self.views.setOpenExternalLinks(False)
        self.keys = QTextBrowser()
        self.tabs.addTab(self.views, "What am I looking at?")
        self.tabs.addTab(self.keys, "Keyboard shortcuts")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        self.resize(640, 520)
        self.views.setHtml("".join(f"<h3>{html.escape(t)}</h3><p>{html.escape(text)}</p>" for t, text in VIEWS))

    def refresh_keys(self) -> None:
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>&nbsp;&nbsp;{html.escape(w)}</td></tr>"
                       for k, w in shortcut_rows(self.window_))
        mouse = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>&nbsp;&nbsp;{html.escape(w)}</td></tr>"
                        for k, w in MOUSE)
        self.keys.setHtml("<p>Single keys act on the window, never while you type in a field.</p>"
                          f"<table>{rows}</table><h3>Mouse</h3><table>{mouse}</table>")

    def show_tab(self, index: int) -> None:
        self.refresh_keys()
        self.tabs.setCurrentIndex(index)
        self.show()
        self.raise_()


class HelpMenu(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog: HelpWindow | None = None
        menu = self.menu = window.menu("&Help")
        self.views_action = QAction("&What am I looking at?", window)
        self.views_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.views_action.setToolTip("Explain each part of the window")
        self.views_action.triggered.connect(lambda: self.show(0))
        self.keys_action = QAction("&Keyboard shortcuts", window)
        self.keys_action.setToolTip("Every key and mouse gesture")
        self.keys_action.triggered.connect(lambda: self.show(1))
        for a in (self.views_action, self.keys_action):
            menu.addAction(a)
            window.addAction(a)
        self.views_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def show(self, tab: int) -> HelpWindow:
        if self.dialog is None:
            self.dialog = HelpWindow(self.window)
        self.dialog.show_tab(tab)
        return self.dialog
