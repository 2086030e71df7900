"""Exact theory against closed forms and an independent full-matrix computation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt


def brute_force(prob, sgd, times):
    """E[e e^T] as a full d x d matrix, propagated step by step; tail sums by double loops.

    Independent of ktlib's diagonal closure and of its O(1)-per-step tail bookkeeping.
    """
    d, B, lr = prob.d, sgd.batch, sgd.lr
    H = np.diag(prob.eigs)
    Gam = np.diag(lr * sgd.feature_scales(d) ** 2)
    A = np.eye(d) - Gam @ H
    Sig = [np.outer(prob.w_star, prob.w_star)]          # e_0 = -w_star, deterministic
    for _ in range(max(times)):
        S = Sig[-1]
        EHSH = (1 + 1 / B) * H @ S @ H + np.trace(H @ S) / B * H
        new = S - Gam @ H @ S - S @ H @ Gam + Gam @ EHSH @ Gam + prob.noise**2 / B * Gam @ H @ Gam
        Sig.append(new)
    out = []
    for t in times:
        if sgd.average == "last" or t == 0:
            out.append(np.diag(Sig[t]))
            continue
        window = range(t // 2 + 1, t + 1)
        acc = np.zeros((d, d))
        for s in window:
            for r in window:
                lo, hi = min(s, r), max(s, r)
                cross = np.linalg.matrix_power(A, hi - lo) @ Sig[lo]   # E[e_hi e_lo^T]
                acc += cross if r >= s else cross.T
        out.append(np.diag(acc) / len(window) ** 2)
    return np.array(out)


CASES = [
    dict(lr=0.3, batch=1, average="last", features=None, noise=0.7),
    dict(lr=0.3, batch=1, average="tail", features=None, noise=0.7),
    dict(lr=0.6, batch=3, average="last", features=None, noise=0.7),
    dict(lr=0.6, batch=3, average="tail", features=None, noise=0.0),
    dict(lr=0.2, batch=2, average="tail", features=[1.5, 0.0, 1.0, 0.5, 2.0, 0.0], noise=0.4),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['average']}-B{c['batch']}-"
                         f"{'feat' if c['features'] else 'nofeat'}-s{c['noise']}")
def test_matches_full_matrix_recursion(case):
    prob = kt.power_law(d=6, alpha=1.3, beta=2.0, noise=case["noise"])
    sgd = kt.SGD(lr=case["lr"], steps=25, batch=case["batch"], features=case["features"],
                 average=case["average"])
    times = [0, 1, 2, 3, 7, 12, 25]
    curve = kt.expected_risk(prob, sgd, times=times)
    ref = brute_force(prob, sgd, times)
    assert_allclose(curve.mode_error, ref, rtol=1e-12, atol=1e-15)
    assert_allclose(curve.risk, ref @ prob.eigs, rtol=1e-12)


@pytest.mark.parametrize("average", ["last", "tail"])
def test_risk_at_time_zero_is_the_null_risk(average):
    prob = kt.power_law(d=300, noise=1.0)
    curve = kt.expected_risk(prob, kt.SGD(lr=0.2, steps=100, average=average))
    assert curve.times[0] == 0
    assert curve.risk[0] == pytest.approx(np.sum(prob.eigs * prob.w_star**2), rel=1e-14)
    assert_allclose(curve.mode_error[0], prob.w_star**2, rtol=1e-14)


@pytest.mark.parametrize("average", ["last", "tail"])
def test_modes_with_zero_features_never_move(average):
    prob = kt.power_law(d=50, noise=0.5)
    f = np.ones(50)
    f[10:] = 0.0
    curve = kt.expected_risk(prob, kt.SGD(lr=0.3, steps=400, features=f, average=average))
    assert_allclose(curve.mode_error[:, 10:], np.broadcast_to(prob.w_star[10:] ** 2, (curve.times.size, 40)),
                    rtol=1e-14)
    assert curve.mode_error[-1, :10].sum() < 0.5 * (prob.w_star[:10] ** 2).sum()   # the rest do move


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("noise", [0.0, 0.8])
def test_one_mode_closed_form(batch, noise):
    # d = 1: q(t) = rho^t q0 + c (1 - rho^t)/(1 - rho), rho = (1-g)^2 + 2 g^2/B, c = lr^2 h noise^2/B
    h, w, lr, T = 0.7, 1.3, 0.4, 60
    prob = kt.Problem(eigs=[h], w_star=[w], noise=noise)
    curve = kt.expected_risk(prob, kt.SGD(lr=lr, steps=T, batch=batch), times=np.arange(T + 1))
    g = lr * h
    rho = (1 - g) ** 2 + 2 * g**2 / batch
    c = lr**2 * h * noise**2 / batch
    t = np.arange(T + 1)
    expect = rho**t * w**2 + c * (1 - rho**t) / (1 - rho)
    assert_allclose(curve.mode_error[:, 0], expect, rtol=1e-12)


def test_noiseless_limit_is_continuous_and_converges():
    prob = kt.power_law(d=100, alpha=1.5, beta=2.5, noise=0.0)
    sgd = kt.SGD(lr=0.4, steps=3000)
    clean = kt.expected_risk(prob, sgd).risk
    tiny = kt.expected_risk(prob.with_noise(1e-8), sgd).risk
    assert_allclose(tiny, clean, rtol=1e-9, atol=1e-12)
    assert np.all(np.diff(clean) <= 1e-15)                  # noiseless risk never goes up here
    # a noiseless, well-specified single mode converges geometrically to zero
    one = kt.expected_risk(kt.Problem([1.0], [1.0]), kt.SGD(lr=0.3, steps=500))
    assert one.final < 1e-30


def test_batch_reduces_the_variance_floor():
    prob = kt.power_law(d=200, noise=1.0)
    floors = [kt.expected_risk(prob, kt.SGD(lr=0.3, steps=20000, batch=b)).final for b in (1, 4, 16)]
    assert floors[0] > floors[1] > floors[2]


def test_tail_average_beats_last_iterate_with_noise():
    prob = kt.power_law(d=200, noise=1.0)
    last = kt.expected_risk(prob, kt.SGD(lr=0.3, steps=5000)).final
    tail = kt.expected_risk(prob, kt.SGD(lr=0.3, steps=5000, average="tail")).final
    assert tail < 0.5 * last


def test_times_are_exactly_the_requested_ones():
    prob = kt.power_law(d=30)
    sgd = kt.SGD(lr=0.2, steps=100)
    curve = kt.expected_risk(prob, sgd, times=[100, 3, 3, 0])
    assert curve.times.tolist() == [100, 3, 3, 0]
    assert curve.times.dtype.kind == "i"
    assert curve.risk[1] == curve.risk[2]
    default = kt.expected_risk(prob, sgd).times
    assert default[0] == 0 and default[-1] == 100 and np.all(np.diff(default) > 0)
    assert kt.expected_risk(prob, sgd.replace(steps=0)).times.tolist() == [0]
    assert curve.mode_error.shape == (4, 30)


def test_stability_limit_matches_the_exact_criterion():
    prob = kt.power_law(d=500, alpha=1.5)
    for batch in (1, 2, 8):
        lim = kt.stability_limit(prob, batch=batch)
        g = lim * prob.eigs
        s = np.sum(g / (2 * batch - (batch + 1) * g))
        assert s == pytest.approx(1.0, abs=1e-9)
    # batch 1, f = 1: S = sum lr eigs / (2 (1 - lr eigs)), roughly lr tr H < 2
    lim = kt.stability_limit(prob)
    assert lim < 2 / prob.eigs.sum()
    # features rescale the limit: f = 2 everywhere divides it by 4
    assert kt.stability_limit(prob, features=2 * np.ones(500)) == pytest.approx(lim / 4, rel=1e-12)


def test_mean_factor():
    g = np.array([0.0, 0.1, 0.5])
    assert_allclose(kt.mean_factor(g, np.array([0, 3]))[1], (1 - g) ** 3)
    tail = kt.mean_factor(g, np.array([0, 4]), "tail")
    assert_allclose(tail[0], 1.0)
    assert_allclose(tail[1], ((1 - g) ** 3 + (1 - g) ** 4) / 2, rtol=1e-14)


def test_second_moments_vectorized_equals_one_by_one():
    prob = kt.power_law(d=40, noise=0.5)
    lrs = np.array([0.05, 0.2, 0.4])
    times = np.array([0, 10, 100])
    q = kt.second_moments(prob.eigs, lrs[:, None] * np.ones(40), prob.w_star**2,
                          np.full(3, 0.25), 1, 100, times, "tail")
    for k, lr in enumerate(lrs):
        one = kt.expected_risk(prob, kt.SGD(lr=lr, steps=100, average="tail"), times=times)
        assert_allclose(q[k], one.mode_error, rtol=1e-13)
