"""Scaling-law sweeps (ktlib/_rates.py): fitted exponents against the predictions, exact
identities of the sweeps, and input validation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt


def log_sizes(lo, hi, num):
    return np.unique(np.geomspace(lo, hi, num).round().astype(int))


# ---------------------------------------------------------------------------- exponents
def test_predicted_exponents():
    assert kt.predicted_exponents(1.5, 2.5) == (1.0, 0.6)
    noiseless, noisy = kt.predicted_exponents(2.0, 4.0)
    assert_allclose([noiseless, noisy], [1.5, 0.75])


@pytest.mark.parametrize("alpha, beta", [(1.0, 2.0), (0.5, 2.0), (1.5, 1.0), (1.5, np.nan),
                                         (1.5, "two")])
def test_predicted_exponents_validation(alpha, beta):
    with pytest.raises(ValueError, match="alpha|beta"):
        kt.predicted_exponents(alpha, beta)


# ---------------------------------------------------------------------------- the two rates
@pytest.mark.slow
@pytest.mark.parametrize("alpha, beta", [(1.5, 2.5), (2.0, 3.0)])
def test_noiseless_slope(alpha, beta):
    """Noiseless labels, fixed lr: slope -(beta-1)/alpha within 0.05.

    d = 4000 keeps the horizon (lr t)^(1/alpha) below d/10 up to t = 3e4."""
    prob = kt.power_law(d=4000, alpha=alpha, beta=beta, noise=0.0)
    lr = 0.5 * kt.stability_limit(prob)
    ns = log_sizes(100, 30_000, 20)
    assert kt.horizon(prob, lr, ns[-1]) < prob.d / 10
    curve = kt.risk_vs_steps(prob, kt.SGD(lr=lr, steps=1), ns)
    predicted = -kt.predicted_exponents(alpha, beta)[0]
    assert abs(curve.slope() - predicted) < 0.05
    assert np.all(np.diff(curve.risk) < 0)


@pytest.mark.slow
@pytest.mark.parametrize("alpha, beta", [(1.5, 2.5), (2.0, 3.0), (1.5, 3.5)])
def test_tuned_noisy_slope(alpha, beta):
    """Noisy labels, lr tuned per n, tail averaging, alpha < beta <= 2 alpha + 1:
    slope -(beta-1)/beta within 0.05, and the tuned lr shrinks with n."""
    assert alpha < beta <= 2 * alpha + 1
    prob = kt.power_law(d=500, alpha=alpha, beta=beta, noise=1.0)
    ns = log_sizes(300, 30_000, 12)
    tuned = kt.tuned_risk_vs_n(prob, ns, average="tail")
    assert not tuned.at_edge.any()
    assert kt.horizon(prob, tuned.lr[-1], ns[-1]) < prob.d / 5
    predicted = -kt.predicted_exponents(alpha, beta)[1]
    assert abs(tuned.slope() - predicted) < 0.05
    assert tuned.lr[-1] < tuned.lr[0]
    assert np.all(np.diff(tuned.risk) < 0)


def test_fixed_lr_noisy_is_slower_than_tuned():
    """With noise and a fixed lr, the tail-averaged risk decays more slowly than the tuned one."""
    prob = kt.power_law(d=300, alpha=1.5, beta=2.5, noise=1.0)
    ns = log_sizes(1000, 10_000, 5)
    fixed = kt.risk_vs_steps(prob, kt.SGD(lr=0.25, steps=1, average="tail"), ns)
    tuned = kt.tuned_risk_vs_n(prob, ns, num=12)
    assert np.all(tuned.risk <= fixed.risk + 1e-15)
    assert fixed.slope() > tuned.slope() + 0.1


# ---------------------------------------------------------------------------- exact identities
def test_risk_vs_steps_matches_expected_risk():
    prob = kt.power_law(d=100, alpha=1.5, beta=2.5, noise=0.5)
    ns = np.array([1, 7, 50, 400])
    for average in ("last", "tail"):
        sgd = kt.SGD(lr=0.2, steps=3, batch=2, average=average)
        curve = kt.risk_vs_steps(prob, sgd, ns)
        ref = kt.expected_risk(prob, sgd.replace(steps=400), times=ns)
        assert_allclose(curve.risk, ref.risk, rtol=1e-12)
        assert_allclose(curve.lr, 0.2)
        assert curve.n.tolist() == ns.tolist()
        assert curve.risk_grid.shape == (1, ns.size)


def test_tuned_is_min_over_grid_and_matches_tune_lr():
    prob = kt.power_law(d=80, alpha=1.5, beta=2.5, noise=1.0)
    ns = np.array([64, 256, 1024])
    lrs = np.geomspace(0.01, 0.4, 7)
    tuned = kt.tuned_risk_vs_n(prob, ns, lrs=lrs, average="tail", batch=2)
    assert tuned.risk_grid.shape == (7, 3)
    assert_allclose(tuned.risk, tuned.risk_grid.min(axis=0))
    for j, n in enumerate(ns):
        sweep = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n // 2, batch=2, average="tail"), lrs=lrs)
        assert_allclose(tuned.risk[j], sweep.best_risk, rtol=1e-12)
        assert tuned.lr[j] == sweep.best_lr
    # every row of the grid is the exact curve of its own step size
    k = 3
    one = kt.risk_vs_steps(prob, kt.SGD(lr=lrs[k], steps=1, batch=2, average="tail"), ns // 2)
    assert_allclose(tuned.risk_grid[k], one.risk, rtol=1e-12)


def test_tuned_grid_drops_unstable_and_flags_edges():
    prob = kt.power_law(d=50, alpha=1.5, beta=2.5, noise=1.0)
    limit = kt.stability_limit(prob)
    tuned = kt.tuned_risk_vs_n(prob, [100, 1000], lrs=[1e-4, 2e-4, 2 * limit])
    assert tuned.lrs.size == 2                  # the unstable step size is dropped
    assert tuned.at_edge.all()                  # the best is the largest: widen the grid
    default = kt.tuned_risk_vs_n(prob, [100], num=5)
    assert_allclose(default.lrs, np.geomspace(1e-3, 0.95, 5) * limit)


def test_slope_fit_range():
    prob = kt.power_law(d=200, alpha=2.0, beta=3.0, noise=0.0)
    curve = kt.risk_vs_steps(prob, kt.SGD(lr=0.3, steps=1), log_sizes(10, 1000, 9))
    part = curve.slope(lo=100, hi=1000)
    ns = curve.n[curve.n >= 100]
    assert part == kt.fit_slope(ns, curve.risk[curve.n >= 100])
    with pytest.raises(ValueError, match="at least 2"):
        curve.slope(lo=2000)


# ---------------------------------------------------------------------------- stationary risk
def test_stationary_risk_is_the_limit_of_the_recursion():
    prob = kt.power_law(d=40, alpha=1.5, beta=2.5, noise=0.7)
    for batch, lr in [(1, 0.3), (4, 0.8)]:
        floor = kt.stationary_risk(prob, lr, batch=batch)
        late = kt.expected_risk(prob, kt.SGD(lr=lr, steps=60_000, batch=batch), times=[60_000])
        assert_allclose(late.final, floor, rtol=1e-8)


def test_stationary_risk_small_lr_and_blow_up():
    prob = kt.power_law(d=100, alpha=2.0, beta=3.0, noise=1.0)
    lr = 1e-4
    assert_allclose(kt.stationary_risk(prob, lr), lr * prob.eigs.sum() / 2, rtol=1e-3)
    limit = kt.stability_limit(prob)
    near = [kt.stationary_risk(prob, f * limit) for f in (0.9, 0.99, 0.999)]
    assert near[0] < near[1] < near[2] and near[2] > 100 * near[0]
    assert kt.stationary_risk(prob.with_noise(0.0), 0.3) == 0.0


def test_stationary_risk_frozen_modes():
    prob = kt.power_law(d=30, alpha=1.5, beta=2.5, noise=0.5)
    f = np.r_[np.ones(10), np.zeros(20)]
    floor = kt.stationary_risk(prob, 0.3, features=f)
    late = kt.expected_risk(prob, kt.SGD(lr=0.3, steps=40_000, features=f), times=[40_000])
    assert_allclose(late.final, floor, rtol=1e-8)
    assert floor > prob.signal[10:].sum()


# ---------------------------------------------------------------------------- bias / variance
def test_bias_is_gradient_descent_and_parts_add_up():
    prob = kt.power_law(d=60, alpha=1.5, beta=2.5, noise=0.5)
    sgd = kt.SGD(lr=0.25, steps=500)
    times = [0, 10, 500]
    bias, var = kt.bias_variance(prob, sgd, times=times)
    gd = np.array([np.sum(prob.eigs * (1 - 0.25 * prob.eigs) ** (2 * t) * prob.w_star**2)
                   for t in times])
    assert_allclose(bias, gd, rtol=1e-12)
    assert_allclose(bias + var, kt.expected_risk(prob, sgd, times=times).risk, rtol=1e-12)
    assert var[0] == 0.0 and np.all(var[1:] > 0)
    bias_t, var_t = kt.bias_variance(prob, sgd.replace(average="tail"), times=[500])
    assert var_t[0] < var[-1]                   # tail averaging cuts the variance


def test_variance_without_noise_shrinks_with_batch():
    """Noiseless labels still leave SGD noise (x x^T != H); it is O(1/B)."""
    prob = kt.power_law(d=60, alpha=1.5, beta=2.5, noise=0.0)
    _, v1 = kt.bias_variance(prob, kt.SGD(lr=0.2, steps=200), times=[200])
    _, v100 = kt.bias_variance(prob, kt.SGD(lr=0.2, steps=200, batch=100), times=[200])
    assert v1[0] > 0 and 0 < v100[0] < v1[0] / 30


# ---------------------------------------------------------------------------- validation
PROB = kt.power_law(d=20, noise=0.5)


@pytest.mark.parametrize("ns, match", [
    ([10, 10, 20], "strictly increasing"),
    ([20, 10], "strictly increasing"),
    ([0, 10], "integers >= 1"),
    ([1.5, 10], "integers >= 1"),
    ([], "non-empty"),
    ([[1, 2]], "non-empty 1-d"),
    (["a"], "non-empty 1-d"),
    ([1, np.inf], "integers >= 1"),
])
def test_ns_validation(ns, match):
    with pytest.raises(ValueError, match=match):
        kt.risk_vs_steps(PROB, kt.SGD(lr=0.1, steps=1), ns)
    with pytest.raises(ValueError, match=match):
        kt.tuned_risk_vs_n(PROB, ns)


def test_tuned_validation():
    with pytest.raises(ValueError, match="multiple of batch"):
        kt.tuned_risk_vs_n(PROB, [10, 24], batch=5)
    with pytest.raises(ValueError, match="past the stability limit"):
        kt.tuned_risk_vs_n(PROB, [10], lrs=[5.0, 10.0])
    with pytest.raises(ValueError, match="lrs must be"):
        kt.tuned_risk_vs_n(PROB, [10], lrs=[-0.1, 0.1])
    with pytest.raises(ValueError, match="lrs must be"):
        kt.tuned_risk_vs_n(PROB, [10], lrs=[])
    with pytest.raises(ValueError, match="average"):
        kt.tuned_risk_vs_n(PROB, [10], average="mean")
    with pytest.raises(ValueError, match="batch"):
        kt.tuned_risk_vs_n(PROB, [10], batch=0)
    with pytest.raises(ValueError, match="num"):
        kt.tuned_risk_vs_n(PROB, [10], num=1)
    with pytest.raises(ValueError, match="prob must be"):
        kt.tuned_risk_vs_n("problem", [10])
    with pytest.raises(ValueError, match="features"):
        kt.tuned_risk_vs_n(PROB, [10], features=np.ones(3))


def test_past_the_limit_is_caught():
    limit = kt.stability_limit(PROB)
    with pytest.raises(ValueError, match="stability limit"):
        kt.risk_vs_steps(PROB, kt.SGD(lr=1.1 * limit, steps=1), [10])
    with pytest.raises(ValueError, match="stability limit"):
        kt.stationary_risk(PROB, 1.1 * limit)
    with pytest.raises(ValueError, match="stability limit"):
        kt.bias_variance(PROB, kt.SGD(lr=1.1 * limit, steps=10))
    with pytest.raises(ValueError, match="lr"):
        kt.stationary_risk(PROB, -0.1)
    with pytest.raises(ValueError, match="sgd must be"):
        kt.risk_vs_steps(PROB, "sgd", [10])
