"""The interpreted first race (a cold start's preview while the loop compiles) runs the compiled
loop's own source.  Python's float power and libm differ from LLVM's in the last bit now and then
(x**4 on Styblinski–Tang, exp in a decay schedule), so the runs agree to rounding: a chaotic run may
drift apart after a hundred steps, which is why the window computes the race again with the
kernels once they are ready."""
import os
import subprocess
import sys

import numpy as np
import pytest

from landscape_app.core import interpreted
from landscape_app.core.engine import simulate
from landscape_app.core.optimizers import OPTIMIZERS
from landscape_app.core.schedules import SCHEDULES
from landscape_app.core.surfaces import SURFACES


def close(a, b, steps=None) -> None:
    """The same run to rounding: every recorded array within 1e-9 of the compiled one (relative to
    its size), the same steps done, the same convergence."""
    assert len(a.path) == len(b.path) and (a.diverged_at, a.converged_at) == (b.diverged_at, b.converged_at)
    for field in ("path", "loss", "grad", "lr"):
        x, y = getattr(a, field)[:steps], getattr(b, field)[:steps]
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-9 * (1 + np.abs(y).max(initial=0.0)), err_msg=field)
    assert a.hyper == b.hyper


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_on_every_surface_follows_the_compiled_loop(optimizer):
    for name, surface in SURFACES.items():
        close(interpreted.simulate(name, optimizer, surface.start, 60, seed=3),
              simulate(name, optimizer, surface.start, 60, seed=3))


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_schedules_noise_and_clipping_follow_the_kernel(schedule):
    hyper = {"schedule": schedule, "noise": 0.3, "clip_norm": 2.0, "clip_value": 1.5, "steps_per_epoch": 3}
    for optimizer in ("sgd", "nesterov", "adam", "random_search"):
        preview = interpreted.simulate("ravine", optimizer, (-2.0, 1.0), 120, seed=11, **hyper)
        compiled = simulate("ravine", optimizer, (-2.0, 1.0), 120, seed=11, **hyper)
        close(preview, compiled)  # the seeded noise is the kernel's own draw


def test_a_diverging_run_stops_where_the_kernel_stops():
    preview = interpreted.simulate("rosenbrock", "sgd", (-1.2, 1.0), 200, lr=0.05)
    compiled = simulate("rosenbrock", "sgd", (-1.2, 1.0), 200, lr=0.05)
    assert compiled.diverged_at is not None
    close(preview, compiled)


def test_formula_and_data_surfaces_wait_for_their_kernels_and_bad_settings_are_refused_alike():
    assert interpreted.simulate("custom:x**2 + y**2", "sgd", (1.0, 1.0), 10) is None
    assert interpreted.simulate("data:least_squares?n=8", "sgd", (0.5, 0.5), 10) is None
    for bad in ({"lr": -1.0}, {"beta1": 2.0}):
        with pytest.raises(ValueError) as compiled:
            simulate("quadratic", "adam", (1.0, 1.0), 10, **bad)
        with pytest.raises(ValueError) as preview:
            interpreted.simulate("quadratic", "adam", (1.0, 1.0), 10, **bad)
        assert str(preview.value) == str(compiled.value)


def test_the_preview_compiles_nothing(tmp_path):
    """Run with an empty kernel cache: no kernel may be compiled (that is what it waits for)."""
    code = """
from numba.core.dispatcher import Dispatcher
from landscape_app.core import engine, optimizers, surfaces, gradient, schedules, interpreted
for name in ("sgd", "nesterov", "adam", "adadelta", "rprop", "random_search"):
    run = interpreted.simulate("ravine", name, (-2.0, 1.0), 200, noise=0.1, clip_norm=1.0, schedule="plateau")
    assert run is not None and len(run.path) == 201
compiled = [f"{m.__name__}.{k}" for m in (engine, optimizers, surfaces, gradient, schedules)
            for k, v in vars(m).items() if isinstance(v, Dispatcher) and v.signatures]
print(compiled)
assert not compiled, compiled
"""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
