"""Learning-rate schedules.

α₀ is the racer's ``lr``; e = completed epochs = ⌊(t − 1) / steps_per_epoch⌋ for step t
(so e = 0 during the first epoch).  Formula schedules depend on e only; ``plateau`` and
``bold_driver`` react to the loss at the end of each epoch and keep a multiplier in a
small state tuple ``ss`` = (multiplier, best loss, bad epochs, previous epoch's loss).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .jit import inline_kernel

from .hyper import C_LR, C_SCHED, C_SP0, C_SP1, C_SP2, Hyper

__all__ = ["Schedule", "SCHEDULES", "get_schedule", "lr_at", "end_of_epoch"]


@dataclass(frozen=True)
class Schedule:
    name: str
    kid: int
    title: str
    formula: str
    params: tuple[Hyper, ...]  # at most three, packed into C_SP0.. in this order


SCHEDULES: dict[str, Schedule] = {}


def _schedule(name, title, formula, *params):
    SCHEDULES[name] = Schedule(name, len(SCHEDULES), title, formula, params)
    return SCHEDULES[name].kid


def get_schedule(name: str) -> Schedule:
    try:
        return SCHEDULES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown schedule {name!r}; choose one of: {', '.join(SCHEDULES)}") from None


_EPOCHS = Hyper("epochs", "E", 100, 1, 1e9, kind="int", help="Epochs over which cosine decays α to its minimum.")

CONSTANT = _schedule("constant", "Constant", "α = α₀")
INVERSE_TIME = _schedule("inverse_time", "Inverse time", "α = α₀ / (1 + d·e)",
                         Hyper("decay", "d", 0.1, 0.0, 1e3, help="Decay rate d."))
EXPONENTIAL = _schedule("exponential", "Exponential", "α = α₀ · γᵉ",
                        Hyper("gamma", "γ", 0.95, 1e-6, 1.0, help="Factor applied every epoch."))
INVERSE_SQRT = _schedule("inverse_sqrt", "Inverse square root", "α = α₀ / √(1 + e)")
STEP = _schedule("step", "Step decay", "α = α₀ · d^⌊e/k⌋",
                 Hyper("decay", "d", 0.5, 1e-6, 1.0, help="Factor applied every k epochs."),
                 Hyper("every", "k", 10, 1, 1e9, kind="int", help="Epochs between drops."))
COSINE = _schedule("cosine", "Cosine", "α = α_min + ½(α₀ − α_min)(1 + cos(π·min(e, E)/E))",
                   Hyper("min_lr", "α_min", 0.0, 0.0, 1e4, help="Learning rate reached after E epochs."),
                   _EPOCHS)
PLATEAU = _schedule("plateau", "Reduce on plateau",
                    "α ← factor·α after more than `patience` epochs without a relative improvement",
                    Hyper("factor", "factor", 0.5, 1e-6, 1.0, help="Multiplier applied on a plateau."),
                    Hyper("patience", "patience", 5, 0, 1e9, kind="int",
                          help="Epochs without improvement tolerated before cutting α."),
                    Hyper("threshold", "threshold", 1e-4, 0.0, 1.0,
                          help="Relative improvement that counts as progress."))
BOLD_DRIVER = _schedule("bold_driver", "Bold driver",
                        "each epoch: α ← grow·α if the loss fell, else α ← shrink·α",
                        Hyper("grow", "grow", 1.05, 1.0, 10.0, help="Multiplier while the loss falls."),
                        Hyper("shrink", "shrink", 0.5, 1e-6, 1.0, help="Multiplier when the loss rises."))


@inline_kernel
def lr_at(cfg, e, multiplier):
    """The learning rate during epoch e (e = completed epochs, from 0)."""
    a0 = cfg[C_LR]
    kind = int(cfg[C_SCHED])
    if kind == CONSTANT:
        return a0
    elif kind == INVERSE_TIME:
        return a0 / (1.0 + cfg[C_SP0] * e)
    elif kind == EXPONENTIAL:
        return a0 * cfg[C_SP0] ** e
    elif kind == INVERSE_SQRT:
        return a0 / math.sqrt(1.0 + e)
    elif kind == STEP:
        return a0 * cfg[C_SP0] ** (e // int(cfg[C_SP1]))
    elif kind == COSINE:
        a_min = cfg[C_SP0]
        total = cfg[C_SP1]
        return a_min + 0.5 * (a0 - a_min) * (1.0 + math.cos(math.pi * min(e, total) / total))
    return a0 * multiplier  # plateau, bold_driver


@inline_kernel
def end_of_epoch(cfg, loss, ss):
    """Let loss-driven schedules react to the loss at the end of an epoch; returns the new ``ss``."""
    kind = int(cfg[C_SCHED])
    mult, best, bad, previous = ss
    if kind == PLATEAU:
        if loss < best - cfg[C_SP2] * abs(best):
            best = loss
            bad = 0.0
        else:
            bad += 1.0
            if bad > cfg[C_SP1]:
                mult *= cfg[C_SP0]
                bad = 0.0
    elif kind == BOLD_DRIVER:
        mult *= cfg[C_SP0] if loss < previous else cfg[C_SP1]
    return mult, best, bad, loss
