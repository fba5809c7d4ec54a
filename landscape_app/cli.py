"""landscape-app: the desktop app and its command-line tools.

Every failure of a command ends with a one-line message on stderr and a non-zero exit status:
2 for bad input or a file that cannot be read or written, 128 + the signal for an interrupt
(130 for Ctrl-C / SIGINT, 143 for SIGTERM), after which no partial file is left behind.
"""
from __future__ import annotations

import argparse
import math
import signal
import sys
from contextlib import contextmanager

from . import __version__


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: the command stops (a BaseException, like KeyboardInterrupt, so
    that no ``except Exception`` swallows it, and every ``finally`` cleans up)."""

    def __init__(self, signum: int, finished: bool = False):
        super().__init__(signum)
        self.signum = signum
        self.finished = finished  # the signal came after the work was done (and its file written)


class Signals:
    """SIGINT and SIGTERM while a command runs: raise :class:`Interrupted` at once — except while
    Qt renders frames (:meth:`deferred`): an exception raised inside a Qt callback can crash the
    interpreter or be swallowed by Qt, so there the signal is only recorded, the renderer asks
    :meth:`pending` between frames and stops, and ``Interrupted`` is raised when Qt is done."""

    WATCHED = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.received: int | None = None
        self._deferring = False
        self._previous = {}

    def __enter__(self) -> "Signals":
        self._previous = {s: signal.signal(s, self._handle) for s in self.WATCHED}
        return self

    def __exit__(self, *exc) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, handler)

    def _handle(self, signum, frame) -> None:
        self.received = signum
        if not self._deferring:
            raise Interrupted(signum)

    def pending(self) -> bool:
        return self.received is not None

    @contextmanager
    def deferred(self):
        self._deferring = True
        try:
            yield
        except BaseException:
            self._deferring = False
            if self.received is not None:  # in place of the renderer's ExportCancelled
                raise Interrupted(self.received) from None
            raise
        self._deferring = False
        if self.received is not None:
            raise Interrupted(self.received, finished=True)


def _reason(exc: Exception) -> str:
    """The message of an error for one line of stderr (an OSError's own words, not its errno)."""
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def _gui(args) -> int:
    try:
        from .ui.app import main as gui_main
    except ImportError as exc:
        print(f"landscape-app: the desktop app could not start: {exc}", file=sys.stderr)
        return 1
    return gui_main([])


def _bench(argv: list[str]) -> int:
    from . import bench

    return bench.main(argv)


def _compile_kernels(args) -> int:
    from .ui.workers import compile_all

    compile_all()
    return 0


def _list(args) -> int:
    from .core.optimizers import OPTIMIZERS
    from .core.schedules import SCHEDULES
    from .core.surfaces import SURFACES

    print("surfaces:")
    for s in SURFACES.values():
        print(f"  {s.name:<18} {s.title}")
    print("optimizers:")
    for o in OPTIMIZERS.values():
        print(f"  {o.name:<18} {o.rule}")
        for h in o.hypers:
            print(f"      {h.name:<16} {h.symbol:<4} default {h.default!s:<10} {h.help}")
    print("schedules:")
    for k in SCHEDULES.values():
        params = ", ".join(f"{p.name}={p.default}" for p in k.params)
        print(f"  {k.name:<18} {k.formula}" + (f"   [{params}]" if params else ""))
    return 0


def _export_data(args, signals: Signals) -> int:
    from .core.scenario import load
    from .export import data

    try:
        scenario = load(args.scenario)
        if args.steps is not None:
            scenario.steps = args.steps
        out = data.export(scenario, args.out)
    except (ValueError, OSError) as exc:  # ScenarioError is a ValueError
        print(f"landscape-app export-data: {_reason(exc)}", file=sys.stderr)
        return 2
    print(f"wrote {len(scenario.racers)} trajectories of up to {scenario.steps} steps to {out}")
    return 0


def _render(args, signals: Signals) -> int:
    from .core.scenario import load
    from .export import animation
    from .ui import scene

    try:
        size = scene.parse_size(args.size)
        scenario = load(args.scenario)
        animation.check_target(args.out)
        last = [-1]

        def progress(done, total):
            percent = 100 * done // total
            if percent >= last[0] + 10 or done == total:
                last[0] = percent
                print(f"rendering {done}/{total} frames ({percent}%)", flush=True)

        with signals.deferred():  # Qt draws from here on: signals wait for the end of a frame
            out = scene.render_animation(scenario, args.out, size=size, fps=args.fps, steps=args.steps,
                                         steps_per_frame=args.steps_per_frame, loss_plot=not args.no_loss_plot,
                                         caption=args.caption, progress=progress, cancelled=signals.pending,
                                         view=args.view, orbit=args.orbit, vectors=args.vectors)
    except (ValueError, OSError) as exc:  # ScenarioError is a ValueError
        print(f"landscape-app render: cannot write {args.out}: {_reason(exc)}" if isinstance(exc, OSError)
              else f"landscape-app render: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


def _selftest(args) -> int:
    from . import selftest

    return selftest.main()


def _steps(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("steps must be between 1 and 100000")
    return value


def _fps(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and 1 <= value <= 120):
        raise argparse.ArgumentTypeError("the frame rate must be between 1 and 120")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landscape-app",
        description="Watch gradient-descent optimizers race across 2-D loss surfaces. "
                    "With no command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"landscape-app {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="open the desktop app (the default)").set_defaults(func=_gui)
    sub.add_parser("bench", help="measure speed and latency (see `landscape-app bench --help`)")
    p = sub.add_parser("export-data", help="run a scenario and write its trajectories as CSV or JSON",
                       description="Run SCENARIO.json and write racer, step, x, y, loss, lr, grad_x, grad_y "
                                   "per step (.csv) or every run with its settings (.json).")
    p.add_argument("scenario", help="a scenario file (.json)")
    p.add_argument("--out", required=True, help="output file: .csv or .json")
    p.add_argument("--steps", type=_steps, help="override the scenario's number of steps")
    p.set_defaults(func=_export_data)
    p = sub.add_parser("render", help="render a scenario to an MP4 or GIF animation, no display needed",
                       description="Render SCENARIO.json offscreen, frame by frame, with the same views the "
                                   "window shows. Example: landscape-app render demo.json --out race.mp4 "
                                   "--size 1280x720 --fps 30")
    p.add_argument("scenario", help="a scenario file (.json)")
    p.add_argument("--out", required=True, help="output file: .mp4 (H.264) or .gif")
    p.add_argument("--size", default="1280x720",
                   help="frame size WIDTHxHEIGHT, 160x120 … 3840x2160 (default 1280x720; below 400x200 the loss plot "
                        "is left out)")
    p.add_argument("--fps", type=_fps, default=30, help="frames per second (default 30)")
    p.add_argument("--steps", type=_steps, help="override the scenario's number of steps")
    p.add_argument("--steps-per-frame", type=int, default=2, help="optimizer steps between frames (default 2)")
    p.add_argument("--no-loss-plot", action="store_true", help="leave the loss plot out of the frame")
    p.add_argument("--caption", help="text above the picture (default: the scenario's title)")
    p.add_argument("--view", choices=("2d", "3d", "both"), default="2d",
                   help="the 2-D landscape (default), the 3-D surface, or both side by side; the 3-D view needs "
                        "OpenGL: with no display a private Xvfb is started if installed")
    p.add_argument("--orbit", action="store_true", help="turn the 3-D camera slowly during the movie")
    p.add_argument("--vectors", action="store_true",
                   help="draw the first racer's step vectors (gradient, momentum part, actual step) on the landscape")
    p.set_defaults(func=_render)
    sub.add_parser("compile-kernels", help="compile the kernels into the disk cache now (the app does it in the "
                   "background at its first start)").set_defaults(func=_compile_kernels)
    sub.add_parser("list", help="list surfaces, optimizers with their hyperparameters, and schedules"
                   ).set_defaults(func=_list)
    sub.add_parser("selftest", help="check this installation headlessly: kernels, a frame, an MP4 and a GIF",
                   description="Import everything, run every optimizer, render a frame and write a short MP4 "
                               "and GIF to a temporary folder; one line per check with its time. Exit status 0 "
                               "only if every check passed.").set_defaults(func=_selftest)
    return parser


FILE_COMMANDS = ("render", "export-data")  # they write files: an interrupt must not leave half of one


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # bench parses its own options
        return _bench(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command not in FILE_COMMANDS:
        return args.func(args) if args.command else _gui(args)
    with Signals() as signals:
        try:
            return args.func(args, signals)
        except Interrupted as stop:
            name = signal.Signals(stop.signum).name
            done = f"after writing {args.out}" if stop.finished else "nothing was written"
            print(f"landscape-app {args.command}: interrupted ({name}); {done}", file=sys.stderr)
            return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main())
