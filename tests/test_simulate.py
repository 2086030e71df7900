"""Monte Carlo against exact theory, reproducibility and memory.

Statistical bound: at every recorded time t > 0 the Monte Carlo mean risk lies within
Z_MAX = 4.5 standard errors of the exact expected risk. Seeds are fixed, so each test is
deterministic; with independent, well-behaved errors a |z| above 4.5 has probability
below 1e-5 per comparison. Step sizes stay at or below half the stability limit, where the risk
has light enough tails for the standard error to be trusted.
"""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt

Z_MAX = 4.5
TIMES = [0, 1, 5, 20, 80, 200, 400]


def zscores(curve, sim):
    z = (sim.mean - curve.risk)[1:] / sim.sem[1:]
    return z


CASES = {
    "last-B1-nofeat-noisy": dict(batch=1, average="last", features=None, noise=0.8),
    "tail-B1-nofeat-noisy": dict(batch=1, average="tail", features=None, noise=0.8),
    "last-B4-nofeat-noisy": dict(batch=4, average="last", features=None, noise=0.8),
    "tail-B4-feat-noisy": dict(batch=4, average="tail", features="cut", noise=0.8),
    "last-B1-feat-noiseless": dict(batch=1, average="last", features="ramp", noise=0.0),
    "tail-B3-nofeat-noiseless": dict(batch=3, average="tail", features=None, noise=0.0),
    "last-B2-feat-noisy": dict(batch=2, average="last", features="cut", noise=0.5),
    "tail-B1-feat-noiseless": dict(batch=1, average="tail", features="ramp", noise=0.0),
}


def make_features(kind, d):
    if kind is None:
        return None
    if kind == "cut":
        f = np.ones(d)
        f[d // 4:] = 0.0
        return f
    return np.linspace(1.5, 0.2, d)                     # "ramp": fast head, slow tail


@pytest.mark.parametrize("name", list(CASES))
def test_monte_carlo_matches_exact_theory(name):
    c = CASES[name]
    prob = kt.power_law(d=60, alpha=1.5, beta=2.5, noise=c["noise"])
    f = make_features(c["features"], prob.d)
    lr = 0.5 * kt.stability_limit(prob, batch=c["batch"], features=f)
    sgd = kt.SGD(lr=lr, steps=400, batch=c["batch"], features=f, average=c["average"])
    curve = kt.expected_risk(prob, sgd, times=TIMES)
    sim = kt.simulate(prob, sgd, seeds=3000, times=TIMES, seed=2024)
    z = zscores(curve, sim)
    assert np.max(np.abs(z)) < Z_MAX, f"{name}: z = {np.round(z, 2)}"
    # per-mode errors too, at the last step, on the ten modes that carry most of the risk
    sq = sim.final_error[:, :10] ** 2                              # (seeds, 10)
    z_modes = (sq.mean(axis=0) - curve.mode_error[-1, :10]) / (sq.std(axis=0, ddof=1) / np.sqrt(sim.seeds))
    assert np.max(np.abs(z_modes)) < Z_MAX, f"{name}: per-mode z = {np.round(z_modes, 2)}"


def test_frozen_modes_are_exact_in_simulation():
    prob = kt.power_law(d=30, noise=0.5)
    f = np.r_[np.ones(10), np.zeros(20)]
    sim = kt.simulate(prob, kt.SGD(lr=0.2, steps=100, features=f), seeds=4, times=[0, 50, 100])
    assert_allclose(sim.mode_error[:, 10:], np.broadcast_to(prob.w_star[10:] ** 2, (3, 20)), rtol=1e-14)
    assert_allclose(sim.final_error[:, 10:], np.broadcast_to(-prob.w_star[10:], (4, 20)), rtol=1e-14)


def test_same_seed_is_bit_identical_and_seeds_differ():
    prob = kt.power_law(d=50, noise=1.0)
    sgd = kt.SGD(lr=0.2, steps=300, average="tail")
    a = kt.simulate(prob, sgd, seeds=6, seed=7)
    b = kt.simulate(prob, sgd, seeds=6, seed=7)
    assert np.array_equal(a.risk, b.risk) and np.array_equal(a.final_error, b.final_error)
    c = kt.simulate(prob, sgd, seeds=6, seed=8)
    assert not np.array_equal(a.risk[:, -1], c.risk[:, -1])
    # each run has its own spawned stream: no two runs coincide
    assert np.unique(a.risk[:, -1]).size == 6


def test_a_run_does_not_depend_on_how_many_runs_there_are():
    prob = kt.power_law(d=50, noise=1.0)
    sgd = kt.SGD(lr=0.2, steps=300)
    few = kt.simulate(prob, sgd, seeds=2, seed=3)
    many = kt.simulate(prob, sgd, seeds=5, seed=3)
    assert_allclose(many.risk[:2], few.risk, rtol=1e-12)


def test_shapes_and_summaries():
    prob = kt.power_law(d=40, noise=1.0)
    sim = kt.simulate(prob, kt.SGD(lr=0.2, steps=100), seeds=5, times=[0, 10, 100])
    assert sim.times.tolist() == [0, 10, 100]
    assert sim.risk.shape == (5, 3)
    assert sim.mean.shape == sim.sem.shape == (3,)
    assert sim.mode_error.shape == (3, 40)
    assert sim.final_error.shape == (5, 40)
    assert_allclose(sim.mode_risk.sum(axis=1), sim.mean, rtol=1e-12)
    assert sim.final == pytest.approx(sim.mean[-1])


def test_memory_never_holds_a_steps_by_d_array():
    prob = kt.power_law(d=500, noise=1.0)
    sgd = kt.SGD(lr=0.1, steps=20000, average="tail")      # steps x d doubles = 80 MB
    tracemalloc.start()
    kt.simulate(prob, sgd, seeds=1, times=[0, 20000])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 25e6, f"peak {peak / 1e6:.1f} MB"


def test_batch_divides_the_noise_of_one_step():
    # one step from w = w_star: risk is exactly lr^2 noise^2 sum(eigs^2 ...)/B in expectation
    prob = kt.Problem(eigs=[1.0, 0.5], w_star=[0.0, 0.0], noise=1.0)
    for batch in (1, 5):
        sgd = kt.SGD(lr=0.1, steps=1, batch=batch)
        exact = kt.expected_risk(prob, sgd, times=[1]).final
        assert exact == pytest.approx(0.01 * (1.0 + 0.25) / batch, rel=1e-12)
        sim = kt.simulate(prob, sgd, seeds=20000, times=[1], seed=1)
        assert abs(sim.mean[0] - exact) < Z_MAX * sim.sem[0]
