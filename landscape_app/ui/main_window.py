"""The main window: the landscape in the middle, racers and their settings on the right, the loss
plot and leaderboard below, transport controls on top."""
from __future__ import annotations

import math
import time

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QLabel, QMainWindow, QMenu, QPushButton,
                               QScrollArea, QSlider, QSpinBox,
                               QSplitter, QToolBar, QVBoxLayout, QWidget)

from ..core.surfaces import SURFACES
from . import step_vectors
from .claims_view import ClaimsView
from .contour_view import ContourView
from .leaderboard import Leaderboard
from .loss_plot import LossPlot
from .lr_plot import LearningRatePlot
from .panels.ewa import EwaPanel
from .panels.hyper_form import HyperForm
from .panels.racer_list import RacerList
from .state import AppState
from .throttle import Throttle
from .view3d import ViewLayout

FRAME_MS = 16  # the play clock: ~60 frames per second


def speed_to_slider(speed: float) -> int:
    return round(math.log10(speed) / 3 * 1000)  # 1 … 1000 steps per second, log scale


def slider_to_speed(ticks: int) -> float:
    return float(f"{10 ** (ticks / 1000 * 3):.3g}")


class MainWindow(QMainWindow):
    def __init__(self, state: AppState, settings: QSettings | None = None):
        super().__init__()
        self.state = state
        self.settings = settings
        self.setWindowTitle("Landscape — optimizers racing on loss surfaces")
        self.resize(1400, 900)

        self.view = ContourView(state)
        self.loss_plot = LossPlot(state)
        self.leaderboard = Leaderboard(state)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.loss_plot)
        bottom.addWidget(self.leaderboard)
        bottom.setSizes([700, 500])
        self.views = ViewLayout(self, state, self.view)  # 2-D, 3-D or both (key 3)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(self.views.splitter)
        centre.addWidget(bottom)
        centre.setSizes([640, 240])
        self.story = QLabel()
        self.story.setWordWrap(True)
        self.story.setStyleSheet("color: #333; padding: 4px 6px;")
        host = QWidget()
        lay = QVBoxLayout(host)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.story)
        lay.addWidget(centre, 1)
        self.setCentralWidget(host)

        self.racer_list = RacerList(state)
        self.hyper_form = HyperForm(state)
        self.readout = QLabel()
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.readout.setStyleSheet("font-family: monospace; padding: 4px;")
        self._normal_font = None  # the application font before presentation mode
        self.racers_dock = racers_dock = self._dock("Racers", self.racer_list, "racers")
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.hyper_form)
        settings_dock = self._dock("Settings of the selected racer", form_scroll, "settings")
        self.readout_dock = self._dock("Inside the step", self.readout, "readout")
        # the list needs a few rows, the form most of the height, the readout a dozen lines
        self.resizeDocks([racers_dock, settings_dock, self.readout_dock], [200, 430, 240], Qt.Orientation.Vertical)
        self.resizeDocks([racers_dock], [380], Qt.Orientation.Horizontal)

        self._build_toolbar()
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        # long computations (many steps, big data sets) run in the background: progress and a way out
        self.compute_label = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop computing and go back to the previous setup")
        self.cancel_button.clicked.connect(state.cancel_compute)
        for w in (self.compute_label, self.cancel_button):
            w.hide()
            self.statusBar().addPermanentWidget(w)
        self._busy_timer = QTimer(self, singleShot=True, interval=300)  # quick ones never flash it
        self._busy_timer.timeout.connect(self._show_busy)
        state.busyChanged.connect(self._busy_changed)
        state.computeProgress.connect(lambda done, total: self.compute_label.setText(
            f"computing trajectories… {done}/{total} racers"))

        self.timer = QTimer(self, interval=FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self._carry = 0.0
        self._last_tick = None
        self._fps = 0.0

        state.surfaceChanged.connect(self._surface_changed)
        state.storyChanged.connect(self._surface_changed)
        state.stepChanged.connect(lambda _: self._refresh_status())
        self._readout_throttle = Throttle(self._refresh_readout, 100, self)
        state.runsChanged.connect(self._readout_throttle.request)
        state.stepChanged.connect(self._readout_throttle.request)
        state.selectionChanged.connect(self._readout_throttle.request)
        state.settingsChanged.connect(self._settings_changed)
        state.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self._surface_changed()
        self._settings_changed()
        self._refresh_status()
        self._add_lesson_views()

    # ------------------------------------------------------------------ lesson views
    def _add_lesson_views(self) -> None:
        """The views of the seeds' lessons, kept together: the demo's claims checked on the race
        under its explanation, the learning rate beside the loss plot, the exponentially weighted
        averages panel (a bottom dock, closed at first), and a Lessons menu that shows and hides
        them and stretches the landscape's axes."""
        self.claims_view = ClaimsView(self.state)
        self.centralWidget().layout().insertWidget(1, self.claims_view)  # right under the explanation
        self.lr_plot = LearningRatePlot(self.state)
        bottom = self.loss_plot.parentWidget()  # the splitter of the loss plot and the leaderboard
        bottom.insertWidget(1, self.lr_plot)
        bottom.setSizes([300, 280, 440])
        self.ewa_panel = EwaPanel(self.state)
        self.ewa_dock = self._dock("Exponentially weighted averages", self.ewa_panel, "ewa")
        self.ewa_dock.setFeatures(self.ewa_dock.features() | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)  # racers keep their height
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.ewa_dock)
        self.ewa_dock.hide()
        self.ewa_dock.visibilityChanged.connect(
            lambda shown: self.resizeDocks([self.ewa_dock], [330], Qt.Orientation.Vertical) if shown else None)
        self.lessons_menu = menu = QMenu("&Lessons", self)
        claims = menu.addAction("The demo's claims, checked on the race")
        claims.setCheckable(True)
        claims.setChecked(True)
        claims.toggled.connect(self.claims_view.set_enabled)
        rates = menu.addAction("Learning rate beside the loss")
        rates.setCheckable(True)
        rates.setChecked(True)
        rates.toggled.connect(self.lr_plot.setVisible)
        menu.addAction(self.lr_plot.rates_action)
        averages = self.ewa_dock.toggleViewAction()
        averages.setText("Exponentially weighted averages")
        menu.addAction(averages)
        menu.addSeparator()
        menu.addAction(self.view.stretch_action)
        # after the File, Demos and Analysis menus that are added once the window is built
        QTimer.singleShot(0, lambda: self.menuBar().addMenu(menu))

    # ------------------------------------------------------------------ layout
    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_toolbar(self) -> None:
        bar = QToolBar("Controls")
        bar.setObjectName("controls")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.surface_box = QComboBox()
        for s in SURFACES.values():
            self.surface_box.addItem(s.title, s.name)
            self.surface_box.setItemData(self.surface_box.count() - 1, s.story, Qt.ItemDataRole.ToolTipRole)
        self.surface_box.currentIndexChanged.connect(self._surface_chosen)
        bar.addWidget(QLabel(" Surface "))
        bar.addWidget(self.surface_box)
        bar.addSeparator()

        self.play_action = QAction("▶ Play", self, shortcut=QKeySequence(Qt.Key.Key_Space), checkable=True)
        self.play_action.toggled.connect(self.set_playing)
        self.step_action = QAction("Step ▷", self, shortcut=QKeySequence(Qt.Key.Key_Right))
        self.step_action.triggered.connect(lambda: self.state.set_step(self.state.step + 1))
        self.back_action = QAction("◁", self, shortcut=QKeySequence(Qt.Key.Key_Left))
        self.back_action.setToolTip("Step back")
        self.back_action.triggered.connect(lambda: self.state.set_step(self.state.step - 1))
        self.reset_action = QAction("⟲ Reset", self, shortcut=QKeySequence(Qt.Key.Key_R))
        self.reset_action.triggered.connect(self.reset)
        for a in (self.play_action, self.back_action, self.step_action, self.reset_action):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            bar.addAction(a)
            self.addAction(a)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed "))
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, 1000)
        self.speed_slider.setFixedWidth(140)
        self.speed_slider.valueChanged.connect(lambda t: self.state.set_speed(slider_to_speed(t)))
        bar.addWidget(self.speed_slider)
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(80)
        bar.addWidget(self.speed_label)
        bar.addWidget(QLabel(" Max steps "))
        self.steps_box = QSpinBox()
        self.steps_box.setRange(1, 100_000)
        self.steps_box.setSingleStep(100)
        self.steps_box.setKeyboardTracking(False)
        self.steps_box.valueChanged.connect(self.state.set_max_steps)
        bar.addWidget(self.steps_box)
        bar.addSeparator()
        self.vectors_action = QAction("Step vectors", self, checkable=True, shortcut=QKeySequence("V"))
        self.vectors_action.toggled.connect(self._toggle_vectors)
        self.view_action = QAction("Reset view", self)
        self.view_action.triggered.connect(self.views.reset_views)
        self.present_action = QAction("Presentation", self, checkable=True, shortcut=QKeySequence(Qt.Key.Key_F11))
        self.present_action.toggled.connect(self.set_presentation)
        for a in (self.vectors_action, self.view_action, self.present_action):
            bar.addAction(a)
            self.addAction(a)
        bar.addSeparator()
        bar.addActions(self.views.group.actions())
        self.addAction(self.views.cycle_action)

    # ------------------------------------------------------------------ playing
    def set_playing(self, on: bool) -> None:
        self.play_action.blockSignals(True)
        self.play_action.setChecked(on)
        self.play_action.blockSignals(False)
        self.play_action.setText("⏸ Pause" if on else "▶ Play")
        if on:
            if self.state.finished():
                self.state.set_step(0)
            self._carry = 0.0
            self._last_tick = time.perf_counter()
            self.timer.start()
        else:
            self.timer.stop()
            self._refresh_status()

    def reset(self) -> None:
        self.set_playing(False)
        self.state.set_step(0)

    def _tick(self) -> None:
        now = time.perf_counter()
        dt = now - (self._last_tick or now)
        self._last_tick = now
        if dt > 0:
            self._fps = 0.9 * self._fps + 0.1 / dt if self._fps else 1 / dt
        self._carry += self.state.scenario.speed * min(dt, 0.25)
        advance = int(self._carry)
        if advance:
            self._carry -= advance
            self.state.set_step(self.state.step + advance)
        if self.state.finished():
            self.set_playing(False)

    # ------------------------------------------------------------------ reacting
    def _surface_chosen(self, index: int) -> None:
        if index >= 0 and not self.state.attempt(self.state.set_surface, self.surface_box.itemData(index)):
            self._surface_changed()  # the box shows the surface still in use

    def _surface_changed(self) -> None:
        s = self.state.surface
        self.surface_box.blockSignals(True)
        if self.surface_box.findData(s.name) < 0:
            self.surface_box.addItem(s.title, s.name)
        self.surface_box.setCurrentIndex(self.surface_box.findData(s.name))
        self.surface_box.blockSignals(False)
        sc = self.state.scenario
        if sc.explanation:  # a demo explains itself; the surface's story is one hover away
            self.story.setText(f"<b>{sc.title or s.title}.</b> {sc.explanation}")
            self.story.setToolTip(s.story)
        else:
            self.story.setText(f"<b>{s.title}.</b> {s.story}")
            self.story.setToolTip("")

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self.compute_label.setText("computing trajectories…")
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.compute_label.hide()
            self.cancel_button.hide()

    def _show_busy(self) -> None:
        if self.state.busy:
            self.compute_label.show()
            self.cancel_button.show()

    def _settings_changed(self) -> None:
        sc = self.state.scenario
        for w, v in ((self.speed_slider, speed_to_slider(sc.speed)), (self.steps_box, sc.steps)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        self.speed_label.setText(f"{sc.speed:g} steps/s")

    def _refresh_status(self) -> None:
        playing = self.timer.isActive()
        fps = f" · {self._fps:.0f} frames/s" if playing and self._fps else ""
        warming = "" if self.state.ready else " · preparing kernels…"
        self.status_label.setText(f"step {self.state.step} / {self.state.max_steps}{fps}{warming}")

    def _refresh_readout(self) -> None:
        if self.readout_dock.isVisible() and self.state.ready and self.state.runs:
            self.readout.setText(step_vectors.describe(self.state, self.state.selected))

    def _toggle_vectors(self, on: bool) -> None:
        self.view.set_show_vectors(on)

    def set_presentation(self, on: bool) -> None:
        """Full screen, fonts ×1.5, 2-px trails: for a classroom projector."""
        app = QApplication.instance()
        if self._normal_font is None:
            self._normal_font = QFont(app.font())
        font = QFont(self._normal_font)
        if on:
            font.setPointSizeF(font.pointSizeF() * 1.5)
        app.setFont(font)
        for label in self.findChildren(QLabel):  # widgets with a style sheet keep their font until re-polished
            if label.styleSheet():
                label.setStyleSheet(label.styleSheet())
        self.view.set_presentation(on)
        self.loss_plot.set_presentation(on)
        self.resizeDocks([self.racers_dock], [520 if on else 380], Qt.Orientation.Horizontal)
        self.showFullScreen() if on else self.showNormal()

    # ------------------------------------------------------------------ persistence
    def restore(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        layout = self.settings.value("window_state")
        if isinstance(layout, QByteArray):
            self.restoreState(layout)

    def closeEvent(self, event) -> None:
        self.timer.stop()
        if self.settings is not None:
            from ..core.scenario import dumps

            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("window_state", self.saveState())
            self.settings.setValue("last_scenario", dumps(self.state.scenario))
        super().closeEvent(event)
