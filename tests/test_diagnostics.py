"""Horizons, learned fractions, effective dimension, slopes."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt


@pytest.mark.parametrize("alpha", [1.5, 2.0, 3.0])
def test_horizon_follows_the_power_law(alpha):
    prob = kt.power_law(d=5000, alpha=alpha)
    lr = 0.3
    for t in [10, 1000, 100000]:
        k = kt.horizon(prob, lr, t)
        assert k == min(5000, int(np.floor((lr * t) ** (1 / alpha) + 1e-9)))


def test_horizon_counts_modes_and_respects_features():
    prob = kt.power_law(d=100, alpha=1.5)
    f = np.ones(100)
    f[:5] = 0.0                                  # the five fastest modes are switched off
    assert kt.horizon(prob, 0.5, 1000, features=f) == kt.horizon(prob, 0.5, 1000) - 5
    assert kt.horizon(prob, 0.5, [0, 1000]).tolist() == [0, kt.horizon(prob, 0.5, 1000)]


def test_learned_fraction_is_the_mean_dynamics():
    prob = kt.power_law(d=50, noise=0.0)
    lr, t = 0.3, 40
    phi = kt.learned_fraction(prob, lr, t)
    # E w_t = phi * w_star, so E (w_t - w_star) = -(1 - phi) w_star; compare with k = mean_factor
    k = kt.mean_factor(lr * prob.eigs, np.array([t]))[0]
    assert_allclose(1 - phi, k, rtol=1e-12, atol=1e-15)
    assert np.all(np.diff(phi) <= 0) and 0 <= phi.min() and phi.max() <= 1
    assert kt.learned_fraction(prob, lr, [1, 2, 3]).shape == (3, 50)


def test_early_stopping_is_like_ridge():
    # the SGD filter and the ridge filter at penalty 1/(lr t) agree within a factor ~ 2 on
    # every mode (both are 1/2-ish at the horizon, ~1 below, ~ lr t eigs beyond)
    prob = kt.power_law(d=2000, alpha=1.5)
    lr, t = 0.2, 5000
    sgd_filter = kt.learned_fraction(prob, lr, t)
    ridge_filter = prob.eigs / (prob.eigs + 1 / (lr * t))
    ratio = sgd_filter / ridge_filter
    assert 0.6 < ratio.min() and ratio.max() < 1.6


def test_statistical_horizon():
    prob = kt.power_law(d=10000, alpha=1.5, beta=2.5, noise=2.0)
    for n in [100, 10_000, 1_000_000]:
        expect = int(np.ceil((n / 4.0) ** (1 / 2.5)) - 1)
        assert abs(kt.statistical_horizon(prob, n) - expect) <= 1
    assert kt.statistical_horizon(prob.with_noise(0.0), 10) == 10000


def test_effective_dimension():
    prob = kt.power_law(d=1000, alpha=2.0)
    big, small = kt.effective_dimension(prob, [1e-1, 1e-4])
    assert big < small
    # for alpha = 2, sum_{i<=d} 1/(1 + p i^2) ~ pi/(2 sqrt(p)) - 1/2 - 1/(p d)  (Euler-Maclaurin)
    expect = np.pi / 2 / 1e-2 - 0.5 - 1 / (1e-4 * 1000)
    assert float(kt.effective_dimension(prob, 1e-4)) == pytest.approx(expect, rel=2e-3)


def test_fit_slope_recovers_exponents():
    x = np.geomspace(10, 1e5, 12)
    assert kt.fit_slope(x, 2.5 * x**-0.6) == pytest.approx(-0.6, abs=1e-12)
    noisy = x**-1.0 * (1 + 0.01 * np.sin(x))
    assert kt.fit_slope(x, noisy) == pytest.approx(-1.0, abs=0.01)


def test_problem_basics():
    prob = kt.power_law(d=5, alpha=2.0, beta=3.0, noise=0.3)
    assert_allclose(prob.eigs * prob.w_star**2, np.arange(1, 6) ** -3.0, rtol=1e-14)
    assert prob.d == 5 and prob.noise == 0.3
    assert prob.risk(prob.w_star) == 0.0
    assert prob.risk(np.zeros(5)) == pytest.approx(prob.null_risk)
    assert prob.risk(np.zeros((3, 5))).shape == (3,)
    with pytest.raises(ValueError, match="last dimension d=5"):
        prob.risk(np.zeros(4))
    # problems are immutable
    with pytest.raises(Exception):
        prob.noise = 1.0
    with pytest.raises(ValueError):
        prob.eigs[0] = 3.0


def test_sgd_speeds_and_replace():
    sgd = kt.SGD(lr=0.5, steps=10, features=[1.0, 2.0])
    assert_allclose(sgd.speeds([1.0, 0.25]), [0.5, 0.5])
    assert sgd.replace(lr=0.1).lr == 0.1 and sgd.lr == 0.5
    assert "features=<2 scales>" in repr(sgd)
