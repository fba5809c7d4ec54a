"""Every update rule against its formula: hand-computed first steps, closed forms on
quadratics, and the plain-Python reference (tests/naive.py) over many steps."""
import math

import numpy as np
import pytest

import naive
from landscape_app import simulate
from landscape_app.core.engine import resolve_hyper
from landscape_app.core.optimizers import OPTIMIZERS
from landscape_app.core.resolver import get_surface


def quad_grad(p):  # the registered "quadratic": f = ½(x² + 4y²)
    return np.array([p[0], 4.0 * p[1]])


def fg(name):
    s = get_surface(name)
    return lambda p: (s.value_and_grad(*p)[0], np.array(s.value_and_grad(*p)[1:]))


def path(optimizer, steps=3, start=(1.0, 1.0), surface="quadratic", **hyper):
    return simulate(surface, optimizer, start, steps, **hyper).path


# --------------------------------------------------------------------------- first steps by hand

def test_sgd_first_three_steps_by_hand():
    # g = (x, 4y); θ ← θ − 0.1 g
    expected = [(1, 1), (0.9, 0.6), (0.81, 0.36), (0.729, 0.216)]
    np.testing.assert_allclose(path("sgd", lr=0.1), expected, rtol=1e-14)


def test_classical_momentum_first_three_steps_by_hand():
    # v1 = (1, 4) → θ1 = (0.9, 0.6); v2 = 0.9·v1 + (0.9, 2.4) = (1.8, 6.0) → θ2 = (0.72, 0.0)
    # v3 = 0.9·v2 + (0.72, 0) = (2.34, 5.4) → θ3 = (0.486, −0.54)
    expected = [(1, 1), (0.9, 0.6), (0.72, 0.0), (0.486, -0.54)]
    np.testing.assert_allclose(path("momentum", lr=0.1, beta1=0.9), expected, atol=1e-14)


def test_ema_momentum_first_three_steps_by_hand():
    # v1 = 0.1·(1, 4) = (0.1, 0.4) → θ1 = (0.99, 0.96)
    # g2 = (0.99, 3.84); v2 = (0.09 + 0.099, 0.36 + 0.384) = (0.189, 0.744) → θ2 = (0.9711, 0.8856)
    # g3 = (0.9711, 3.5424); v3 = (0.1701 + 0.09711, 0.6696 + 0.35424) → θ3 = θ2 − 0.1·v3
    v3 = np.array([0.1701 + 0.09711, 0.6696 + 0.35424])
    expected = [(1, 1), (0.99, 0.96), (0.9711, 0.8856), np.array([0.9711, 0.8856]) - 0.1 * v3]
    np.testing.assert_allclose(path("momentum", lr=0.1, beta1=0.9, form="ema"), expected, atol=1e-14)


def test_lr_inside_momentum_equals_classical_at_fixed_lr():
    # u = −αv exactly when α is constant: the two forms trace the same points.
    np.testing.assert_allclose(path("momentum", 50, lr=0.05, form="lr_inside"),
                               path("momentum", 50, lr=0.05, form="classical"), atol=1e-12)


def test_momentum_forms_split_when_the_learning_rate_decays():
    a = path("momentum", 30, lr=0.05, form="lr_inside", schedule="exponential", gamma=0.7)
    b = path("momentum", 30, lr=0.05, form="classical", schedule="exponential", gamma=0.7)
    assert np.abs(a - b).max() > 1e-3


def test_nesterov_first_two_steps_by_hand():
    # step 1: v = 0, look-ahead = θ; g = (1, 4); v1 = (1, 4); θ1 = (0.9, 0.6)
    # step 2: look-ahead = θ1 − 0.1·0.9·v1 = (0.81, 0.24); g = (0.81, 0.96)
    #         v2 = (0.9 + 0.81, 3.6 + 0.96) = (1.71, 4.56); θ2 = (0.729, 0.144)
    run = simulate("quadratic", "nesterov", (1, 1), 2, lr=0.1, beta1=0.9)
    np.testing.assert_allclose(run.path, [(1, 1), (0.9, 0.6), (0.729, 0.144)], atol=1e-14)
    np.testing.assert_allclose(run.grad[1], (0.81, 0.96), atol=1e-14)


@pytest.mark.parametrize("form", ["classical", "ema", "lr_inside"])
def test_nesterov_evaluates_gradient_at_lookahead_point(form):
    s = get_surface("rosenbrock")
    for name in ("nesterov", "momentum"):
        run = simulate("rosenbrock", name, (-1.2, 1.0), 5, lr=1e-3, beta1=0.9, form=form)
        th1 = run.path[1]
        # After one step from rest the velocity is known from the path: θ1 − θ0 = −αv1 (= u1).
        ahead = th1 + 0.9 * (th1 - run.path[0])
        g_ahead = np.array(s.value_and_grad(*ahead)[1:])
        g_here = np.array(s.value_and_grad(*th1)[1:])
        assert not np.allclose(g_ahead, g_here, rtol=1e-3)
        np.testing.assert_allclose(run.grad[1], g_ahead if name == "nesterov" else g_here, rtol=1e-12)


def test_adagrad_first_three_steps_by_hand():
    eps = 1e-10
    th = np.array([1.0, 1.0])
    G = np.zeros(2)
    expected = [th.copy()]
    for _ in range(3):
        g = quad_grad(th)
        G = G + g * g
        th = th - 0.5 * g / (np.sqrt(G) + eps)
        expected.append(th.copy())
    # The first AdaGrad step has size α in every coordinate: g/√(g²) = sign(g).
    np.testing.assert_allclose(expected[1], (0.5, 0.5), atol=1e-9)
    np.testing.assert_allclose(path("adagrad", lr=0.5, eps=eps), expected, rtol=1e-13)


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_beta():
    # S1 = (1 − β₂)g² → step = α g / (√(1 − β₂)|g| + ε) ≈ α / √(1 − β₂) per coordinate
    p = path("rmsprop", 1, lr=0.01, beta2=0.99, eps=1e-12)
    np.testing.assert_allclose(1 - p[1], 0.01 / math.sqrt(0.01), rtol=1e-9)


def test_adadelta_first_two_steps_by_hand():
    rho, eps, a = 0.9, 1e-6, 1.0
    th, E, U = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    expected = [th.copy()]
    for _ in range(2):
        g = quad_grad(th)
        E = rho * E + (1 - rho) * g * g
        d = -np.sqrt(U + eps) / np.sqrt(E + eps) * g
        U = rho * U + (1 - rho) * d * d
        th = th + a * d
        expected.append(th.copy())
    # step 1 in x: −√ε/√(0.1 + ε) ≈ −0.0031623
    assert expected[1][0] == pytest.approx(1 - math.sqrt(eps) / math.sqrt(0.1 + eps), rel=1e-12)
    np.testing.assert_allclose(path("adadelta", 2, lr=a, beta2=rho, eps=eps), expected, rtol=1e-13)


def test_adam_first_step_moves_lr_per_coordinate_with_bias_correction():
    # m̂1 = g, v̂1 = g² → step = α g / (|g| + ε) = α·sign(g)
    np.testing.assert_allclose(path("adam", 1, lr=0.1)[1], (0.9, 0.9), rtol=1e-7)


def test_adam_without_bias_correction_first_step_is_damped():
    # m1 = 0.1g, v1 = 0.001g² → step = α·0.1/√0.001 = α·3.1623 (biased, too large)
    p = path("adam", 1, lr=0.01, bias_correction=False, eps=1e-12)
    np.testing.assert_allclose(1 - p[1], 0.01 * 0.1 / math.sqrt(0.001), rtol=1e-9)


def test_adam_three_steps_by_hand():
    b1, b2, eps, a = 0.9, 0.999, 1e-8, 0.1
    th, m, v = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    expected = [th.copy()]
    for t in (1, 2, 3):
        g = quad_grad(th)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        th = th - a * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        expected.append(th.copy())
    np.testing.assert_allclose(path("adam", lr=a), expected, rtol=1e-13)


def test_adamw_shrinks_theta_before_the_adam_step():
    # With λ: θ ← θ(1 − αλ) then Adam; first Adam step is α·sign(g) (g taken at the old θ).
    p = path("adamw", 1, lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(p[1], np.array([1.0, 1.0]) * (1 - 0.05) - 0.1, rtol=1e-7)


def test_amsgrad_uses_running_max_of_v():
    # Gradient shrinks each step on the quadratic, so v's running max differs from v.
    a = simulate("quadratic", "amsgrad", (1.0, 1.0), 40, lr=0.1, beta2=0.5)
    b = simulate("quadratic", "adam", (1.0, 1.0), 40, lr=0.1, beta2=0.5)
    assert np.all(a.state[2] >= a.state[1])
    assert np.abs(a.path - b.path).max() > 1e-3


def test_nadam_first_step_by_hand():
    # m̂1 = g → θ ← θ − α(β₁g + (1 − β₁)g/(1 − β₁))/(|g| + ε) = θ − α(β₁ + 1)·sign(g)
    np.testing.assert_allclose(path("nadam", 1, lr=0.1)[1], 1 - 0.1 * 1.9, rtol=1e-7)


def test_rprop_grows_and_halves_step_sizes():
    # 1-D in y on the quadratic from y = 1 with Δ₀ = 0.3: steps 0.3, 0.36 (same sign, ×1.2)...
    run = simulate("quadratic", "rprop", (0.0, 1.0), 5, lr=0.3)
    y = run.path[:, 1]
    assert y[1] == pytest.approx(0.7)
    assert y[2] == pytest.approx(0.7 - 0.36)
    assert y[3] == pytest.approx(0.34 - 0.432)  # still positive before: 0.34 → −0.092
    # sign flip at step 4: Δ halves (0.432 → 0.216) and the step is skipped (g ← 0)
    assert y[4] == pytest.approx(y[3])
    # step 5: previous g was zeroed → no growth, Δ = 0.216 in the direction of −sign(g)
    assert y[5] == pytest.approx(y[4] + 0.216)


def test_coordinate_descent_alternates_coordinates():
    p = path("coordinate_descent", 4, lr=0.1)
    assert p[1][1] == 1.0 and p[1][0] == pytest.approx(0.9)
    assert p[2][0] == p[1][0] and p[2][1] == pytest.approx(0.6)
    assert p[3][1] == p[2][1] and p[3][0] == pytest.approx(0.81)


def test_random_search_uses_function_values_along_a_seeded_probe():
    run = simulate("quadratic", "random_search", (1.0, 1.0), 200, lr=0.2, sigma=0.5, seed=4)
    again = simulate("quadratic", "random_search", (1.0, 1.0), 200, lr=0.2, sigma=0.5, seed=4)
    np.testing.assert_array_equal(run.path, again.path)
    assert run.loss[-1] < 1e-3 * run.loss[0]
    assert not OPTIMIZERS["random_search"].uses_gradient


# --------------------------------------------------------------------------- closed forms

def test_gradient_descent_matches_closed_form_on_quadratic_for_100_steps():
    a, k = 0.1, np.arange(101)
    expected = np.stack([(1 - a) ** k * 2.0, (1 - 4 * a) ** k * -1.5], axis=1)
    np.testing.assert_allclose(path("sgd", 100, start=(2.0, -1.5), lr=a), expected, rtol=1e-12, atol=1e-300)


def test_classical_momentum_matches_closed_form_recurrence_for_100_steps():
    a, b = 0.05, 0.8
    p = path("momentum", 100, start=(2.0, -1.5), lr=a, beta1=b)
    for coord, lam, x0 in ((0, 1.0, 2.0), (1, 4.0, -1.5)):
        # [x_k, v_k] = M^k [x_0, 0] with M = [[1 − αλ, −αβ], [λ, β]]
        M = np.array([[1 - a * lam, -a * b], [lam, b]])
        expected = [(np.linalg.matrix_power(M, k) @ [x0, 0.0])[0] for k in range(101)]
        np.testing.assert_allclose(p[:, coord], expected, rtol=1e-10, atol=1e-13)


# --------------------------------------------------------------------------- against the reference

CASES = [
    ("sgd", {"lr": 1e-3}), ("momentum", {"lr": 5e-4, "beta1": 0.9}),
    ("momentum", {"lr": 5e-4, "beta1": 0.8, "form": "ema"}), ("momentum", {"lr": 5e-4, "form": "lr_inside"}),
    ("nesterov", {"lr": 5e-4, "beta1": 0.9}), ("nesterov", {"lr": 1e-3, "form": "ema"}),
    ("nesterov", {"lr": 5e-4, "form": "lr_inside"}), ("adagrad", {"lr": 0.3}), ("rmsprop", {"lr": 0.01}),
    ("adadelta", {}), ("adadelta", {"lr": 0.5, "beta2": 0.95, "eps": 1e-4}),
    ("adam", {"lr": 0.02}), ("adam", {"lr": 0.02, "bias_correction": False}),
    ("adamw", {"lr": 0.02, "weight_decay": 0.1}), ("amsgrad", {"lr": 0.02}), ("nadam", {"lr": 0.02}),
    ("rprop", {"lr": 0.01}), ("random_search", {"lr": 0.01, "sigma": 0.1}),
    ("coordinate_descent", {"lr": 1e-3}),
]
MODIFIERS = [{}, {"noise": 2.0}, {"clip_norm": 5.0}, {"clip_value": 3.0, "noise": 1.0},
             {"schedule": "step", "decay": 0.5, "every": 40, "steps_per_epoch": 2}]


@pytest.mark.parametrize("modifier", MODIFIERS, ids=lambda m: ",".join(m) or "plain")
@pytest.mark.parametrize("name,hyper", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_kernel_matches_reference_for_300_steps(name, hyper, modifier):
    h = {**hyper, **modifier}
    run = simulate("rosenbrock", name, (-1.2, 1.0), 300, seed=11, **h)
    assert run.diverged_at is None
    ref_path, ref_grad, ref_lr = naive.simulate(fg("rosenbrock"), name, (-1.2, 1.0), 300,
                                                resolve_hyper(name, h), seed=11)
    # Compiled βᵗ and libm's pow differ in the last bit; chaotic runs amplify that a little,
    # and Rosenbrock's Hessian (~10³) scales a position error into the gradient.
    np.testing.assert_allclose(run.path, ref_path, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(run.grad, ref_grad, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(run.lr, ref_lr, rtol=1e-14)


def test_every_optimizer_has_a_reference_case():
    assert {name for name, _ in CASES} == set(OPTIMIZERS)


def test_every_rule_is_documented_with_its_formula():
    for opt in OPTIMIZERS.values():
        assert "θ" in opt.rule, opt.name
        assert opt.hyper("lr").symbol == "α"
