"""Every invalid input raises ValueError naming the parameter and its allowed range."""

import numpy as np
import pytest

import ktlib as kt

PROB = kt.power_law(d=20, alpha=1.5, beta=2.5, noise=0.5)
SGD = kt.SGD(lr=0.1, steps=10)


@pytest.mark.parametrize("kwargs, match", [
    (dict(d=0), r"d=0 is out of range; allowed range is \[1, inf\]"),
    (dict(d=-5), r"d=-5 is out of range"),
    (dict(d=2.5), r"d must be an integer"),
    (dict(alpha=1.0), r"alpha=1.0 is out of range; allowed range is \(1.0, inf\]"),
    (dict(alpha=np.nan), r"alpha must be finite"),
    (dict(alpha=np.inf), r"alpha must be finite"),
    (dict(beta=0.5), r"beta=0.5 is out of range; allowed range is \(1.0, inf\]"),
    (dict(beta=np.nan), r"beta must be finite"),
    (dict(beta="x"), r"beta must be a finite real number"),
    (dict(noise=-0.1), r"noise=-0.1 is out of range; allowed range is \[0.0, inf\]"),
    (dict(noise=np.inf), r"noise must be finite"),
])
def test_power_law_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kt.power_law(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(eigs=[1.0, -0.5], w_star=[1.0, 1.0]), r"eigs must be >= 0 everywhere \(allowed range \[0, inf\)\)"),
    (dict(eigs=[1.0, 0.5], w_star=[1.0]), r"w_star must have the same length as eigs \(d=2\)"),
    (dict(eigs=[1.0, np.nan], w_star=[1.0, 1.0]), r"eigs must contain only finite values"),
    (dict(eigs=[], w_star=[]), r"eigs must be a non-empty 1-d array"),
    (dict(eigs=[[1.0]], w_star=[1.0]), r"eigs must be a non-empty 1-d array"),
    (dict(eigs=[1.0], w_star=[1.0], noise=-1), r"noise=-1.0 is out of range"),
])
def test_problem_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kt.Problem(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=0.0, steps=10), r"lr=0.0 is out of range; allowed range is \(0.0, inf\]"),
    (dict(lr=-1.0, steps=10), r"lr=-1.0 is out of range"),
    (dict(lr=np.nan, steps=10), r"lr must be finite"),
    (dict(lr=0.1, steps=-1), r"steps=-1 is out of range; allowed range is \[0, inf\]"),
    (dict(lr=0.1, steps=1.5), r"steps must be an integer"),
    (dict(lr=0.1, steps=10, batch=0), r"batch=0 is out of range; allowed range is \[1, inf\]"),
    (dict(lr=0.1, steps=10, average="mean"), r"average must be one of \('last', 'tail'\)"),
    (dict(lr=0.1, steps=10, features=[1.0, -1.0]), r"features must be >= 0 everywhere"),
])
def test_sgd_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kt.SGD(**kwargs)


def test_features_of_wrong_length():
    sgd = kt.SGD(lr=0.1, steps=10, features=np.ones(7))
    for call in (lambda: kt.expected_risk(PROB, sgd), lambda: kt.simulate(PROB, sgd, seeds=2),
                 lambda: kt.transfer(PROB, SGD, sgd)):
        with pytest.raises(ValueError, match=r"features must have length d=20, got length 7"):
            call()


@pytest.mark.parametrize("times", [[-1, 5], [0, 11], [2.5], [[1, 2]], ["a"]])
def test_times_outside_range(times):
    for call in (lambda: kt.expected_risk(PROB, SGD, times=times),
                 lambda: kt.simulate(PROB, SGD, seeds=2, times=times)):
        with pytest.raises(ValueError, match=r"times must"):
            call()


@pytest.mark.parametrize("seeds", [0, -3, 1.5])
def test_seeds_below_one(seeds):
    with pytest.raises(ValueError, match=r"seeds"):
        kt.simulate(PROB, SGD, seeds=seeds)


def test_bad_seed_value():
    with pytest.raises(ValueError, match=r"seed must be a non-negative int"):
        kt.simulate(PROB, SGD, seeds=2, seed=-1)


def test_mix_and_method():
    with pytest.raises(ValueError, match=r"mix=1.5 is out of range; allowed range is \[0.0, 1.0\]"):
        kt.transfer(PROB, SGD, SGD, mix=1.5)
    with pytest.raises(ValueError, match=r"method must be one of"):
        kt.transfer(PROB, SGD, SGD, method="mc")


def test_wrong_types():
    with pytest.raises(ValueError, match=r"prob must be a ktlib.Problem"):
        kt.expected_risk("problem", SGD)
    with pytest.raises(ValueError, match=r"sgd must be a ktlib.SGD"):
        kt.simulate(PROB, {"lr": 0.1})


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("average", ["last", "tail"])
def test_divergent_step_size_is_caught_with_the_limit(batch, average):
    limit = kt.stability_limit(PROB, batch=batch)
    sgd = kt.SGD(lr=1.01 * limit, steps=50, batch=batch, average=average)
    msg = rf"lr={sgd.lr:g} is past the stability limit.*0 < lr < {limit:.6g}"
    for call in (lambda: kt.expected_risk(PROB, sgd), lambda: kt.simulate(PROB, sgd, seeds=2),
                 lambda: kt.transfer(PROB, sgd, SGD), lambda: kt.transfer(PROB, SGD, sgd)):
        with pytest.raises(ValueError, match=msg):
            call()


def test_just_below_the_limit_is_finite():
    limit = kt.stability_limit(PROB)
    sgd = kt.SGD(lr=0.99 * limit, steps=200)
    assert np.all(np.isfinite(kt.expected_risk(PROB, sgd).risk))
    assert np.all(np.isfinite(kt.simulate(PROB, sgd, seeds=4).risk))


def test_diagnostics_reject():
    with pytest.raises(ValueError, match=r"lr=-1.0 is out of range"):
        kt.horizon(PROB, lr=-1.0, t=10)
    with pytest.raises(ValueError, match=r"t must be finite and >= 0"):
        kt.learned_fraction(PROB, lr=0.1, t=-1)
    with pytest.raises(ValueError, match=r"n must be finite and > 0"):
        kt.statistical_horizon(PROB, 0)
    with pytest.raises(ValueError, match=r"penalty must be finite and > 0"):
        kt.effective_dimension(PROB, -1.0)
    with pytest.raises(ValueError, match=r"every lr in lrs is past the stability limit"):
        kt.tune_lr(PROB, SGD, lrs=[10.0, 20.0])
    with pytest.raises(ValueError, match=r"lrs must be a 1-d array"):
        kt.tune_lr(PROB, SGD, lrs=[0.1, -0.1])
    with pytest.raises(ValueError, match=r"log-log fit"):
        kt.fit_slope([1.0, 2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"batch=0 is out of range"):
        kt.stability_limit(PROB, batch=0)


def test_sem_needs_two_seeds():
    sim = kt.simulate(PROB, SGD, seeds=1)
    with pytest.raises(ValueError, match=r"sem needs seeds >= 2"):
        sim.sem
