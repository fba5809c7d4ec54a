"""Exponentially weighted averages (seeds 000–002): the notes' daily-temperature example.

vₜ = βvₜ₋₁ + (1 − β)θₜ with v₀ = 0 averages over roughly the last 1/(1 − β) days: unrolled,
vₜ = Σₖ (1 − β)βᵗ⁻ᵏθₖ, and the newest 1/(1 − β) days carry 1 − β^(1/(1 − β)) ≈ 1 − 1/e ≈ 63 % of
the weight.  Starting from v₀ = 0 biases the first days toward 0 (the weights sum to 1 − βᵗ, not 1):
dividing by 1 − βᵗ corrects it, which is Adam's m̂ and v̂.
"""
from __future__ import annotations

import math

import numpy as np

from . import checks

DAYS = 365
MEAN_C, SWING_C = 25.0, 10.0  # a Delhi-like year: about 15 °C in December–January, 35 °C in June
COLDEST_DAY = -22  # the seasonal minimum falls on 10 December of the year before day 1
WEATHER_C, WEATHER_DAYS = 2.5, 3.0  # day-to-day weather: σ and how many days a spell lasts


def temperatures(days: int = DAYS, seed: int = 0) -> np.ndarray:
    """Daily temperatures (°C) of one made-up, reproducible year: a seasonal wave plus weather that
    lasts a few days (an AR(1) process), the same numbers for the same seed."""
    days = checks.whole(days, "days", 1, 100_000)
    rng = np.random.default_rng(checks.whole(seed, "seed", 0, 2**63 - 1))
    d = np.arange(1, days + 1)
    season = MEAN_C - SWING_C * np.cos(2 * math.pi * (d - COLDEST_DAY) / 365.0)
    keep = math.exp(-1 / WEATHER_DAYS)
    shocks = rng.normal(0.0, WEATHER_C * math.sqrt(1 - keep * keep), days)
    weather = np.empty(days)
    weather[0] = rng.normal(0.0, WEATHER_C)
    for t in range(1, days):
        weather[t] = keep * weather[t - 1] + shocks[t]
    return season + weather


def _beta(beta) -> float:
    return checks.real(beta, "β", 0.0, 0.999999)


def ewa(x, beta: float, bias_correction: bool = False) -> np.ndarray:
    """vₜ = βvₜ₋₁ + (1 − β)xₜ for t = 1 … len(x), from v₀ = 0; with ``bias_correction`` vₜ/(1 − βᵗ)."""
    beta = _beta(beta)
    x = checks.real_array(x, "x")
    out = np.empty(len(x))
    v = 0.0
    for t, value in enumerate(x):
        v = beta * v + (1.0 - beta) * value
        out[t] = v
    if bias_correction:
        out /= 1.0 - beta ** np.arange(1, len(x) + 1)
    return out


def window(beta: float) -> float:
    """How many recent days an EWA roughly averages over: 1/(1 − β)."""
    return 1.0 / (1.0 - _beta(beta))


def weights(beta: float, t: int) -> np.ndarray:
    """The weight (1 − β)βᵗ⁻ᵏ of day k = 1 … t in vₜ (they sum to 1 − βᵗ)."""
    beta = _beta(beta)
    t = checks.whole(t, "t", 1, 10_000_000)
    return (1.0 - beta) * beta ** (t - np.arange(1, t + 1))
