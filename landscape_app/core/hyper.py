"""Hyperparameter specs: one declaration drives validation, panels, CLI and scenario files."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Hyper:
    """A tunable value with its valid range.

    ``choices`` makes it a pick-list, ``kind="bool"`` a switch, ``kind="int"`` a count.
    ``optional`` floats accept ``None`` for "off" (e.g. clipping).
    """

    name: str
    symbol: str
    default: object
    lo: float = -math.inf
    hi: float = math.inf
    log: bool = False
    help: str = ""
    kind: str = "float"  # float | int | bool | choice
    choices: tuple[str, ...] = ()
    optional: bool = False

    def validate(self, value):
        """Return ``value`` converted to this spec's type, or raise ``ValueError`` saying why."""
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"{self.name} must be one of {', '.join(self.choices)}; got {value!r}")
            return value
        if self.kind == "bool":
            if isinstance(value, (bool, int)) and value in (0, 1):
                return bool(value)
            raise ValueError(f"{self.name} must be true or false; got {value!r}")
        if value is None and self.optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{self.name} ({self.symbol}) must be a number; got {value!r}")
        if self.kind == "int" and value != int(value):
            raise ValueError(f"{self.name} must be a whole number; got {value!r}")
        value = int(value) if self.kind == "int" else float(value)
        if not math.isfinite(value) or not (self.lo <= value <= self.hi):
            raise ValueError(f"{self.name} ({self.symbol}) must be between {self.lo:g} and {self.hi:g}; got {value!r}")
        return value


# Modifiers every optimizer accepts (applied to g before the update rule, in this order:
# noise, then value clipping, then norm clipping).
COMMON = (
    Hyper("noise", "σ_g", 0.0, 0.0, 1e3, help="Std. dev. of Gaussian noise added to every gradient (seeded)."),
    Hyper("clip_value", "c_v", None, 1e-12, 1e12, log=True, optional=True,
          help="Clamp each gradient coordinate to [−c, c]. None = off."),
    Hyper("clip_norm", "c_n", None, 1e-12, 1e12, log=True, optional=True,
          help="Rescale the gradient to this norm when it is longer. None = off."),
    Hyper("steps_per_epoch", "steps/epoch", 1, 1, 1e9, kind="int",
          help="Steps that make one epoch; epoch-based schedules count epochs."),
)


# Layout of the float64 config vector the compiled loop reads (one signature for every
# optimizer, so a cold start compiles each kernel once).
C_LR, C_BETA1, C_BETA2, C_EPS, C_WD, C_SIGMA, C_FORM, C_BIAS = range(8)
C_NOISE, C_CLIP_VALUE, C_CLIP_NORM, C_SPE, C_SCHED, C_SP0, C_SP1, C_SP2 = range(8, 16)
CONFIG_SIZE = 16
