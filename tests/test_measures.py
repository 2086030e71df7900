"""Tests of ktlib/_measures.py: z-scores, fair comparisons, error parts, misfit and gain.

Statistical bound: every Monte Carlo mean lies within Z_MAX = 4.5 standard errors of its exact
expectation (fixed seeds, so each test is deterministic; with well-behaved errors a |z| above
4.5 has probability below 1e-5 per comparison). Step sizes stay at or below half the stability
limit, where the risk has light enough tails for the standard error to be trusted.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt

Z_MAX = 4.5


@pytest.fixture(scope="module")
def prob():
    return kt.power_law(d=60, alpha=1.5, beta=2.5, noise=0.8)


def half_limit(prob, **kw):
    return 0.5 * kt.stability_limit(prob, **kw)


# ------------------------------------------------------------------------------ z-scores
def test_z_scores_shape_zero_at_start_and_consistent(prob):
    sgd = kt.SGD(lr=half_limit(prob), steps=300)
    times = [0, 10, 100, 300]
    curve = kt.expected_risk(prob, sgd, times=times)
    sim = kt.simulate(prob, sgd, seeds=1500, times=times, seed=11)
    z = kt.z_scores(curve, sim)
    assert z.shape == (4,)
    assert z[0] == 0.0                        # every run starts at w = 0: no spread, no error
    assert np.max(np.abs(z)) < Z_MAX
    assert kt.max_abs_z(curve, sim) == pytest.approx(np.max(np.abs(z)))
    manual = (sim.mean - curve.risk)[1:] / sim.sem[1:]
    assert_allclose(z[1:], manual)


def test_z_scores_detect_a_wrong_theory(prob):
    sgd = kt.SGD(lr=half_limit(prob), steps=300)
    times = [0, 10, 100, 300]
    curve = kt.expected_risk(prob, sgd, times=times)
    sim = kt.simulate(prob, sgd, seeds=1500, times=times, seed=11)
    wrong = kt.Curve(times=curve.times, risk=curve.risk * 1.1, mode_error=curve.mode_error,
                     eigs=curve.eigs)
    assert kt.max_abs_z(wrong, sim) > 10
    # a wrong value at a deterministic time (t = 0) is infinitely many standard errors off
    shifted = kt.Curve(times=curve.times, risk=curve.risk + 0.01, mode_error=curve.mode_error,
                       eigs=curve.eigs)
    assert np.isinf(kt.z_scores(shifted, sim)[0])


def test_z_scores_validate(prob):
    sgd = kt.SGD(lr=0.1, steps=20)
    curve = kt.expected_risk(prob, sgd, times=[0, 10, 20])
    with pytest.raises(ValueError, match="same times"):
        kt.z_scores(curve, kt.simulate(prob, sgd, seeds=4, times=[0, 5, 20]))
    with pytest.raises(ValueError, match="seeds >= 2"):
        kt.z_scores(curve, kt.simulate(prob, sgd, seeds=1, times=[0, 10, 20]))
    with pytest.raises(ValueError, match="Simulation"):
        kt.z_scores(curve, curve)
    exact = kt.transfer(prob, sgd, sgd, times=[0, 20], teacher_times=[0, 20])
    with pytest.raises(ValueError, match="TransferResult"):
        kt.max_abs_z(exact, kt.simulate(prob, sgd, seeds=4, times=[0, 20]))


@pytest.mark.parametrize("mix,average", [(1.0, "last"), (0.5, "last"), (0.7, "tail")])
def test_transfer_monte_carlo_matches_theory(prob, mix, average):
    lr = half_limit(prob)
    teacher = kt.SGD(lr=lr, steps=400, average=average)
    student = kt.SGD(lr=0.3 * lr, steps=200)
    kw = dict(mix=mix, times=[0, 20, 100, 200], teacher_times=[0, 100, 400])
    exact = kt.transfer(prob, teacher, student, **kw)
    mc = kt.transfer(prob, teacher, student, method="simulate", seeds=1000, seed=5, **kw)
    assert kt.max_abs_z(exact, mc) < Z_MAX


# ------------------------------------------------------------------------------ compare
def test_compare_exact_consistent_with_transfer_and_tune(prob):
    teacher = kt.SGD(lr=0.4, steps=3000, average="tail")
    student = kt.SGD(lr=0.3, steps=300)
    cmp = kt.compare(prob, teacher, student)
    sweep = kt.tune_lr(prob, student)
    assert cmp.sweep.best_lr == pytest.approx(sweep.best_lr)
    assert cmp.risk_baseline == pytest.approx(sweep.best_risk, rel=1e-10)
    plain = kt.transfer(prob, teacher, student)
    assert cmp.risk_student == pytest.approx(plain.risk_student, rel=1e-12)
    assert cmp.risk_teacher == pytest.approx(plain.risk_teacher, rel=1e-12)
    assert cmp.risk_untuned == pytest.approx(plain.risk_baseline, rel=1e-12)
    # the tuned baseline is at least as good as the untuned one: the untuned gain flatters
    assert cmp.risk_baseline <= cmp.risk_untuned
    assert cmp.gain <= cmp.gain_untuned
    r_t, r_s, r_b = cmp.risk_teacher, cmp.risk_student, cmp.risk_baseline
    assert cmp.pgr == pytest.approx((r_t - r_s) / (r_t - r_b))
    assert cmp.pgr_untuned == pytest.approx((r_t - r_s) / (r_t - cmp.risk_untuned))
    assert cmp.kept == pytest.approx((r_b - r_s) / (r_b - r_t))
    assert cmp.gain_over_teacher == pytest.approx(1 - r_s / r_t)


def test_compare_table_prints_the_numbers(prob):
    cmp = kt.compare(prob, kt.SGD(lr=0.4, steps=2000), kt.SGD(lr=0.02, steps=300))
    text = cmp.table()
    for value in (cmp.risk_teacher, cmp.risk_student, cmp.risk_baseline, cmp.risk_untuned):
        assert f"{value:.4f}" in text
    assert f"{cmp.pgr:.3f}" in text and f"{cmp.gain:+.1%}" in text
    assert "tuned lr" in text and "student's lr" in text
    assert "Comparison(" in repr(cmp)


def test_compare_marks_pgr_of_a_strong_teacher(prob):
    strong = kt.compare(prob, kt.SGD(lr=0.3, steps=4000, average="tail"),
                        kt.SGD(lr=0.3, steps=100))
    assert strong.risk_teacher < strong.risk_baseline
    assert "*" in strong.table() and "keeps" in strong.table()


def test_compare_untuned_and_simulate(prob):
    teacher, student = kt.SGD(lr=0.4, steps=500), kt.SGD(lr=0.05, steps=100)
    plain = kt.compare(prob, teacher, student, tune_baseline=False)
    assert plain.sweep is None
    assert plain.risk_baseline == plain.risk_untuned
    mc = kt.compare(prob, teacher, student, method="simulate", seeds=400, seed=3,
                    times=[0, 50, 100], teacher_times=[0, 500])
    ex = kt.compare(prob, teacher, student, times=[0, 50, 100], teacher_times=[0, 500])
    assert "±" in mc.table()
    assert kt.max_abs_z(ex.result, mc.result) < Z_MAX
    assert kt.max_abs_z(ex.untuned, mc.untuned) < Z_MAX


def test_compare_validates(prob):
    sgd = kt.SGD(lr=0.1, steps=10)
    with pytest.raises(ValueError, match="mix"):
        kt.compare(prob, sgd, sgd, mix=1.5)
    with pytest.raises(ValueError, match="method"):
        kt.compare(prob, sgd, sgd, method="exactly")
    with pytest.raises(ValueError, match="Problem"):
        kt.compare("prob", sgd, sgd)


# ------------------------------------------------------------------------------ error parts
@pytest.mark.parametrize("mix,batch,average,cut", [
    (1.0, 1, "last", False), (0.5, 1, "last", False), (0.0, 2, "tail", False),
    (0.8, 1, "tail", True), (1.0, 3, "last", True)])
def test_error_parts_sum_to_the_exact_student_error(prob, mix, batch, average, cut):
    features = None
    if cut:
        features = np.ones(prob.d)
        features[prob.d // 3:] = 0.0
    teacher = kt.SGD(lr=0.3, steps=800)
    student = kt.SGD(lr=0.2, steps=300, batch=batch, average=average, features=features)
    parts = kt.student_error_parts(prob, teacher, student, mix)
    exact = kt.transfer(prob, teacher, student, mix=mix).student.mode_error[-1]
    assert_allclose(parts.total, exact, rtol=1e-9, atol=1e-14)
    assert np.all(parts.fluctuation >= 0)
    assert parts.risk() == pytest.approx(exact @ prob.eigs, rel=1e-9)
    if cut:   # a mode the student cannot see keeps its whole signal and copies nothing
        frozen = slice(prob.d // 3, None)
        assert_allclose(parts.total[frozen], prob.w_star[frozen] ** 2, rtol=1e-12)
        assert_allclose(parts.copied[frozen], 0.0)


def test_error_parts_limits(prob):
    teacher = kt.SGD(lr=0.3, steps=500)
    untrained = kt.student_error_parts(prob, teacher, kt.SGD(lr=0.2, steps=0))
    assert_allclose(untrained.unlearned, prob.w_star**2)
    assert_allclose(untrained.total, prob.w_star**2, rtol=1e-12)
    ground = kt.student_error_parts(prob, teacher, kt.SGD(lr=0.2, steps=200), mix=0.0)
    assert_allclose(ground.copied, 0.0)
    assert_allclose(ground.cross, 0.0)
    base = kt.expected_risk(prob, kt.SGD(lr=0.2, steps=200), times=[200])
    assert ground.risk() == pytest.approx(base.final, rel=1e-10)
    with pytest.raises(ValueError, match="unknown part"):
        ground.risk("bias")


def test_misfit_matches_monte_carlo(prob):
    teacher = kt.SGD(lr=half_limit(prob), steps=400)
    for mix in (1.0, 0.6):
        student = kt.SGD(lr=0.1, steps=150)
        parts = kt.student_error_parts(prob, teacher, student, mix)
        mc = kt.transfer(prob, teacher, student, mix=mix, method="simulate", seeds=1000,
                         seed=8, times=[0, 150], teacher_times=[0, 400])
        u = mc.teacher.final_error                        # w_T - w_star, per seed
        e = mc.student.final_error                        # w_S - w_star, per seed
        misfit = ((e - u) ** 2) @ prob.eigs
        z = (misfit.mean() - parts.risk("misfit")) / (misfit.std(ddof=1) / np.sqrt(misfit.size))
        assert abs(z) < Z_MAX, (mix, z)


# ------------------------------------------------------------------------------ misfit and gain
def test_general_identity_and_projection(prob):
    rng = np.random.default_rng(0)
    w_t = prob.w_star + rng.normal(size=(5, prob.d))
    w_s = prob.w_star + rng.normal(size=(5, prob.d))
    out = kt.misfit_gain(prob, w_t, w_s)
    inner = np.sum(prob.eigs * (w_s - w_t) * (w_s - prob.w_star), axis=-1)
    assert_allclose(out.gap, 2 * inner, rtol=1e-10)          # R_S = R_T - misfit + 2<.,.>_H
    # projection of the teacher on a class that does not contain w_star: the gap is
    # 2 sum_{i>M} eigs_i w_star_i w_T,i, not zero
    M = 10
    proj = kt.misfit_gain(prob, w_t, kt.project_modes(w_t, M))
    expected = 2 * np.sum(prob.eigs[M:] * prob.w_star[M:] * w_t[:, M:], axis=-1)
    assert_allclose(proj.gap, expected, rtol=1e-10)
    # ... and zero when it does (realizable)
    real = kt.realizable(prob, M)
    w_t2 = real.w_star + rng.normal(size=(5, prob.d))
    exact = kt.misfit_gain(real, w_t2, kt.project_modes(w_t2, M))
    assert np.max(np.abs(exact.gap)) < 1e-12
    assert np.all(exact.risk_student < exact.risk_teacher)
    one = kt.misfit_gain(real, w_t2[0], kt.project_modes(w_t2[0], M))
    assert isinstance(one.misfit, float) and "gap" in one.summary()


def test_expected_misfit_gain_projection_matches_simulated_teachers(prob):
    M = 8
    real = kt.realizable(prob, M)
    teacher = kt.SGD(lr=half_limit(prob), steps=500)
    exact = kt.expected_misfit_gain(real, teacher, M)
    assert abs(exact.gap) < 1e-12
    u = kt.simulate(real, teacher, seeds=1000, times=[0, 500], seed=4).final_error
    w_t = real.w_star + u
    sims = kt.misfit_gain(real, w_t, kt.project_modes(w_t, M))
    for name in ("risk_teacher", "risk_student", "misfit"):
        x = getattr(sims, name)
        z = (x.mean() - getattr(exact, name)) / (x.std(ddof=1) / np.sqrt(x.size))
        assert abs(z) < Z_MAX, (name, z)
    # not realizable: the gap is 2 sum_{i>M} eigs_i w_star_i E w_T,i > 0
    full = kt.expected_misfit_gain(prob, teacher, M)
    u_mean, _ = kt.teacher_moments(prob, teacher)
    w = prob.w_star
    assert full.gap == pytest.approx(2 * np.sum(prob.eigs[M:] * w[M:] * (w[M:] + u_mean[M:])))
    assert full.gap > 0


def test_sgd_student_tends_to_the_projection(prob):
    M = 8
    real = kt.realizable(prob, M)
    teacher = kt.SGD(lr=half_limit(prob), steps=500)
    features = (np.arange(prob.d) < M).astype(float)
    lr = half_limit(real, features=features)
    gaps = [kt.expected_misfit_gain(real, teacher,
                                    kt.SGD(lr=lr, steps=n, features=features, average="tail")).gap
            for n in (100, 1000, 10000)]
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert gaps[2] < 0.05 * gaps[0]          # the gap falls roughly like 1/n
    proj = kt.expected_misfit_gain(real, teacher, M)
    last = kt.expected_misfit_gain(real, teacher,
                                   kt.SGD(lr=lr, steps=10000, features=features, average="tail"))
    assert last.risk_student == pytest.approx(proj.risk_student, rel=0.02)
    # a constant-step last iterate keeps its own noise: never a projection
    noisy = kt.expected_misfit_gain(real, teacher,
                                    kt.SGD(lr=lr, steps=10000, features=features))
    assert noisy.gap > 10 * last.gap


def test_misfit_validation(prob):
    with pytest.raises(ValueError, match="w_teacher"):
        kt.misfit_gain(prob, np.zeros(3), np.zeros(prob.d))
    with pytest.raises(ValueError, match="finite"):
        kt.misfit_gain(prob, np.full(prob.d, np.nan), np.zeros(prob.d))
    with pytest.raises(ValueError, match="M"):
        kt.project_modes(np.zeros(4), 5)
    with pytest.raises(ValueError, match="M"):
        kt.realizable(prob, -1)
    with pytest.raises(ValueError, match="student"):
        kt.expected_misfit_gain(prob, kt.SGD(lr=0.1, steps=10), prob.d + 1)


# ------------------------------------------------------------------------------ band_risk
def test_band_risk(prob):
    curve = kt.expected_risk(prob, kt.SGD(lr=0.2, steps=100))
    bands = kt.band_risk(curve, prob.eigs, [5, 20])
    assert bands.shape == (3,)
    assert bands.sum() == pytest.approx(curve.final)
    assert bands[0] == pytest.approx(curve.mode_risk[-1, :5].sum())
    assert_allclose(kt.band_risk(curve.mode_error[-1], prob.eigs, [0, prob.d]),
                    [0.0, curve.final, 0.0], atol=1e-15)
    with pytest.raises(ValueError, match="non-decreasing"):
        kt.band_risk(curve, prob.eigs, [20, 5])
    with pytest.raises(ValueError, match="same length"):
        kt.band_risk(np.ones(3), prob.eigs, [1])


# ------------------------------------------------------------------------------ plot helper
def test_plot_comparison_draws_the_sweep(prob):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cmp = kt.compare(prob, kt.SGD(lr=0.3, steps=500), kt.SGD(lr=0.01, steps=100))
    ax = kt.plot_comparison(cmp, title="t")
    xs = ax.get_lines()[0].get_xdata()
    assert_allclose(xs, cmp.sweep.lrs)
    assert ax.get_title() == "t" and ax.get_yscale() == "log"
    plt.close("all")
    with pytest.raises(ValueError, match="tune_baseline"):
        kt.plot_comparison(kt.compare(prob, kt.SGD(lr=0.3, steps=50), kt.SGD(lr=0.01, steps=10),
                                      tune_baseline=False))


# ------------------------------------------------------------------------------ chapter 3 checks
def test_chapter_3_checks_recognise_the_usual_mistakes():
    from ktlib.exercises import evaluate, get
    from ktlib.exercises import ch03
    ref = get("3.1").reference_answer()
    assert evaluate("3.1", ref).passed
    assert "1 - PGR" in evaluate("3.1", 1 - ref).message
    target, noise = get("3.2").reference_answer()
    assert evaluate("3.2", (target, noise)).passed
    assert noise == pytest.approx(0.7)
    assert "variance" in evaluate("3.2", (target, noise**2)).message
    assert "swapped" in evaluate("3.2", (target - 0.3 * ch03.teacher_error_32()
                                         + 0.7 * ch03.teacher_error_32(), noise)).message
    assert "pair" in evaluate("3.2", target).message
    triple = get("3.3").reference_answer()
    assert triple[1] == pytest.approx(triple[0] - triple[2], abs=1e-12)
    assert evaluate("3.3", triple).passed
    assert "eigs" in evaluate("3.3", ch03._triple(ch03.realizable_33(), ch03.teacher_weights_33(),
                                                 weights=np.ones(300))).message
