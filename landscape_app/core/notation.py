"""Formulas as Qt rich text.

The formulas are written once, in plain Unicode (``Optimizer.rule``, schedule formulas, the
readout's names), which a terminal shows as written.  Qt needs help with one thing: a combining
hat (U+0302) after a letter that has no precomposed form, as in m̂ and v̂.  DejaVu Sans, the usual
default font on Linux, does not place the mark in its upright face: the hat disappears, or lands
on another character once the line is wrapped ("+̂ (1 −̂β₂)").  Its italic face places it
correctly.  So :func:`html` writes single-letter Latin variables in italics, as mathematics is
typeset anyway, and the hatted ones come out right on every font we tried.  It also turns the
plain-text ``v_max`` and ``d^⌊e/k⌋`` into a real subscript and superscript.
"""
from __future__ import annotations

import html as _html
import re

# A Latin letter standing alone (not part of a word like "max" or "sign"), with its combining
# marks.  "a" stays upright: in these texts it is the English article, never a variable.
_VARIABLE = re.compile(r"(?<![A-Za-z])([b-zA-Z][\u0300-\u036f]*)(?![A-Za-z\u0300-\u036f])")
# A one-letter symbol (an italic Latin variable or a Greek letter) with a word subscript: v_max, α_min
_SUBSCRIPT = re.compile(r"(<i>[^<]*</i>|(?<![\w])[\u0370-\u03ff])_(<i>[^<]*</i>|[A-Za-z]+)")
_SUPERSCRIPT = re.compile(r"\^(⌊[^⌋]*⌋|\([^)]*\)|[^\s;,·]+)")


def html(text: str, wrap: bool = True) -> str:
    """``text`` as Qt rich text: escaped, single-letter Latin variables in italics (so m̂ and v̂
    keep their hats), ``x_word`` and ``x^y`` as sub- and superscripts; ``wrap``ped in a span so
    Qt reads it as rich text even where it guesses (tooltips), not for use inside other HTML."""
    out = _VARIABLE.sub(lambda m: f"<i>{m.group(1)}</i>", _html.escape(text, quote=False))
    out = _SUBSCRIPT.sub(r"\1<sub>\2</sub>", out)
    out = _SUPERSCRIPT.sub(r"<sup>\1</sup>", out)
    return f"<span>{out}</span>" if wrap else out
