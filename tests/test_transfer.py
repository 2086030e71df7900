"""The teacher -> student pipeline: exact theory against Monte Carlo, and exact identities.

Statistical bound as in test_simulate.py: |z| < 4.5 standard errors at every recorded time
t > 0, fixed seeds, step sizes at or below half the stability limit.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt

Z_MAX = 4.5


def max_z(curve, sim):
    return np.max(np.abs((sim.mean - curve.risk)[1:] / sim.sem[1:]))


@pytest.mark.parametrize("mix", [1.0, 0.4])
@pytest.mark.parametrize("student_kind", ["last", "tail-features"])
def test_pipeline_monte_carlo_matches_exact(mix, student_kind):
    prob = kt.power_law(d=40, alpha=1.5, beta=2.5, noise=1.0)
    lim = kt.stability_limit(prob)
    teacher = kt.SGD(lr=0.5 * lim, steps=600)                     # a noisy last-iterate teacher
    if student_kind == "last":
        student = kt.SGD(lr=0.3 * lim, steps=300)
    else:
        f = np.r_[np.ones(15), np.zeros(25)]
        student = kt.SGD(lr=0.3 * lim, steps=300, batch=2, features=f, average="tail")
    times = [0, 3, 30, 100, 300]
    exact = kt.transfer(prob, teacher, student, mix=mix, times=times, teacher_times=[0, 50, 600])
    sim = kt.transfer(prob, teacher, student, mix=mix, times=times, teacher_times=[0, 50, 600],
                      method="simulate", seeds=3000, seed=11)
    for role in ("teacher", "student", "baseline"):
        z = max_z(getattr(exact, role), getattr(sim, role))
        assert z < Z_MAX, f"{role}: max |z| = {z:.2f}"


def test_mix_zero_student_is_the_baseline():
    prob = kt.power_law(d=80, noise=1.0)
    out = kt.transfer(prob, kt.SGD(lr=0.2, steps=500), kt.SGD(lr=0.1, steps=300), mix=0.0)
    assert_allclose(out.student.risk, out.baseline.risk, rtol=1e-12)


def test_student_at_time_zero_has_the_null_risk():
    prob = kt.power_law(d=80, noise=1.0)
    out = kt.transfer(prob, kt.SGD(lr=0.2, steps=500), kt.SGD(lr=0.1, steps=300))
    assert out.student.risk[0] == pytest.approx(prob.null_risk, rel=1e-13)
    assert out.teacher.risk[0] == pytest.approx(prob.null_risk, rel=1e-13)


def test_converged_noiseless_student_copies_its_teacher():
    # mix = 1, student with all modes and many tail-averaged large-batch steps: it converges to
    # the teacher, so its expected per-mode error equals the teacher's.
    prob = kt.power_law(d=20, noise=1.0)
    teacher = kt.SGD(lr=0.3, steps=200)
    student = kt.SGD(lr=0.5, steps=4000, batch=1000, average="tail")
    out = kt.transfer(prob, teacher, student)
    assert_allclose(out.student.mode_error[-1], out.teacher.mode_error[-1], rtol=2e-3)


@pytest.mark.parametrize("method", ["exact", "simulate"])
def test_misfit_gain_identity_for_a_projection_student(method):
    """Charikar, Pabbaraju & Shiragur (2024): for a student that is the projection of the
    teacher onto a subspace containing the target, R(student) = R(teacher) - E||student - teacher||_H^2.

    The target lives on the first M modes; the student sees only those (features = 1 there,
    0 beyond) and is trained to convergence on pure teacher labels, which makes it the
    H-orthogonal projection of the teacher onto its span. Beyond M the student stays at 0 = w_star,
    so the misfit there is the teacher's own error; inside, the converged student copies the
    teacher, so the misfit is (numerically) zero.
    """
    M, d = 8, 30
    base = kt.power_law(d=d, alpha=1.5, beta=2.5, noise=1.0)
    w_star = np.where(np.arange(d) < M, base.w_star, 0.0)
    prob = kt.Problem(eigs=base.eigs, w_star=w_star, noise=1.0)
    f = (np.arange(d) < M).astype(float)
    teacher = kt.SGD(lr=0.3, steps=300)
    student = kt.SGD(lr=0.5, steps=3000, batch=500, features=f, average="tail")
    if method == "exact":
        out = kt.transfer(prob, teacher, student)
        u2 = out.teacher.mode_error[-1]
        misfit = np.sum(prob.eigs[M:] * u2[M:])                   # student = 0 = w_star there
        assert_allclose(out.student.mode_error[-1, M:], 0.0, atol=0)
        assert out.risk_student == pytest.approx(out.risk_teacher - misfit, rel=2e-3)
    else:
        out = kt.transfer(prob, teacher, student, method="simulate", seeds=8, seed=5)
        u = out.teacher.final_error                                # (seeds, d)
        s = out.student.final_error
        r_t = (u**2) @ prob.eigs
        r_s = (s**2) @ prob.eigs
        misfit = ((s - u) ** 2) @ prob.eigs
        assert_allclose(r_s, r_t - misfit, rtol=5e-3)              # seed by seed


def test_pgr_gain_and_summary():
    prob = kt.power_law(d=300, alpha=1.5, beta=2.5, noise=1.0)
    teacher = kt.SGD(lr=0.45 / prob.eigs.sum(), steps=5000)        # weak: last iterate, noisy
    out = kt.transfer(prob, teacher, kt.SGD(lr=4e-3, steps=2000))
    r_t, r_s, r_b = out.risk_teacher, out.risk_student, out.risk_baseline
    assert out.pgr == pytest.approx((r_t - r_s) / (r_t - r_b))
    assert out.gain == pytest.approx(1 - r_s / r_b)
    assert out.gain_over_teacher == pytest.approx(1 - r_s / r_t)
    assert out.gain_over_teacher > 0.1                              # weak-to-strong happens
    assert "PGR" in out.summary()


def test_separate_baseline():
    prob = kt.power_law(d=100, noise=1.0)
    student = kt.SGD(lr=0.3, steps=500)
    tuned = kt.tune_lr(prob, student).sgd
    out = kt.transfer(prob, kt.SGD(lr=0.1, steps=2000), student, baseline=tuned)
    direct = kt.expected_risk(prob, tuned)
    assert out.risk_baseline == pytest.approx(direct.final, rel=1e-13)


def test_tune_lr_matches_expected_risk_and_transfer():
    prob = kt.power_law(d=200, noise=1.0)
    sgd = kt.SGD(lr=1.0, steps=800, average="tail")
    sweep = kt.tune_lr(prob, sgd, num=12)
    for lr, r in zip(sweep.lrs[::4], sweep.risk[::4]):
        assert r == pytest.approx(kt.expected_risk(prob, sgd.replace(lr=lr)).final, rel=1e-12)
    assert sweep.best_risk == pytest.approx(kt.expected_risk(prob, sweep.sgd).final, rel=1e-12)
    teacher = kt.SGD(lr=0.2, steps=3000, average="tail")
    ks = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=400), teacher=teacher, mix=0.7, num=10)
    out = kt.transfer(prob, teacher, ks.sgd, mix=0.7)
    assert ks.best_risk == pytest.approx(out.risk_student, rel=1e-12)
    assert not sweep.at_edge
