"""A tiny stack machine that evaluates a compiled formula inside the step loop.

A program is an (n, 2) float64 array of rows (opcode, constant) in post-order; ``bounds`` =
(f begins, ∂f/∂x begins, ∂f/∂y begins, end).  The compiled loops take it *packed*: two header
rows holding the bounds, then the program — one plain array, which parallel kernels accept
(tuples of arrays they do not).  When the gradient part is empty the gradient
comes from central differences.  Division by zero, logs of negatives and overflow give
inf/nan (IEEE), never an exception: divergence is data.
"""
import math

import numpy as np

from .jit import inline_kernel, kernel

PUSH_CONST, PUSH_X, PUSH_Y, ADD, SUB, MUL, DIV, POW = 1, 2, 3, 4, 5, 6, 7, 8
SIN, COS, TAN, EXP, LOG, SQRT, TANH, ABS, ATAN, SINH, COSH, SIGN = range(20, 32)


def pack(program: np.ndarray, bounds) -> np.ndarray:
    header = np.array([[bounds[0] + 2, bounds[1] + 2], [bounds[2] + 2, bounds[3] + 2]], dtype=np.float64)
    return np.ascontiguousarray(np.vstack([header, program]))


@kernel
def _run_range(prog, begin, end, x, y, stack):
    top = 0
    for k in range(begin, end):
        op = int(prog[k, 0])
        if op == PUSH_CONST:
            stack[top] = prog[k, 1]
            top += 1
        elif op == PUSH_X:
            stack[top] = x
            top += 1
        elif op == PUSH_Y:
            stack[top] = y
            top += 1
        elif op <= POW:
            top -= 1
            b = stack[top]
            a = stack[top - 1]
            if op == ADD:
                stack[top - 1] = a + b
            elif op == SUB:
                stack[top - 1] = a - b
            elif op == MUL:
                stack[top - 1] = a * b
            elif op == DIV:
                stack[top - 1] = a / b
            elif op == POW:
                stack[top - 1] = _pow(a, b)
        else:
            a = stack[top - 1]
            stack[top - 1] = _func(op, a)
    return stack[0]


@kernel
def _pow(a, b):
    if a < 0.0 and b != math.floor(b):
        return math.nan
    if a == 0.0 and b < 0.0:
        return math.inf
    return a ** b


@kernel
def _func(op, a):
    if op == SIN:
        return math.sin(a)
    elif op == COS:
        return math.cos(a)
    elif op == TAN:
        return math.tan(a)
    elif op == EXP:
        return math.exp(a) if a < 709.0 else math.inf
    elif op == LOG:
        return math.log(a) if a > 0.0 else (-math.inf if a == 0.0 else math.nan)
    elif op == SQRT:
        return math.sqrt(a) if a >= 0.0 else math.nan
    elif op == TANH:
        return math.tanh(a)
    elif op == ABS:
        return abs(a)
    elif op == ATAN:
        return math.atan(a)
    elif op == SINH:
        return math.sinh(a) if abs(a) < 710.0 else math.copysign(math.inf, a)
    elif op == COSH:
        return math.cosh(a) if abs(a) < 710.0 else math.inf
    elif op == SIGN:
        return 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)
    return math.nan


@inline_kernel
def run_program(prog, bounds, stack, x, y):
    """(f, ∂f/∂x, ∂f/∂y) at (x, y); ``stack`` is scratch space of len(prog) + 1 floats."""
    f_begin, fx_begin, fy_begin, end = bounds
    f = _run_range(prog, f_begin, fx_begin, x, y, stack)
    if fx_begin < fy_begin:
        return f, _run_range(prog, fx_begin, fy_begin, x, y, stack), _run_range(prog, fy_begin, end, x, y, stack)
    hx = 1e-6 * max(1.0, abs(x))
    hy = 1e-6 * max(1.0, abs(y))
    gx = (_run_range(prog, f_begin, fx_begin, x + hx, y, stack)
          - _run_range(prog, f_begin, fx_begin, x - hx, y, stack)) / (2 * hx)
    gy = (_run_range(prog, f_begin, fx_begin, x, y + hy, stack)
          - _run_range(prog, f_begin, fx_begin, x, y - hy, stack)) / (2 * hy)
    return f, gx, gy


@kernel
def run_packed(packed, x, y):
    """(f, ∂f/∂x, ∂f/∂y) of a packed program.  Its small stack is allocated per call: an
    interpreted formula costs far more than that, and no scratch space has to travel (or be
    shared between threads) through the loops."""
    bounds = (int(packed[0, 0]), int(packed[0, 1]), int(packed[1, 0]), int(packed[1, 1]))
    return run_program(packed, bounds, np.empty(packed.shape[0]), x, y)


evaluate = run_packed  # (f, ∂f/∂x, ∂f/∂y) at one point, for Python callers


@kernel
def grid(packed, xs, ys):
    """f on the grid xs × ys, shape (len(ys), len(xs))."""
    stack = np.empty(packed.shape[0])
    begin, end = int(packed[0, 0]), int(packed[0, 1])
    out = np.empty((ys.shape[0], xs.shape[0]))
    for j in range(ys.shape[0]):
        for i in range(xs.shape[0]):
            out[j, i] = _run_range(packed, begin, end, xs[i], ys[j], stack)
    return out
