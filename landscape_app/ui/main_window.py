"""The main window: the landscape in the middle, racers and their settings on the right, the loss
plot and leaderboard below, transport controls on top."""
from __future__ import annotations

import html
import math
import time

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QGraphicsView, QLabel, QMainWindow, QMenu,
                               QPushButton, QScrollArea, QSlider, QSpinBox, QSplitter, QStyle, QToolBar, QVBoxLayout,
                               QWidget)

from ..core.surfaces import SURFACES
from . import landscape_image, markers, step_vectors
from .analysis.legend import LegendStrip
from .claims_view import ClaimsView
from .contour_view import ContourView
from .keys import TypingGuard
from .leaderboard import Leaderboard
from .loss_plot import LossPlot
from .lr_plot import LearningRatePlot
from .panels.ewa import EwaPanel
from .panels.hyper_form import HyperForm
from .palette import legend_entry
from .plot_style import title_lines
from .panels.racer_list import RacerList
from .state import AppState
from .throttle import Later, Throttle
from .timeline import Timeline
from .view3d import ViewLayout

FRAME_MS = 16  # the play clock: ~60 frames per second
PREFERRED_SIZE = (1400, 900)  # on screens that have room; smaller screens get the window maximized
MENU_ORDER = ("File", "Edit", "View", "Demos", "Analysis", "Help")
RELAYOUT_MS = 40  # a presentation toggle's new layout has settled by then (offscreen ~15 ms, X11 ~30 ms)
SHORT_WINDOW = 800  # px: below this height the demo's claims are one line of marks (hover for them)
SPEED_SLIDER_PX = 84  # the toolbar fits a 1240-px window, playing or not
STORY_SHARE = 0.2  # of the window's height, at most, for the explanation above the landscape


def initial_size(available: QRect, frame_w: int = 0, frame_h: int = 0) -> tuple[int, int, bool]:
    """(width, height, maximized) of a new window on a screen whose free area is ``available``:
    the preferred size where it fits with a margin, else as large as the screen allows, maximized."""
    w, h = PREFERRED_SIZE
    if w + frame_w + 40 <= available.width() and h + frame_h + 60 <= available.height():
        return w, h, False
    return min(w, available.width() - frame_w), min(h, available.height() - frame_h), True


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
        TypingGuard.install()  # single-key shortcuts never take keys typed into a field
        self._menus: dict[str, QMenu] = {}
        self.resize(*PREFERRED_SIZE)

        self._frozen: list[QWidget] = []  # windows whose paint is held (see _hold_paint)
        self._dock_sizes: dict = {}  # the side panels' sizes when P hid them
        self._sizes_before: dict = {}  # other windows' sizes before presentation mode
        self._resize_on_thaw: dict = {}  # …given back once presentation mode is over
        # the held windows are painted on turns of their own, after the panels' relayout (see throttle._Turns)
        self._thaw_turn = Later(self._thaw, self)
        self._thaw_timer = QTimer(self, singleShot=True, timeout=self._thaw_turn.request)
        self._present_panels = Later(self._show_panels, self)  # leaving presentation mode: on later turns
        self._present_bottom = Later(self._show_bottom, self)
        self._present_frame = Later(self._frame_presentation, self)
        self._present_fonts = Later(self._set_presentation_fonts, self)  # entering presentation mode
        self._present_parts = Later(self._next_part_font, self)
        self._font_parts: list[QWidget] = []  # this window's parts whose font is still to change
        self._present_plots = Later(self._set_plot_presentation, self)
        # the story before the landscape: its new height resizes the landscape, which then draws the
        # new surface once, at its final size (drawn first, it was drawn again 120 ms later)
        state.surfaceChanged.connect(self._surface_changed)
        # whole-window changes; and runs from the worker, which every view follows at once (the start
        # dragged on a long race: 100–180 ms of plots painted in one pass)
        for signal in (state.surfaceChanged, state.racersChanged, state.runsArriving):
            signal.connect(self._hold_for_views)
        self.view = ContourView(state)
        self.view.setMinimumHeight(180)  # the docks around it give way first: the race is the point
        self.loss_plot = LossPlot(state)
        self.leaderboard = Leaderboard(state)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.loss_plot)
        bottom.addWidget(self.leaderboard)
        bottom.setSizes([500, 500])  # the table needs its five columns more than the curve needs width
        self.views = ViewLayout(self, state, self.view)  # 2-D, 3-D or both (key 3)
        self.bottom = bottom
        self.timeline = Timeline(state)
        self.timeline.grabbed.connect(lambda: self.set_playing(False))
        pictures = QWidget()  # the landscape(s) with the timeline under them
        column = QVBoxLayout(pictures)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.views.splitter, 1)
        legend_strip = LegendStrip()  # legends of the analysis overlays (basins, ghost paths): never on the plot
        self.overlay_legends = legend_strip.content
        column.addWidget(legend_strip)
        column.addWidget(self.timeline)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(pictures)
        centre.addWidget(bottom)
        centre.setSizes([640, 240])
        centre.setStretchFactor(0, 3)  # a smaller window shrinks both, the landscape staying the larger
        centre.setStretchFactor(1, 1)
        self.story = QLabel()
        self.story.setWordWrap(True)
        self.story.setTextFormat(Qt.TextFormat.RichText)
        self.story.setStyleSheet("color: #333; padding: 4px 6px;")
        self._story_size, self._story_floor = None, 0  # see _fit_texts
        # a long explanation scrolls in a short window instead of squeezing the landscape; in a box
        # kept taller than a short one, the text stays at the top (a label's own top alignment
        # changed its rich-text height)
        page = QWidget()
        page_lay = QVBoxLayout(page)
        page_lay.setContentsMargins(0, 0, 0, 0)
        page_lay.setSpacing(0)
        page_lay.addWidget(self.story)
        page_lay.addStretch(1)
        self.story_area = QScrollArea()
        self.story_area.setWidget(page)
        self.story_area.setWidgetResizable(True)
        self.story_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.story_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        host = QWidget()
        lay = QVBoxLayout(host)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.story_area)
        lay.addWidget(centre, 1)
        self.setCentralWidget(host)

        self.racer_list = RacerList(state)
        self.hyper_form = HyperForm(state)
        self.readout = QLabel()
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.readout.setStyleSheet("font-family: monospace; padding: 4px;")
        self._normal_font = None  # the application font before presentation mode
        self.presenting = False
        self.racers_dock = racers_dock = self._dock("Racers", self.racer_list, "racers")
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.hyper_form)
        self.settings_dock = settings_dock = self._dock("Settings of the selected racer", form_scroll, "settings")
        self.readout_dock = self._dock("Inside the step", self.readout, "readout")
        # the list needs a few rows, the form most of the height, the readout a dozen lines
        self.resizeDocks([racers_dock, settings_dock, self.readout_dock], [200, 430, 240], Qt.Orientation.Vertical)
        self.resizeDocks([racers_dock], [380], Qt.Orientation.Horizontal)

        self._build_toolbar()
        self._build_view_menu()
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

        state.storyChanged.connect(self._surface_changed)
        state.racersChanged.connect(lambda: self._surface_changed() if self.presenting else None)  # its legend
        state.stepChanged.connect(lambda _: self._refresh_status())
        self._readout_throttle = Throttle(self._refresh_readout, 100, self)
        state.runsChanged.connect(self._readout_throttle.request)
        state.racersChanged.connect(self._readout_throttle.request)  # a rename shows at once
        state.stepChanged.connect(self._readout_throttle.request)
        state.selectionChanged.connect(self._readout_throttle.request)
        # hidden, it was not kept up to date: shown again it must not tell of an old step
        self.readout_dock.visibilityChanged.connect(lambda shown: self._refresh_readout() if shown else None)
        state.settingsChanged.connect(self._settings_changed)
        state.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.statusBar().messageChanged.connect(self._status_visibility)
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
        # its plots sit side by side (~900 px at least): in a narrower window they scroll instead of
        # widening the window past the screen (1024 → 1187 px)
        ewa_scroll = QScrollArea()
        ewa_scroll.setWidgetResizable(True)
        ewa_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        ewa_scroll.setWidget(self.ewa_panel)
        self.ewa_dock = self._dock("Exponentially weighted averages", ewa_scroll, "ewa")
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
        rates.toggled.connect(self._hold_for_views)  # the plots beside it resized: painted once settled (78 → 52 ms)
        menu.addAction(self.lr_plot.rates_action)
        averages = self.ewa_dock.toggleViewAction()
        averages.setText("Exponentially weighted averages")
        menu.addAction(averages)
        menu.addSeparator()
        menu.addAction(self.view.stretch_action)
        # after the File, Demos and Analysis menus that are added once the window is built
        QTimer.singleShot(0, self, lambda: self.menuBar().addMenu(menu))

    # ------------------------------------------------------------------ layout
    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.visibilityChanged.connect(self._hold_for_dock)
        return dock

    @staticmethod
    def _menu_rank(key: str) -> int:
        return MENU_ORDER.index(key) if key in MENU_ORDER else len(MENU_ORDER)

    def menu(self, title: str) -> QMenu:
        """The menu called ``title`` ("File", "&View", …), made on first use and placed in the
        usual order File, Edit, View, Demos, Analysis, Help whoever asks first."""
        key = title.replace("&", "")
        if key not in self._menus:
            menu = QMenu(title, self)
            later = [m for k, m in self._menus.items() if self._menu_rank(k) > self._menu_rank(key)]
            bar = self.menuBar()
            if later:
                first = min(later, key=lambda m: bar.actions().index(m.menuAction()))
                bar.insertMenu(first.menuAction(), menu)
            else:
                bar.addMenu(menu)
            self._menus[key] = menu
        return self._menus[key]

    def _build_toolbar(self) -> None:
        bar = QToolBar("Controls")
        bar.setObjectName("controls")
        bar.setMovable(False)
        self.toolbar = bar
        self.addToolBar(bar)
        icon = self.style().standardIcon
        self.surface_label = QLabel(" Surface ")
        self.surface_box = QComboBox()
        for s in SURFACES.values():
            self.surface_box.addItem(s.title, s.name)
            self.surface_box.setItemData(self.surface_box.count() - 1, s.story, Qt.ItemDataRole.ToolTipRole)
        self.surface_box.setToolTip("The loss surface the racers descend; its story is shown under the toolbar")
        self.surface_box.currentIndexChanged.connect(self._surface_chosen)
        self.surface_label_action = bar.addWidget(self.surface_label)
        bar.addWidget(self.surface_box)
        bar.addSeparator()

        # Icons from the style (a "⏸" glyph is missing from many fonts and showed as a box).
        self.play_action = QAction(icon(QStyle.StandardPixmap.SP_MediaPlay), "Play", self,
                                   shortcut=QKeySequence(Qt.Key.Key_Space), checkable=True)
        self.play_action.setToolTip("Play or pause the race (Space); it restarts from step 0 when it has ended")
        self.play_action.toggled.connect(self.set_playing)
        self.back_action = QAction(icon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Back", self,
                                   shortcut=QKeySequence(Qt.Key.Key_Left))
        self.back_action.setToolTip("One step back (←)")
        self.back_action.triggered.connect(lambda: self.state.set_step(self.state.step - 1))
        self.step_action = QAction(icon(QStyle.StandardPixmap.SP_MediaSeekForward), "Step", self,
                                   shortcut=QKeySequence(Qt.Key.Key_Right))
        self.step_action.setToolTip("One step forward (→)")
        self.step_action.triggered.connect(lambda: self.state.set_step(self.state.step + 1))
        self.reset_action = QAction(icon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Reset", self,
                                    shortcut=QKeySequence(Qt.Key.Key_R))
        self.reset_action.setToolTip("Pause and go back to step 0 (R)")
        self.reset_action.triggered.connect(self.reset)
        for a in (self.play_action, self.back_action, self.step_action, self.reset_action):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            bar.addAction(a)
            self.addAction(a)
        for a in (self.back_action, self.step_action):  # icon only: the arrows say it
            bar.widgetForAction(a).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for a in (self.play_action, self.reset_action):
            bar.widgetForAction(a).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addSeparator()
        self.speed_title_action = bar.addWidget(QLabel(" Speed "))
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, 1000)
        self.speed_slider.setFixedWidth(SPEED_SLIDER_PX)
        self.speed_slider.setToolTip("Playing speed: 1 … 1000 steps per second (log scale)")
        self.speed_slider.valueChanged.connect(lambda t: self.state.set_speed(slider_to_speed(t)))
        bar.addWidget(self.speed_slider)
        self.speed_label = QLabel()
        self.speed_label.setToolTip(self.speed_slider.toolTip())
        bar.addWidget(self.speed_label)
        self._fit_toolbar_texts()
        self.steps_separator = bar.addSeparator()
        self.steps_label = QLabel(" Max steps ")
        self.steps_box = QSpinBox()
        self.steps_box.setRange(1, 100_000)
        self.steps_box.setSingleStep(100)
        self.steps_box.setKeyboardTracking(False)
        self.steps_box.setToolTip("Length of the race: 1 … 100,000 steps per racer")
        self.steps_box.valueChanged.connect(self.state.set_max_steps)
        self.steps_label_action = bar.addWidget(self.steps_label)
        self.steps_box_action = bar.addWidget(self.steps_box)
        bar.addSeparator()
        self.vectors_action = QAction("Step vectors", self, checkable=True, shortcut=QKeySequence("V"))
        self.vectors_action.setToolTip("Arrows for the selected racer's current step: gradient, clipped gradient, "
                                       "momentum part, actual step (V)")
        self.vectors_action.toggled.connect(self._toggle_vectors)
        self.view_action = QAction("Reset view", self)
        self.view_action.setToolTip("Zoom back out to the whole surface (and the 3-D camera to its start)")
        self.view_action.triggered.connect(self.views.reset_views)
        self.present_action = QAction("Presentation", self, checkable=True, shortcut=QKeySequence(Qt.Key.Key_F11))
        self.present_action.setToolTip("Full screen for a projector: the landscape first, large fonts and "
                                       "thick trails; P shows the side panels, L the loss plot (F11)")
        self.present_action.toggled.connect(self.set_presentation)
        for a in (self.vectors_action, self.view_action, self.present_action):
            bar.addAction(a)
            self.addAction(a)
        self.layout_separator = bar.addSeparator()
        bar.addActions(self.views.group.actions())
        self.addAction(self.views.cycle_action)

    def _build_view_menu(self) -> None:
        """View: presentation, which panels show, the future route, step vectors, the 2-D/3-D layout."""
        menu = self.menu("&View")
        menu.addAction(self.present_action)
        self.panels_action = QAction("Side &panels", self, checkable=True, checked=True, shortcut=QKeySequence("P"))
        self.panels_action.setToolTip("Show or hide the racers, their settings and 'Inside the step' (P)")
        self.panels_action.toggled.connect(self.set_panels_visible)
        self.bottom_action = QAction("&Loss plot and leaderboard", self, checkable=True, checked=True,
                                     shortcut=QKeySequence("L"))
        self.bottom_action.setToolTip("Show or hide the loss plot and the leaderboard under the landscape (L)")
        self.bottom_action.toggled.connect(self.bottom.setVisible)
        self.route_action = QAction("&Future route", self, checkable=True, checked=True, shortcut=QKeySequence("F"))
        self.route_action.setToolTip("The faint line showing where each racer will go (F); hide it to keep the "
                                     "ending a surprise")
        self.route_action.toggled.connect(self.view.set_show_route)
        for a in (self.panels_action, self.bottom_action, self.route_action):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            menu.addAction(a)
            self.addAction(a)
        menu.addSeparator()
        menu.addAction(self.vectors_action)
        menu.addAction(self.view_action)
        menu.addSeparator()
        menu.addActions(self.views.group.actions())
        menu.addAction(self.views.cycle_action)

    def docks(self) -> list[QDockWidget]:
        return self.findChildren(QDockWidget)

    def set_panels_visible(self, on: bool) -> None:
        """P: the side panels; a dock closed before they were hidden (the averages panel, opened
        from the Lessons menu) stays closed when they come back, instead of squeezing the
        landscape (and, in presentation mode, pushing the window past a 1280-px screen)."""
        side = (self.racers_dock, self.settings_dock, self.readout_dock)
        if not on:
            self._docks_shown = [d for d in self.docks() if d.isVisible()]
            self._dock_sizes = {d: d.size() for d in self._docks_shown}
        for dock in self.docks():
            if not on or dock in side or dock in getattr(self, "_docks_shown", ()):
                dock.setVisible(on)
        if on and self._dock_sizes:  # as they were: left to the layout, the racers' list grew at each P
            sizes, self._dock_sizes = self._dock_sizes, {}  # once: later drags of the splitters stay
            docks = list(sizes)
            self.resizeDocks(docks, [sizes[d].height() for d in docks], Qt.Orientation.Vertical)
            self.resizeDocks(docks, [sizes[d].width() for d in docks], Qt.Orientation.Horizontal)
        if self.panels_action.isChecked() != on:
            self.panels_action.setChecked(on)

    # ------------------------------------------------------------------ playing
    def _fit_toolbar_texts(self) -> None:
        """The play button and the speed are as wide as their widest text: "Pause" and "1000
        steps/s" widened them and pushed the view buttons at the toolbar's end into its overflow
        menu while the race played (at 1240 px)."""
        button, shown = self.toolbar.widgetForAction(self.play_action), self.play_action.text()
        widths = []
        for text in ("Play", "Pause"):
            self.play_action.setText(text)
            widths.append(button.sizeHint().width())
        self.play_action.setText(shown)
        button.setFixedWidth(max(widths))
        self.speed_label.setMinimumWidth(self.speed_label.fontMetrics().horizontalAdvance("1000 steps/s") + 2)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode scales the application font
            QTimer.singleShot(0, self, self._fit_toolbar_texts)  # once the buttons have the new font

    def set_playing(self, on: bool) -> None:
        self.play_action.blockSignals(True)
        self.play_action.setChecked(on)
        self.play_action.blockSignals(False)
        self.play_action.setText("Pause" if on else "Play")
        self.play_action.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause if on
                                                           else QStyle.StandardPixmap.SP_MediaPlay))
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

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "presenting", False):  # the story line's legend is packed to its width, once laid out
            QTimer.singleShot(0, self, self._surface_changed)
        QTimer.singleShot(0, self, self._fit_texts)  # with self as context: never after the window is gone

    def _fit_texts(self) -> None:
        """The text above the landscape takes at most STORY_SHARE of the window's height (the rest
        scrolls), and in a window under SHORT_WINDOW px the claims are one line of marks: at
        1024×640 the explanation and the claims took 250 px and left the landscape 170."""
        if not hasattr(self, "claims_view"):
            return
        self.claims_view.set_compact(self.presenting or self.height() < SHORT_WINDOW)
        width = self.story_area.viewport().width()
        wanted = self.story.heightForWidth(width) if self.story.text() else 0
        cap = max(QFontMetrics(self.story.font()).height() * 3, round(STORY_SHARE * self.height()))
        height = min(wanted, cap)
        # flipping through surfaces, the landscape keeps its place: the box keeps the height of the
        # longest explanation shown at this window size (a shorter one moved and resized every view
        # below it); not in presentation mode, where the story line packs the legend to the width
        size = (self.width(), self.height())
        if size != self._story_size or self.presenting:
            self._story_size, self._story_floor = size, 0
        height = self._story_floor = max(height, self._story_floor)
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if wanted > height else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.story_area.setVerticalScrollBarPolicy(policy)
        if self.story_area.height() != height:
            self.story_area.setFixedHeight(height)

    def _surface_changed(self) -> None:
        s = self.state.surface
        self.surface_box.blockSignals(True)
        if self.surface_box.findData(s.name) < 0:
            self.surface_box.addItem(s.title, s.name)
        self.surface_box.setCurrentIndex(self.surface_box.findData(s.name))
        self.surface_box.blockSignals(False)
        sc = self.state.scenario
        title, text = (sc.title or s.title, sc.explanation) if sc.explanation else (s.title, s.story)
        if self.presenting:  # one line, the title and the legend: the teacher tells the story; hover for it
            size = round(QFontMetrics(self.story.font()).height() * 0.9)
            entries = [legend_entry(i, html.escape(r.name, quote=False), r.color, r.visible, size)
                       for i, r in enumerate(sc.racers)]
            entries += markers.minima_key(markers.minima_kinds(s, sc.tol))
            colour = landscape_image.colour_label(s)  # not the colour bar's: the landscape follows the story
            entries.append(f"<span style='color:#555'>colour: {html.escape(colour, quote=False)}</span>")
            # lines break between racers, never between a racer's sample and its name (Qt's wrap did)
            room = self.story.contentsRect().width() - 16
            font = self.story.font()
            story = title_lines([f"<b>{html.escape(title, quote=False)}</b>", *entries], room, font,
                                f"{font.pointSizeF():g}pt")
            tip = f"<p>{html.escape(text, quote=False)}</p>"
        else:  # a demo explains itself; the surface's story is one hover away
            story = f"<b>{html.escape(title, quote=False)}.</b> {html.escape(text, quote=False)}"
            tip = f"<p>{html.escape(s.story, quote=False)}</p>" if sc.explanation else ""
        if (story, tip) == (self.story.text(), self.story.toolTip()):
            return  # a demo load changes the surface and the story: lay the text out once
        self.story.setText(story)
        self.story.setToolTip(tip)
        self._fit_texts()
        # lay out now: the landscape's new size before its first paint, not a second full paint after
        self.centralWidget().layout().activate()

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self.compute_label.setText("computing trajectories…")
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.compute_label.hide()
            self.cancel_button.hide()
            self._status_visibility()

    def _show_busy(self) -> None:
        if self.state.busy:
            self.compute_label.show()
            self.cancel_button.show()
            self._status_visibility()

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
        # the step is on the timeline; before the kernels, a small race is run by the interpreter
        warming = "" if self.state.ready else " · preparing kernels…" + (" (trails computed meanwhile by the " \
            "interpreter)" if self.state.runs else "")
        self.status_label.setText(f"{fps}{warming}".strip(" ·"))

    def _refresh_readout(self) -> None:
        if self.readout_dock.isVisible() and self.state.ready and self.state.runs:
            self.readout.setText(step_vectors.describe(self.state, self.state.selected))

    def _toggle_vectors(self, on: bool) -> None:
        self.view.set_show_vectors(on)

    def set_presentation(self, on: bool) -> None:
        """For a classroom projector: full screen with the landscape first (side panels and the
        loss plot hidden, P and L bring them back), fonts ×1.5, 2-px trails, a one-line story and
        a toolbar that fits (the race's length is set before class, not during it)."""
        if on == self.presenting:
            return
        self.presenting = on
        self._hold_paint(RELAYOUT_MS)  # new font, panels and full screen: laid out over a few turns
        if on:  # the panels go first, in this turn: the new font then re-lays out less (~30 ms saved)
            self._shown_before = (self.panels_action.isChecked(), self.bottom_action.isChecked())
            # the other windows (sweep, Tune α, help) grow with the font: back to their size
            # afterwards, once their layout has the normal font again (see _thaw)
            self._sizes_before = {w: w.size() for w in self._own_windows() if w is not self}
            self._show_panels()
            self._present_frame.request()  # full screen, then the font: each relayout on a turn of its own
            self._present_fonts.request()
        else:  # the font first (then the panels and the frame, see _next_part_font)
            self._resize_on_thaw, self._sizes_before = self._sizes_before, {}
            self._set_presentation_fonts()

    def presentation_settled(self) -> bool:
        """Whether entering or leaving presentation mode has taken all its turns."""
        return not any(later.pending() for later in (self._present_frame, self._present_fonts, self._present_parts,
                                                     self._present_plots, self._present_panels, self._present_bottom))

    def _presentation_font(self) -> QFont:
        font = QFont(self._normal_font)
        if self.presenting:
            font.setPointSizeF(font.pointSizeF() * 1.5)
        return font

    def _set_presentation_fonts(self) -> None:
        """Fonts ×1.5 while presenting (or back), in every window and every plot, over several turns:
        this window part by part (central area, docks, bars: see _next_part_font), and the application
        font for the other windows, the menus and what opens later.  Set on the application alone, the
        font relaid out every window in one block: 45–60 ms, and past 100 ms on a busy machine."""
        self._hold_paint(RELAYOUT_MS)
        if self._normal_font is None:
            self._normal_font = QFont(QApplication.font())
        if not self.presenting:  # the rest first: this window's parts keep their large font until their turn
            self._set_application_font()
        parts = [w for w in self.children()  # a floating dock too: floated while presenting, it kept the large font
                 if isinstance(w, QDockWidget) or isinstance(w, QWidget) and not w.isWindow()]
        self._font_parts = sorted(parts, key=lambda w: w is not self.centralWidget())  # the landscape's first
        self._present_parts.request()

    def _next_part_font(self) -> None:
        """One part of this window per turn takes the presentation font (an explicit one, which the
        application font's change later leaves alone), or gives it back; then the plots' texts, and
        when leaving, the panels and the frame."""
        self._hold_paint(RELAYOUT_MS)
        while self._font_parts:
            part = self._font_parts.pop(0)
            if shiboken6.isValid(part):
                part.setFont(self._presentation_font() if self.presenting else QFont())
                _repolish([part, *part.findChildren(QWidget)])
                break
        if self._font_parts:
            self._present_parts.request()
            return
        if self.presenting:
            self._set_application_font()
        self._fit_toolbar_texts()
        self._present_plots.request()  # the plots follow on a turn of their own
        if not self.presenting:  # showing the panels with the font is not cheap: on turns of their own
            self._present_panels.request()
            self._present_frame.request()

    def _set_application_font(self) -> None:
        QApplication.setFont(self._presentation_font())
        _repolish(self.findChildren(QWidget))  # the other windows', and this one's again (lost otherwise)

    def _set_plot_presentation(self) -> None:
        """The landscape's and the loss plot's texts, which do not follow the application font, and the
        story line in it.  On the turn after the font's (together: 60–90 ms in one block)."""
        on = self.presenting
        self._hold_paint(RELAYOUT_MS)
        self.view.set_presentation(on)
        self.view.set_compact(on)  # legend and colour meaning move to the story line: the plot gets the room
        self.loss_plot.set_presentation(on)
        self._fit_texts()  # the claims: one line of marks
        start_label = self.view.handle.label()
        if start_label is not None:  # a TextItem: it does not follow the application font
            start_label.setFont(QApplication.font())
        if on:
            self._surface_changed()  # the story line, one line with the legend, in the new font

    def _show_panels(self) -> None:
        """The side panels, and on the next turn the plots below (_show_bottom), hidden while
        presenting or shown as they were before: each is a relayout of the window (both in one turn:
        35–46 ms; shown again in one turn with the font change, they froze the window 124–162 ms)."""
        panels = not self.presenting and getattr(self, "_shown_before", (True, True))[0]
        if self.panels_action.isChecked() != panels:
            self.panels_action.setChecked(panels)
            if panels:
                self.resizeDocks([self.racers_dock], [380], Qt.Orientation.Horizontal)
        self._present_bottom.request()
        self._hold_paint(RELAYOUT_MS)  # after: the panels shown now are held too (painted with the window: 23 ms)

    def _show_bottom(self) -> None:
        self.bottom_action.setChecked(not self.presenting and getattr(self, "_shown_before", (True, True))[1])
        self._hold_paint(RELAYOUT_MS)

    def _frame_presentation(self) -> None:
        """Toolbar, story line, status bar and full screen for presentation mode or back."""
        on = self.presenting
        self._hold_paint(RELAYOUT_MS)
        # QToolBar shows and hides its widgets through their actions
        for a in (self.steps_label_action, self.steps_box_action, self.surface_label_action, self.speed_title_action,
                  self.steps_separator):
            a.setVisible(not on)
        self.speed_slider.setFixedWidth(72 if on else SPEED_SLIDER_PX)
        self._surface_changed()  # the story: one line with the legend while presenting
        self._status_visibility()
        self.showFullScreen() if on else self.showNormal()

    def _hold_for_views(self, *_) -> None:
        """A new surface, racers added, removed or changed (demos, files and undo among them): the
        windows are painted once, after the views beside the landscape have followed on turns of
        their own (see throttle._Turns).  Painted as each view followed, a demo froze the window 90–190 ms;
        held, 50–80 ms."""
        self._hold_paint(RELAYOUT_MS)

    def _hold_for_dock(self, *_) -> None:
        """A dock shown or hidden resizes the landscape and its neighbours: painted in one pass with
        the dock, opening the averages took 60 ms, closing it 41; held, 16 and 16.  Not while the
        window first opens: it is painted at once."""
        handle = self.windowHandle()
        if handle is not None and handle.isExposed():
            self._hold_paint(RELAYOUT_MS)

    def _hold_paint(self, ms: int) -> None:
        """Paint this window's panes and the other windows once, ``ms`` from now, instead of after
        each step of a relayout.

        Qt's graphics scenes paint their window synchronously whenever their items changed
        (QGraphicsScene syncs the backing store), so a whole-window change painted every plot
        2–3 times in one block (the presentation toggle: 170 ms).  The held windows are painted
        on turns of their own (see _thaw)."""
        held = []
        # children before their pane: a child whose pane is held already cannot be held on its own
        for w in reversed(self._panes() + [w for w in self._own_windows() if w is not self]):
            if w.updatesEnabled():
                w.setUpdatesEnabled(False)
                held.append(w)
        self._frozen.extend(reversed(held))  # painted pane first, then its plots (see _panes)
        if not self._thaw_timer.isActive():  # held again meanwhile (a key held down in the surface box): still painted
            self._thaw_timer.start(ms)

    def _own_windows(self) -> list[QWidget]:
        """This window and its own open ones (sweep, Tune α, help)."""
        return [w for w in QApplication.topLevelWidgets() if (w is self or w.parentWidget() is self) and w.isVisible()]

    def _panes(self) -> list[QWidget]:
        """This window's parts, each held and painted on its own turn: the central area, each dock and
        toolbar, and within them each plot after its part (the landscape first).  Painted whole,
        this window took up to 100 ms with the averages and 10⁵ steps on show, and the central area
        alone (landscape, loss plot and table) 50–90 ms in one turn.  A part painted while its plots
        are still held leaves their old picture in place.  The window itself is never held: a paint
        request Qt had posted before a window's hold was dropped during it, and Qt, believing one
        still pending, never posted another (the window froze for good)."""
        docks = [d for d in self.findChildren(QDockWidget) if d.isVisible() and d.parentWidget() is self]
        bars = [b for b in self.findChildren(QToolBar) if b.isVisible() and b.parentWidget() is self]
        panes = []
        for part in (self.centralWidget(), *docks):
            plots = [v for v in part.findChildren(QGraphicsView) if v.isVisible()]
            plots.sort(key=lambda v: v is not self.view)  # the landscape first
            panes += [part, *plots]
        return panes + bars

    def _thaw(self) -> None:
        """One part, plot or window per turn of the event loop, the landscape first (see _panes)."""
        while self._frozen:
            w = self._frozen.pop(0)
            if shiboken6.isValid(w):
                if w in self._resize_on_thaw:
                    w.resize(self._resize_on_thaw.pop(w))
                w.setUpdatesEnabled(True)
                # Painted now: a paint request Qt had posted before the hold was dropped during it,
                # and Qt, believing one still pending, would post no other (the window froze for good).
                w.repaint()
                if self._frozen:
                    self._thaw_turn.request()
                break
        if not self._frozen:
            self._resize_on_thaw.clear()  # windows closed meanwhile

    def _status_visibility(self, *_) -> None:
        """While presenting, the status bar shows only while it has something to say."""
        bar = self.statusBar()
        bar.setVisible(not self.presenting or bool(bar.currentMessage()) or self.compute_label.isVisible())

    def fit_to_screen(self) -> None:
        """Open at the preferred size where the screen has room for it, else maximized (a
        1280×720 projector): never larger than the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders (0 before shown)
        w, h, maximized = initial_size(available, frame.width(), max(frame.height(), 30))
        self.resize(w, h)
        if maximized:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.move(available.center() - self.rect().center())

    # ------------------------------------------------------------------ persistence
    def restore(self) -> None:
        """The last window geometry and layout, unless it would not fit this screen (a laptop's
        window on a projector): then, as on a first start, sized to the screen."""
        if self.settings is None:
            return
        geometry = self.settings.value("geometry")
        screen = self.screen() or QGuiApplication.primaryScreen()
        if not isinstance(geometry, QByteArray) or not self.restoreGeometry(geometry) or \
                (screen is not None and not screen.availableGeometry().contains(self.frameGeometry())):
            self.fit_to_screen()
        layout = self.settings.value("window_state")
        if isinstance(layout, QByteArray):
            self.restoreState(layout)

    def closeEvent(self, event) -> None:
        self.timer.stop()
        if self.presenting:  # keep the normal geometry and layout for next time
            self._present_fonts.cancel()
            self.present_action.setChecked(False)
            while self._present_parts.pending():
                self._present_parts.flush()
            self._present_plots.flush()
            self._present_panels.flush()
            self._present_bottom.flush()
            self._present_frame.flush()
        while self._frozen:
            self._thaw()
        if self.settings is not None:
            from ..core.scenario import dumps

            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("window_state", self.saveState())
            self.settings.setValue("last_scenario", dumps(self.state.scenario))
        super().closeEvent(event)


def _repolish(widgets) -> None:
    """Widgets with a style sheet (and their children, the overlay legends' labels) keep their font
    through a font change until re-polished."""
    for widget in widgets:
        if widget.styleSheet():
            widget.setStyleSheet(widget.styleSheet())
