"""Tests of ktlib._ridge: ridge and minimum-norm least squares, closed form and simulation.

Statistical tests use fixed seeds and state their bound in standard errors (s.e.) of the
Monte Carlo mean. The closed form is a deterministic equivalent, exact only as n, d -> inf;
at the sizes used here its bias is below 2% (checked with 400 seeds), well inside the bounds.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt

Z_BOUND = 4.0        # |simulation mean - closed form| < Z_BOUND s.e.


@pytest.fixture
def prob():
    return kt.power_law(d=600, alpha=1.5, beta=2.5, noise=1.0)


# ----------------------------------------------------------------------------------------
# The effective regularization
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [20, 150, 599, 600, 2000])
def test_kappa_solves_its_equation(prob, n):
    pen = np.array([1e-6, 1e-3, 0.05, 2.0])
    kappa = kt.effective_regularization(prob, n, pen)
    df1 = np.sum(prob.eigs / (prob.eigs + kappa[:, None]), axis=1)
    assert_allclose(kappa * (1 - df1 / n), pen, rtol=1e-9)
    assert np.all(kappa >= pen)


def test_kappa_of_min_norm_interpolator(prob):
    n = 150
    kappa = kt.effective_regularization(prob, n, 0.0)
    assert kappa > 0
    assert_allclose(np.sum(prob.eigs / (prob.eigs + kappa)), n, rtol=1e-10)
    # least squares with n >= d has no self-induced regularization
    assert kt.effective_regularization(prob, 700, 0.0) == 0.0


def test_kappa_tends_to_penalty_with_many_samples(prob):
    pen = 0.01
    kappa = [kt.effective_regularization(prob, n, pen) for n in (100, 10_000, 10_000_000)]
    assert kappa[0] > kappa[1] > kappa[2] > pen
    assert kappa[2] == pytest.approx(pen, rel=1e-4)


# ----------------------------------------------------------------------------------------
# The closed form: identities and limits
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [50, 300, 2000])
def test_per_mode_risk_sums_to_total(prob, n):
    out = kt.ridge_risk(prob, n, np.array([0.0, 1e-4, 1e-2, 1.0]))
    assert out.mode_risk.shape == (4, prob.d)
    assert_allclose(out.mode_risk.sum(axis=1), out.risk, rtol=1e-12)
    assert_allclose(out.bias + out.variance, out.risk, rtol=1e-12)
    x = out.df2 / n
    assert_allclose(out.variance, prob.noise**2 * x / (1 - x), rtol=1e-12)


def test_risk_satisfies_self_consistency(prob):
    n = 200
    out = kt.ridge_risk(prob, n, [0.0, 0.02])
    k = out.kappa[:, None]
    lam, w2, s2 = prob.eigs, prob.w_star**2, prob.noise**2
    m = k**2 * lam * w2 / (lam + k) ** 2 + lam**2 / (lam + k) ** 2 * (out.risk[:, None] + s2) / n
    assert_allclose(m.sum(axis=1), out.risk, rtol=1e-12)
    assert_allclose(out.mode_risk, m, rtol=1e-10, atol=1e-300)


def test_zero_eigenvalues_are_left_alone():
    prob = kt.Problem(eigs=[1.0, 0.5, 0.0], w_star=[1.0, 1.0, 3.0], noise=0.5)
    out = kt.ridge_risk(prob, 1, [0.0, 0.1])
    assert_allclose(out.mode_error[:, 2], 9.0)         # the weight stays at 0
    assert_allclose(out.mode_risk.sum(axis=1), out.risk, rtol=1e-12)


def test_large_penalty_gives_null_risk(prob):
    out = kt.ridge_risk(prob, 100, 1e12)
    assert out.risk[0] == pytest.approx(prob.null_risk, rel=1e-9)
    assert_allclose(out.mode_risk[0], prob.signal, rtol=1e-9)
    assert_allclose(kt.ridge_filter(prob, 1e12, n=100), 0.0, atol=1e-11)


def test_risk_is_continuous_at_zero_penalty(prob):
    out = kt.ridge_risk(prob, 150, [0.0, 1e-12])
    assert out.risk[1] == pytest.approx(out.risk[0], rel=1e-6)
    assert kt.min_norm_risk(prob, 150).risk[0] == out.risk[0]


def test_isotropic_noiseless_min_norm_is_exact():
    # the min-norm interpolator projects w_star onto a random n-dim subspace: R = (1 - n/d)|w*|^2
    d, n = 200, 50
    w_star = np.linspace(-1.0, 2.0, d)
    prob = kt.Problem(eigs=np.ones(d), w_star=w_star, noise=0.0)
    out = kt.min_norm_risk(prob, n)
    assert out.kappa[0] == pytest.approx(d / n - 1, rel=1e-12)
    assert out.risk[0] == pytest.approx((1 - n / d) * np.sum(w_star**2), rel=1e-12)
    sim = kt.simulate_ridge(prob, n, 0.0, seeds=64, seed=3)
    assert abs(sim.mean[0] - out.risk[0]) < Z_BOUND * sim.sem[0]


def test_isotropic_noiseless_ridge_with_many_samples_is_population_ridge():
    d = 50
    prob = kt.Problem(eigs=np.ones(d), w_star=np.ones(d), noise=0.0)
    pen = 0.25
    out = kt.ridge_risk(prob, 10**9, pen)
    # population ridge shrinks every coordinate to 1/(1+pen): risk d (pen/(1+pen))^2
    assert out.risk[0] == pytest.approx(d * (pen / (1 + pen)) ** 2, rel=1e-6)


def test_least_squares_with_more_samples_than_dimensions():
    d, n = 20, 80
    prob = kt.power_law(d=d, alpha=2.0, beta=2.0, noise=0.7)
    out = kt.ridge_risk(prob, n, 0.0)
    exact = 0.7**2 * d / (n - d - 1)
    assert out.risk[0] == pytest.approx(exact, rel=1e-12)
    assert_allclose(out.mode_risk[0], exact / d, rtol=1e-12)
    sim = kt.simulate_ridge(prob, n, 0.0, seeds=200, seed=5)
    assert abs(sim.mean[0] - exact) < Z_BOUND * sim.sem[0]


# ----------------------------------------------------------------------------------------
# Closed form against simulation
# ----------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("n, seed", [(150, 11), (400, 12)])
def test_closed_form_matches_simulation(prob, n, seed):
    pen = np.array([0.0, 1e-3, 1e-2, 0.05, 0.3, 3.0])
    theory = kt.ridge_risk(prob, n, pen)
    sim = kt.simulate_ridge(prob, n, pen, seeds=64, seed=seed)
    z = (sim.mean - theory.risk) / sim.sem
    assert np.all(np.abs(z) < Z_BOUND), z


@pytest.mark.slow
def test_per_mode_closed_form_matches_simulation(prob):
    # per-mode errors summed over blocks of modes (single modes are too noisy); with 128 seeds
    # the blocks scatter by about 5% (checked over several seeds), the bound is 15%
    n, pen = 150, np.array([0.0, 0.02])
    theory = kt.ridge_risk(prob, n, pen)
    sim = kt.simulate_ridge(prob, n, pen, seeds=128, seed=21)
    edges = [0, 3, 10, 30, 100, 300, 600]
    for a, b in zip(edges[:-1], edges[1:]):
        th = theory.mode_risk[:, a:b].sum(axis=1)
        mc = sim.mode_risk[:, a:b].sum(axis=1)
        assert_allclose(mc, th, rtol=0.15, err_msg=f"modes {a + 1} to {b}")


def test_simulation_is_reproducible(prob):
    a = kt.simulate_ridge(prob, 100, [0.0, 0.1], seeds=3, seed=9)
    b = kt.simulate_ridge(prob, 100, [0.0, 0.1], seeds=3, seed=9)
    c = kt.simulate_ridge(prob, 100, [0.0, 0.1], seeds=3, seed=10)
    assert np.array_equal(a.risk, b.risk) and np.array_equal(a.mode_error, b.mode_error)
    assert not np.array_equal(a.risk, c.risk)
    assert a.risk.shape == (3, 2) and a.mode_error.shape == (2, prob.d)
    assert_allclose(a.mode_risk.sum(axis=1), a.mean, rtol=1e-12)


# ----------------------------------------------------------------------------------------
# Exact fits
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, d", [(40, 10), (10, 40)])
def test_ridge_fit_solves_the_normal_equations(n, d):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    pen = np.array([1e-3, 0.1, 10.0])
    w = kt.ridge_fit(X, y, pen)
    for p, wp in zip(pen, w):
        direct = np.linalg.solve(X.T @ X / n + p * np.eye(d), X.T @ y / n)
        assert_allclose(wp, direct, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("n, d", [(40, 10), (10, 40)])
def test_min_norm_fit_is_the_pseudo_inverse(n, d):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d))
    y = rng.standard_normal(n)
    w0 = kt.ridge_fit(X, y, 0.0)
    assert_allclose(w0, np.linalg.pinv(X) @ y, rtol=1e-8, atol=1e-10)
    assert_allclose(kt.ridge_fit(X, y, 1e-10), w0, rtol=1e-6, atol=1e-8)
    if d > n:
        assert_allclose(X @ w0, y, atol=1e-9)          # it interpolates


# ----------------------------------------------------------------------------------------
# Filters and tuning
# ----------------------------------------------------------------------------------------
def test_ridge_filter(prob):
    f = kt.ridge_filter(prob, 0.01)
    assert_allclose(f, prob.eigs / (prob.eigs + 0.01))
    kappa = kt.effective_regularization(prob, 100, 0.01)
    assert_allclose(kt.ridge_filter(prob, 0.01, n=100), prob.eigs / (prob.eigs + kappa))
    assert kt.ridge_filter(prob, [0.01, 0.1]).shape == (2, prob.d)
    assert_allclose(kt.ridge_filter(prob, 0.0, n=700), 1.0)     # least squares: unbiased


def test_tune_penalty(prob):
    sweep = kt.tune_penalty(prob, 300)
    assert not sweep.at_edge
    assert sweep.best_risk == pytest.approx(sweep.risk.min())
    assert sweep.best_risk < kt.min_norm_risk(prob, 300).risk[0]
    assert sweep.best_risk < prob.null_risk
    one = sweep[sweep.best]
    assert one.risk.shape == (1,) and one.penalty[0] == sweep.best_penalty


def test_ridge_spectrum_explorer():
    import matplotlib.pyplot as plt
    out = kt.ridge_spectrum(d=300, n=100)
    assert set(out) == {"risk", "kappa", "min_norm_risk", "null_risk", "k_stat", "k_cut"}
    assert 0 < out["risk"] < out["min_norm_risk"] < out["null_risk"]
    plt.close("all")
    with pytest.raises(ValueError, match="penalty"):
        kt.ridge_spectrum(penalty=0.0)


# ----------------------------------------------------------------------------------------
# Bad inputs
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda p: kt.ridge_risk(p, 0, 0.1), "n"),
    (lambda p: kt.ridge_risk(p, 2.5, 0.1), "n"),
    (lambda p: kt.ridge_risk(p, 100, -0.1), "penalty"),
    (lambda p: kt.ridge_risk(p, 100, np.nan), "penalty"),
    (lambda p: kt.ridge_risk(p, 100, np.inf), "penalty"),
    (lambda p: kt.ridge_risk(p, 100, [[0.1]]), "penalty"),
    (lambda p: kt.ridge_risk(p, 600, 0.0), "penalty=0"),
    (lambda p: kt.ridge_risk(p, 601, [0.1, 0.0]), "penalty=0"),
    (lambda p: kt.ridge_risk("not a problem", 100, 0.1), "prob"),
    (lambda p: kt.effective_regularization(p, -3, 0.1), "n"),
    (lambda p: kt.ridge_filter(p, 0.0), "penalty"),
    (lambda p: kt.ridge_filter(p, -1.0, n=10), "penalty"),
    (lambda p: kt.simulate_ridge(p, 100, 0.1, seeds=0), "seeds"),
    (lambda p: kt.simulate_ridge(p, 100, 0.1, seed=-1), "seed"),
    (lambda p: kt.simulate_ridge(p, 0, 0.1), "n"),
    (lambda p: kt.ridge_fit(np.ones(3), np.ones(3), 0.1), "X"),
    (lambda p: kt.ridge_fit(np.ones((3, 2)), np.ones(2), 0.1), "y"),
    (lambda p: kt.ridge_fit(np.full((3, 2), np.nan), np.ones(3), 0.1), "finite"),
    (lambda p: kt.ridge_fit(np.ones((3, 2)), np.ones(3), -1.0), "penalty"),
    (lambda p: kt.tune_penalty(p, 100, num=1), "num"),
])
def test_bad_inputs_raise(prob, call, match):
    with pytest.raises(ValueError, match=match):
        call(prob)
