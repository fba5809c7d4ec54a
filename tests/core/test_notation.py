"""Formulas as Qt rich text (core.notation): the conversions; how they render is tested in
tests/ui/test_formulas.py."""
import pytest

from landscape_app.core.notation import html
from landscape_app.core.optimizers import OPTIMIZERS
from landscape_app.core.schedules import SCHEDULES


@pytest.mark.parametrize("text, expected", [
    ("m̂ = m/(1 − β₁ᵗ)", "<i>m̂</i> = <i>m</i>/(1 − β₁ᵗ)"),
    ("α / (√v̂ + ε)", "α / (√<i>v̂</i> + ε)"),
    ("v_max ← max(v_max, v)", "<i>v</i><sub>max</sub> ← max(<i>v</i><sub>max</sub>, <i>v</i>)"),
    ("α_min", "α<sub>min</sub>"),
    ("σ_g", "σ<sub><i>g</i></sub>"),
    ("α = α₀ · d^⌊e/k⌋", "α = α₀ · <i>d</i><sup>⌊<i>e</i>/<i>k</i>⌋</sup>"),
    ("lr_inside: u ← β₁u − αg", "lr_inside: <i>u</i> ← β₁<i>u</i> − α<i>g</i>"),  # words stay as they are
    ("if gₜ·gₜ₋₁ < 0, take a step", "if <i>g</i>ₜ·<i>g</i>ₜ₋₁ &lt; 0, take a step"),
])
def test_variables_in_italics_words_upright_markup_escaped(text, expected):
    assert html(text, wrap=False) == expected
    assert html(text) == f"<span>{expected}</span>"


def test_every_rule_keeps_its_hats_in_italics_and_its_text():
    import re

    for o in OPTIMIZERS.values():
        out = o.rule_html
        assert "\u0302" not in re.sub(r"<i>[^<]*</i>", "", out), o.name  # every hat sits on an italic letter
        plain = re.sub(r"<[^>]+>", "", out).replace("&lt;", "<").replace("&gt;", ">")
        assert plain == o.rule.replace("_max", "max")  # nothing lost but the underscore of v_max


def test_every_schedule_formula_converts():
    for k in SCHEDULES.values():
        assert html(k.formula).startswith("<span>") and "^" not in html(k.formula)
