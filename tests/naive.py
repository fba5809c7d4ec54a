"""Plain-Python reference implementations of every rule, written from the formulas in the
spec (issue 2 and the seeds), not from the kernels.  The kernels are compared to these."""
from __future__ import annotations

import math

import numpy as np

from landscape_app.core.gradient import PROBE_X, PROBE_Y, gauss


def schedule_lr(h, t, state):
    """α for step t (1-based); ``state`` carries the loss-driven multiplier."""
    a0, kind = h["lr"], h["schedule"]
    e = (t - 1) // h["steps_per_epoch"]
    if kind == "constant":
        return a0
    if kind == "inverse_time":
        return a0 / (1 + h["decay"] * e)
    if kind == "exponential":
        return a0 * h["gamma"] ** e
    if kind == "inverse_sqrt":
        return a0 / math.sqrt(1 + e)
    if kind == "step":
        return a0 * h["decay"] ** (e // h["every"])
    if kind == "cosine":
        E = h["epochs"]
        return h["min_lr"] + (a0 - h["min_lr"]) * (1 + math.cos(math.pi * min(e, E) / E)) / 2
    return a0 * state["mult"]


def schedule_react(h, t, loss, state):
    if t % h["steps_per_epoch"]:
        return
    if h["schedule"] == "plateau":
        if loss < state["best"] - h["threshold"] * abs(state["best"]):
            state["best"], state["bad"] = loss, 0
        else:
            state["bad"] += 1
            if state["bad"] > h["patience"]:
                state["mult"] *= h["factor"]
                state["bad"] = 0
    elif h["schedule"] == "bold_driver":
        state["mult"] *= h["grow"] if loss < state["prev"] else h["shrink"]
        state["prev"] = loss


def modify(g, h, seed, t):
    g = g.copy()
    if h["noise"] > 0:
        g += h["noise"] * np.array([gauss(seed, t, 0), gauss(seed, t, 1)])
    if h["clip_value"] is not None:
        g = np.clip(g, -h["clip_value"], h["clip_value"])
    norm = math.sqrt(g[0] * g[0] + g[1] * g[1])
    if h["clip_norm"] is not None and norm > h["clip_norm"]:
        g = g * (h["clip_norm"] / norm)
    return g


def simulate(fg, name, start, steps, h, seed=0):
    """Reference run; ``fg(p) -> (f, grad)``.  Returns the list of points and of used gradients."""
    th = np.array(start, float)
    s = {"v": np.zeros(2), "m": np.zeros(2), "sq": np.zeros(2), "vmax": np.zeros(2), "U": np.zeros(2),
         "delta": None, "gprev": np.zeros(2)}
    f0 = fg(th)[0]
    sched = {"mult": 1.0, "best": f0, "bad": 0, "prev": f0}
    path, grads, lrs = [th.copy()], [], []
    b1, b2, eps = h.get("beta1"), h.get("beta2"), h.get("eps")
    form = h.get("form", "classical")
    for t in range(1, steps + 1):
        a = schedule_lr(h, t, sched)
        if name == "nesterov":
            ahead = th + b1 * s["v"] if form == "lr_inside" else th - a * b1 * s["v"]
            g = fg(ahead)[1]
        elif name == "random_search":
            d = h["sigma"] * np.array([gauss(seed, t, PROBE_X), gauss(seed, t, PROBE_Y)])
            g = (fg(th + d)[0] - fg(th - d)[0]) * d
        else:
            g = fg(th)[1]
        g = modify(np.asarray(g, float), h, seed, t)
        if name in ("sgd", "random_search"):
            th = th - a * g
        elif name in ("momentum", "nesterov"):
            if form == "classical":
                s["v"] = b1 * s["v"] + g
                th = th - a * s["v"]
            elif form == "ema":
                s["v"] = b1 * s["v"] + (1 - b1) * g
                th = th - a * s["v"]
            else:
                s["v"] = b1 * s["v"] - a * g
                th = th + s["v"]
        elif name == "adagrad":
            s["sq"] = s["sq"] + g * g
            th = th - a * g / (np.sqrt(s["sq"]) + eps)
        elif name == "rmsprop":
            s["sq"] = b2 * s["sq"] + (1 - b2) * g * g
            th = th - a * g / (np.sqrt(s["sq"]) + eps)
        elif name == "adadelta":
            s["sq"] = b2 * s["sq"] + (1 - b2) * g * g
            d = -np.sqrt(s["U"] + eps) / np.sqrt(s["sq"] + eps) * g
            s["U"] = b2 * s["U"] + (1 - b2) * d * d
            th = th + a * d
        elif name in ("adam", "adamw", "amsgrad", "nadam"):
            if name == "adamw":
                th = th * (1 - a * h["weight_decay"])
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["sq"] = b2 * s["sq"] + (1 - b2) * g * g
            v = s["sq"]
            if name == "amsgrad":
                s["vmax"] = np.maximum(s["vmax"], s["sq"])
                v = s["vmax"]
            c1, c2 = (1 - b1 ** t, 1 - b2 ** t) if h["bias_correction"] else (1.0, 1.0)
            m_hat, v_hat = s["m"] / c1, v / c2
            if name == "nadam":
                m_hat = b1 * m_hat + (1 - b1) * g / c1
            th = th - a * m_hat / (np.sqrt(v_hat) + eps)
        elif name == "rprop":
            if s["delta"] is None:
                s["delta"] = np.full(2, a)
            gt = g.copy()  # iRprop− forgets a gradient whose sign flipped
            for i in range(2):
                if gt[i] * s["gprev"][i] > 0:
                    s["delta"][i] = min(1.2 * s["delta"][i], 50.0)
                elif gt[i] * s["gprev"][i] < 0:
                    s["delta"][i] = max(0.5 * s["delta"][i], 1e-6)
                    gt[i] = 0.0
            th = th - np.sign(gt) * s["delta"]
            s["gprev"] = gt
        elif name == "coordinate_descent":
            i = (t - 1) % 2
            th = th.copy()
            th[i] -= a * g[i]
        else:
            raise KeyError(name)
        path.append(th.copy())
        grads.append(g)
        lrs.append(a)
        schedule_react(h, t, fg(th)[0], sched)
    return np.array(path), np.array(grads), np.array(lrs)
