"""What the boundary accepts: the public API's arguments and the scenario files' fields.

Every check raises ``ValueError`` with a message that names the argument or field and says what
it must be.  A real number is an ``int`` or ``float`` (NumPy's too), never a bool, a complex
number or a string of digits; messages never print a value at length (a 5,000-digit integer
cannot even be printed: ``repr`` raises).
"""
from __future__ import annotations

import math

import numpy as np

_REAL = (int, float, np.integer, np.floating)
_BOOL = (bool, np.bool_)


def shown(value, limit: int = 60) -> str:
    """A short description of any value for a message; never fails, never huge."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, _BOOL) and abs(int(value)).bit_length() > 190:
        return f"a number with {int(abs(int(value)).bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 8:
        return f"a {type(value).__name__} of {len(value)} items"
    try:
        text = repr(value)
    except Exception:  # a nested structure deeper than the recursion limit, a broken __repr__ …
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _range(lo: float, hi: float) -> str:
    if math.isinf(lo) and math.isinf(hi):
        return ""
    if math.isinf(hi):
        return f" ≥ {lo:g}"
    if math.isinf(lo):
        return f" ≤ {hi:g}"
    return f" between {lo:g} and {hi:g}"


def real(value, name: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A finite real number in [lo, hi], as a float."""
    if isinstance(value, _BOOL) or not isinstance(value, _REAL):
        raise ValueError(f"{name} must be a number{_range(lo, hi)}; got {shown(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond 1.8e308
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number{_range(lo, hi)}; got {shown(value)}")
    if not lo <= number <= hi:
        raise ValueError(f"{name} must be{_range(lo, hi)}; got {shown(value)}")
    return number


def whole(value, name: str, lo: int, hi: int) -> int:
    """A whole number (int, not bool or float) in [lo, hi]."""
    if isinstance(value, _BOOL) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number between {lo} and {hi}; got {shown(value)}")
    return int(value)


def reals(value, name: str, n: int, what: str = "numbers") -> tuple[float, ...]:
    """Exactly ``n`` real numbers given as a list, tuple or 1-D array (a string or a dict is not)."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise ValueError(f"{name} must be {n} {what}; got {shown(value)}")
    return tuple(real(v, f"{name}[{i}]") for i, v in enumerate(value))


def name(value, what: str) -> str:
    """A name such as a surface's or an optimizer's: text (a list or a number is not)."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a name (text); got {shown(value)}")
    return value


def text(value, name: str, limit: int) -> str:
    """Text of at most ``limit`` characters that can be written to a UTF-8 file."""
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"{name} must be text of at most {limit} characters; got {shown(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (half of an emoji, e.g. from a broken paste)
        raise ValueError(f"{name} has an invalid character at position {exc.start + 1} (a lone surrogate "
                         f"{shown(value[exc.start])}); retype it") from None
    return value


def real_array(value, name: str) -> np.ndarray:
    """A float64 copy of an array of real numbers (ints or floats; not bool, complex, str, object, dates)."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested lists
        raise ValueError(f"{name} must be an array of numbers; got {shown(value)}") from None
    if array.dtype.kind not in "iuf":
        kind = "numbers too large for a float, or mixed types" if array.dtype.kind == "O" else array.dtype
        raise ValueError(f"{name} must be an array of real numbers; got an array of {kind}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers only (no nan or inf)")
    return array


def callable_or_none(value, name: str):
    if value is not None and not callable(value):
        raise ValueError(f"{name} must be a function or None; got {shown(value)}")
    return value
