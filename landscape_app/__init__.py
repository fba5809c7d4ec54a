"""Landscape: watch gradient-descent optimizers race across 2-D loss surfaces.

Library use::

    from landscape_app import simulate
    run = simulate("ravine", "nesterov", start=(-4, 1), steps=200, lr=0.02, beta1=0.9)
    run.path, run.loss, run.diverged_at
"""
from .core.engine import Batch, Trajectory, simulate, simulate_many, simulate_settings
from .core.optimizers import OPTIMIZERS
from .core.schedules import SCHEDULES
from .core.surfaces import SURFACES

__all__ = ["simulate", "simulate_many", "simulate_settings", "Trajectory", "Batch", "SURFACES", "OPTIMIZERS", "SCHEDULES"]
__version__ = "0.1.0"
