"""Tests of ktlib._kd: the distillation sweeps, horizons and explorer of chapter 4.

The sweeps must agree exactly with :func:`ktlib.tune_lr` and :func:`ktlib.transfer` (they run the
same exact recursion, vectorized). The science checks use the course setting (d = 1000,
alpha = 1.5, beta = 2.5, noise = 1, a batch-100 teacher on 200,000 samples, students on
n = 2000). The Monte Carlo check bounds |z| by 4.5 standard errors at fixed seeds, with step
sizes at or below half the stability limit (as in test_transfer.py).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import ktlib as kt  # noqa: E402

Z_MAX = 4.5


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def science():
    """The course setting: problem, tuned teacher, and the students' sample size."""
    prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    teacher = kt.tuned_teacher(prob, 200_000, batch=100)
    return prob, teacher, 2000


@pytest.fixture(scope="module")
def small():
    prob = kt.power_law(d=150, alpha=1.5, beta=2.5, noise=1.0)
    teacher = kt.SGD(lr=0.3, steps=300, batch=50)
    return prob, teacher


# ---- agreement with tune_lr and transfer ---------------------------------------------------

def test_tuned_direct_equals_tune_lr_at_every_n(small):
    prob, _ = small
    ns = [50, 300, 1000]
    sweep = kt.tuned_direct(prob, ns, num=15)
    for j, n in enumerate(ns):
        ref = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n), num=15)
        assert_allclose(sweep.risk[j], ref.best_risk, rtol=1e-12)
        assert sweep.lr[j] == ref.best_lr
        assert_allclose(sweep.risk_grid[:, j], ref.risk, rtol=1e-12)


@pytest.mark.parametrize("average", ["last", "tail"])
def test_tuned_kd_equals_tune_lr_with_teacher(small, average):
    prob, teacher = small
    ns = [40, 400]
    f = kt.capacity_features(prob.d, 60)
    sweep = kt.tuned_kd(prob, teacher, ns, mix=0.7, features=f, average=average, num=12)
    for j, n in enumerate(ns):
        ref = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n, features=f, average=average),
                         teacher=teacher, mix=0.7, num=12)
        assert_allclose(sweep.risk[j], ref.best_risk, rtol=1e-12)
        assert sweep.lr[j] == ref.best_lr


def test_kd_vs_direct_matches_transfer_at_the_tuned_step_sizes(small):
    prob, teacher = small
    n = 500
    sweep = kt.kd_vs_direct(prob, teacher, [n], num=15)
    out = kt.transfer(prob, teacher, kt.SGD(lr=sweep.kd.lr[0], steps=n),
                      baseline=kt.SGD(lr=sweep.direct.lr[0], steps=n), times=[n])
    assert_allclose(sweep.kd.risk[0], out.risk_student, rtol=1e-12)
    assert_allclose(sweep.direct.risk[0], out.risk_baseline, rtol=1e-12)
    assert_allclose(sweep.risk_teacher, out.risk_teacher, rtol=1e-12)
    assert_allclose(sweep.gain[0], out.gain, rtol=1e-10)


def test_the_science_sweep_reproduces_tune_lr(science):
    """The sweep's tuned risk at n = 2000 equals kt.tune_lr's (the lead's numbers)."""
    prob, teacher, n = science
    sweep = kt.kd_vs_direct(prob, teacher, [200, n])
    kd = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n), teacher=teacher)
    direct = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n))
    assert_allclose(sweep.kd.risk[1], kd.best_risk, rtol=1e-12)
    assert_allclose(sweep.direct.risk[1], direct.best_risk, rtol=1e-12)
    assert_allclose([teacher.lr, kd.best_lr, direct.best_lr], [0.111, 0.313, 0.0117], rtol=0.01)
    assert_allclose([sweep.risk_teacher, kd.best_risk, direct.best_risk],
                    [0.00284, 0.00331, 0.0271], rtol=0.01)


@pytest.mark.parametrize("setting", ["teachers", "mix", "features"])
def test_kd_sweep_equals_tune_lr_setting_by_setting(small, setting):
    prob, teacher = small
    n = 300
    teachers = [teacher, kt.SGD(lr=0.1, steps=30, batch=50)]
    mixes = [1.0, 0.4]
    feats = np.array([kt.capacity_features(prob.d, M) for M in (8, 150)])
    kwargs = {"teachers": dict(teachers=teachers), "mix": dict(teachers=teacher, mix=mixes),
              "features": dict(teachers=teacher, features=feats)}[setting]
    out = kt.kd_sweep(prob, n, num=12, **kwargs)
    for g in range(2):
        t = teachers[g] if setting == "teachers" else teacher
        mix = mixes[g] if setting == "mix" else 1.0
        f = feats[g] if setting == "features" else None
        kd = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n, features=f), teacher=t, mix=mix, num=12)
        direct = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n, features=f), num=12)
        assert_allclose(out.risk_kd[g], kd.best_risk, rtol=1e-12)
        assert out.lr_kd[g] == kd.best_lr
        assert_allclose(out.risk_direct[g], direct.best_risk, rtol=1e-12)
        assert_allclose(out.risk_teacher[g], kt.teacher_moments(prob, t)[1] @ prob.eigs,
                        rtol=1e-12)


def test_kd_sweep_separate_kd_grid(small):
    prob, teacher = small
    lim = kt.stability_limit(prob)
    lrs = np.geomspace(1e-3, 0.9, 10) * lim
    kd_lrs = np.geomspace(0.05, 0.9, 5) * lim
    out = kt.kd_sweep(prob, 200, teacher, lrs=lrs, kd_lrs=kd_lrs)
    assert out.lr_kd[0] in kd_lrs and out.lr_direct[0] in lrs


# ---- the science ---------------------------------------------------------------------------

def test_kd_gain_is_large_in_the_science_setting(science):
    prob, teacher, n = science
    out = kt.kd_sweep(prob, n, teacher)
    assert out.gain[0] > 0.8
    h = kt.kd_horizons(prob, teacher, n, out.lr_kd[0], out.lr_direct[0])
    assert (h.stat, h.opt, h.teacher, h.direct) == (20, 73, 36, 8)
    assert h.opt > h.stat > h.direct


def test_kd_beats_the_direct_student_at_any_step_size_beyond_k_stat(science):
    """Past the statistical horizon (modes 21..36), even the per-mode best direct student
    (any step size, last iterate or tail average) has several times the KD student's error."""
    prob, teacher, n = science
    floor = kt.direct_mode_floor(prob, n)
    kd = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n), teacher=teacher).sgd
    out = kt.transfer(prob, teacher, kd, times=[n])
    e_kd = out.student.mode_error[-1]
    k_stat = kt.statistical_horizon(prob, n)
    k_t = kt.horizon(prob, teacher.lr, teacher.steps)
    modes = slice(k_stat, k_t)                 # modes k_stat+1 .. k_teacher
    assert np.all(floor.error[modes] > 4 * e_kd[modes])
    # and the direct student cannot do much better than w = 0 there
    assert np.all(floor.error[modes] > 0.45 * prob.w_star[modes] ** 2)


def test_direct_mode_floor_is_the_envelope(small):
    prob, _ = small
    n = 400
    lrs = np.geomspace(1e-3, 0.5, 7) * kt.stability_limit(prob)
    floor = kt.direct_mode_floor(prob, n, lrs)
    errs = [kt.expected_risk(prob, kt.SGD(lr=lr, steps=n, average=a), times=[n]).mode_error[-1]
            for lr in lrs for a in ("last", "tail")]
    assert_allclose(floor.error, np.min(errs, axis=0), rtol=1e-12)
    # the reported lr and average attain it
    for i in (0, 10, 100):
        e = kt.expected_risk(prob, kt.SGD(lr=floor.lr[i], steps=n, average=floor.average[i]),
                             times=[n]).mode_error[-1][i]
        assert_allclose(e, floor.error[i], rtol=1e-12)


def test_nothing_to_expand_when_beta_below_alpha():
    """alpha >= beta: against the tail-averaged direct student the KD gain vanishes and the
    direct student already reaches the KD student's horizon; alpha < beta: a large gain."""
    out = kt.kd_across_spectra(1.5, [1.25, 2.5], n=1000, teacher_samples=100_000, d=600, num=12)
    assert out.gain_tail[0] < 0.05
    assert out.k_direct_tail[0] >= 0.9 * out.k_opt[0]
    assert out.k_stat[0] > out.k_opt[0]
    assert out.gain_tail[1] > 0.6
    assert out.k_stat[1] < out.k_opt[1]


def test_failures_teacher_capacity_mix(science):
    prob, teacher, n = science
    twin = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=n)).sgd        # the direct student itself
    weak = kt.tuned_teacher(prob, 2000, batch=100)
    out = kt.kd_sweep(prob, n, [twin, weak, teacher], num=20)
    assert out.gain[0] < 0.01 and out.gain[1] < 0 < out.gain[2]
    feats = np.array([kt.capacity_features(prob.d, M) for M in (0, 5, 1000)])
    cap = kt.kd_sweep(prob, n, teacher, features=feats, num=20)
    assert_allclose(cap.risk_kd[0], prob.null_risk, rtol=1e-12)   # nothing can move
    assert_allclose(cap.gain[0], 0.0, atol=1e-12)
    assert cap.gain[1] < 0.5 * cap.gain[2]
    mixes = np.array([0.0, 0.5, 0.9, 1.0])
    mx = kt.kd_sweep(prob, n, teacher, mix=mixes, num=20)
    assert_allclose(mx.gain[0], 0.0, atol=1e-12)                   # mix 0 is the direct student
    assert np.all(np.diff(mx.gain) > 0)


@pytest.mark.slow
def test_rates_in_n(science):
    """Fitted rates against the predictions, within 0.05:
    direct tail-averaged (beta-1)/beta, direct last iterate (beta-1)/(alpha+beta-1),
    KD student (beta-1)/alpha while its risk is above 3x its teacher's."""
    prob, teacher, _ = science
    alpha, beta = 1.5, 2.5
    ns = np.unique(np.rint(np.geomspace(10, 10_000, 10)).astype(int))
    lim = kt.stability_limit(prob)
    lrs = np.geomspace(1e-3, 0.95, 20) * lim
    sweep = kt.kd_vs_direct(prob, teacher, ns, lrs, kd_lrs=np.geomspace(0.05, 0.95, 8) * lim)
    tail = kt.tuned_direct(prob, ns, lrs, average="tail")
    assert not sweep.direct.at_edge.any() and not tail.at_edge.any()
    assert abs(tail.rate() - (beta - 1) / beta) < 0.05
    assert abs(sweep.direct.rate() - (beta - 1) / (alpha + beta - 1)) < 0.05
    assert abs(sweep.kd_rate(above=3.0) - (beta - 1) / alpha) < 0.05
    assert sweep.meets_teacher(0.5) is not None
    assert np.all(sweep.kd.risk >= sweep.risk_teacher)


@pytest.mark.slow
def test_monte_carlo_agrees_with_the_tuned_kd_numbers():
    """Monte Carlo of the KD and direct students at step sizes from the sweep (grid capped at
    half the stability limit): |z| < 4.5 standard errors, fixed seed."""
    prob = kt.power_law(d=30, alpha=1.5, beta=2.5, noise=1.0)
    teacher = kt.SGD(lr=0.2, steps=100, batch=20)
    n = 200
    lrs = np.geomspace(1e-3, 0.5, 12) * kt.stability_limit(prob)
    out = kt.kd_sweep(prob, n, teacher, lrs=lrs)
    sim = kt.transfer(prob, teacher, kt.SGD(lr=out.lr_kd[0], steps=n),
                      baseline=kt.SGD(lr=out.lr_direct[0], steps=n), times=[0, n],
                      teacher_times=[0, teacher.steps], method="simulate", seeds=3000, seed=7)
    for exact, mc in ((out.risk_kd[0], sim.student), (out.risk_direct[0], sim.baseline),
                      (out.risk_teacher[0], sim.teacher)):
        z = (mc.mean[-1] - exact) / mc.sem[-1]
        assert abs(z) < Z_MAX, f"|z| = {abs(z):.2f}"


# ---- horizons, helpers, explorer -----------------------------------------------------------

def test_kd_horizons_follow_the_power_law():
    prob = kt.power_law(d=2000, alpha=2.0, beta=3.0, noise=1.0)
    teacher = kt.SGD(lr=0.5, steps=800, batch=10)
    h = kt.kd_horizons(prob, teacher, 1000, lr_kd=0.4, lr_direct=0.1)
    assert h.opt == 20 and h.direct == 10 and h.teacher == 20     # (lr t)^(1/2), exactly
    assert h.stat == kt.statistical_horizon(prob, 1000)
    assert abs(h.stat - 1000 ** (1 / 3)) <= 1
    assert_allclose(h.expansion, h.opt / h.stat)
    assert h.effective == 20
    assert "expansion" in h.summary()


def test_capacity_features_and_tuned_teacher():
    f = kt.capacity_features(6, 3)
    assert f.tolist() == [1, 1, 1, 0, 0, 0]
    prob = kt.power_law(d=100)
    t = kt.tuned_teacher(prob, 5000, batch=50, num=10)
    ref = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=100, batch=50), num=10)
    assert t.lr == ref.best_lr and t.steps == 100 and t.batch == 50


def test_kd_rate_and_meets_teacher_edges(small):
    prob, teacher = small
    sweep = kt.kd_vs_direct(prob, teacher, [10, 20], num=10)
    with pytest.raises(ValueError, match="fewer than two"):
        sweep.kd_rate(above=1e6)
    assert sweep.meets_teacher(within=0.0) is None


def test_kd_explorer_numbers_and_figure():
    out = kt.kd_explorer(d=200, n=1000, teacher_samples=20_000, mix=0.8)
    prob = kt.power_law(d=200)
    teacher = kt.tuned_teacher(prob, 20_000, num=20)
    kd = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=1000), teacher=teacher, mix=0.8, num=20)
    direct = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=1000), num=20)
    assert_allclose(out["risk_kd"], kd.best_risk, rtol=1e-12)
    assert_allclose(out["risk_direct"], direct.best_risk, rtol=1e-12)
    assert_allclose(out["gain"], 1 - kd.best_risk / direct.best_risk, rtol=1e-10)
    assert out["k_stat"] == kt.statistical_horizon(prob, 1000)
    ax = plt.gca()
    labels = [line.get_label() for line in ax.get_lines()]
    assert {"teacher", "KD student", "baseline (ground-truth labels)"} <= set(labels)


# ---- validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda p, t: kt.tuned_direct(p, [0, 10]), "ns must hold whole numbers"),
    (lambda p, t: kt.tuned_direct(p, [10.5]), "ns must hold whole numbers"),
    (lambda p, t: kt.tuned_direct(p, [10], average="mean"), "average must be one of"),
    (lambda p, t: kt.tuned_kd(p, t, [10], mix=1.5), "mix"),
    (lambda p, t: kt.tuned_kd(p, "teacher", [10]), "teacher must be a ktlib.SGD"),
    (lambda p, t: kt.tuned_direct(p, [10], lrs=[-1.0]), "lrs must be"),
    (lambda p, t: kt.tuned_direct(p, [10], lrs=[100.0]), "stability limit"),
    (lambda p, t: kt.kd_sweep(p, 10, [t, t], mix=[0.1, 0.2, 0.3]), "same length"),
    (lambda p, t: kt.kd_sweep(p, 10, t, mix=[-0.1]), "mix"),
    (lambda p, t: kt.tuned_teacher(p, 150, batch=100), "multiple of batch"),
    (lambda p, t: kt.capacity_features(10, 11), "M="),
    (lambda p, t: kt.direct_mode_floor(p, 10, averages=()), "averages"),
    (lambda p, t: kt.kd_horizons("prob", t, 10, 0.1), "prob must be"),
])
def test_bad_arguments_raise(small, call, match):
    prob, teacher = small
    with pytest.raises(ValueError, match=match):
        call(prob, teacher)
