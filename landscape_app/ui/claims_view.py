"""A demo's claims under its explanation, each checked on the race on screen: ✓ or ✗ with the numbers
measured ("Nesterov converges before Momentum (step 61 vs step 118)").  The checks are the core's
(``core.claims.check``); they cost about a millisecond, and run at most five times a second while
the start is dragged or a value slid, so a teacher sees at once whether the race still shows the
lesson after a change."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ..core.claims import check
from .state import AppState
from .throttle import Throttle

PASS, FAIL = "#1b7a2f", "#c62828"


class ClaimsView(QLabel):
    """Hidden when the scenario claims nothing (a plain surface, a demo whose claims were dropped
    with the racers they named)."""

    TIP = ("The demo's lesson as checkable claims, checked on the race on screen: "
           "change a setting and see whether the race still shows it")

    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.results = []  # the ClaimResults on show
        self.enabled = True  # the user may hide the claims (Lessons menu)
        self.stale = False  # the runs on show belong to an earlier setup (new ones are computing)
        self.compact = False  # presentation mode: one line of marks, the sentences in the tooltip
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("padding: 0px 6px 4px 6px;")
        self.setToolTip(self.TIP)
        self._throttle = Throttle(self.refresh, 200, self)
        for signal in (state.runsChanged, state.racersChanged, state.storyChanged, state.busyChanged,
                       state.changed):
            signal.connect(self._throttle.request)
        self.refresh()

    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self.refresh()

    def set_compact(self, on: bool) -> None:
        """Presentation mode: at 1.5× font the sentences took five lines of a 720-px projector
        above the landscape; the marks alone say whether the lesson holds, hover for the rest."""
        if self.compact != bool(on):
            self.compact = bool(on)
            self.refresh()

    def flush(self) -> None:
        """Show the latest check now (tests, the GUI monkey)."""
        self._throttle.flush()

    def refresh(self) -> None:
        state = self.state
        sc = state.scenario
        if not sc.claims or not state.ready or not self.enabled:
            self.results = []
            self.hide()
            return
        if len(state.runs) == len(state.racers) and not state.busy:
            self.results = check(sc, state.runs)
            self.stale = False
        else:  # the runs are being computed: keep the last check, greyed
            self.stale = True
        self.setText(self._html())
        self.setToolTip(self._html(full=True) if self.compact and self.results else self.TIP)
        self.show()

    def _html(self, full: bool = False) -> str:
        if not self.results:  # the first check waits for the runs
            return "<span style='color:#999'>checking the demo's claims…</span>"
        held = sum(r.passed for r in self.results)
        colour = PASS if held == len(self.results) else FAIL
        head = (f"<b>The lesson, checked on this race</b> (<span style='color:{colour}'>{held} of "
                f"{len(self.results)} hold</span>):")
        marks = [f"<span style='color:{PASS}'>✓</span>" if r.passed else f"<span style='color:{FAIL}'>✗</span>"
                 for r in self.results]
        items = [f"{mark}&nbsp;{html.escape(r.sentence)} <span style='color:#666'>({html.escape(r.evidence)})</span>"
                 for mark, r in zip(marks, self.results)]
        if full:  # the tooltip of the compact line: one claim a line
            return f"{head}<br>" + "<br>".join(items)
        if self.compact:
            body = "&nbsp;".join(marks) + "&nbsp;&nbsp; <span style='color:#666'>(hover for the claims)</span>"
        else:
            body = "&nbsp;&nbsp;&nbsp; ".join(items)
        if self.stale:
            return f"<span style='color:#999'>{head} recomputing… {body}</span>"
        return f"{head}&nbsp;&nbsp; {body}"
