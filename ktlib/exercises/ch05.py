"""Checks for chapter 5 (Spectral Denoising: weak-to-strong generalization).

5.1  The flat noise floor :math:`\\eta(R + \\sigma^2)/2` of the teacher
     ``kt.SGD(lr=0.3 / tr H, steps=10_000)`` on ``kt.power_law(d=1000, alpha=1.5, beta=2.5,
     noise=1.0)``, with :math:`R` its exact expected risk (a number).
5.2  The number of noise-dominated learned modes of the teacher
     ``kt.SGD(lr=0.45 / tr H, steps=20_000)`` on ``kt.power_law(d=1000, alpha=1.5, beta=2.2,
     noise=1.0)``: modes with :math:`\\eta\\lambda_i T \\ge 1` and
     :math:`\\eta(R + \\sigma^2)/2 > w_{\\star,i}^2` (a whole number).
5.3  The best student step size on the grid ``np.geomspace(1e-4, 0.1, 31)`` for a student with
     ``n = 1000`` steps on the labels of the chapter's weak teacher, by exact theory (a number).
"""

import numpy as np

import ktlib as kt

from ._core import expect_int, expect_scalar, register

# ---------------------------------------------------------------------------- 5.1
P51 = dict(d=1000, alpha=1.5, beta=2.5, noise=1.0)
T51 = 10_000


def _teacher_51():
    prob = kt.power_law(**P51)
    return prob, kt.SGD(lr=0.3 / prob.eigs.sum(), steps=T51)


def floor_51(with_noise=True, with_lr=True, half=True):
    """``lr (R + noise^2) / 2`` for exercise 5.1, with switches for the usual slips."""
    prob, teacher = _teacher_51()
    R = kt.expected_risk(prob, teacher, times=[T51]).final
    value = (R + (prob.noise**2 if with_noise else 0.0)) * (teacher.lr if with_lr else 1.0)
    return value / 2 if half else value


@register("5.1", title="The noise floor of a weak teacher", reference=floor_51)
def check_5_1(answer, reference):
    """The flat optimization-noise floor ``lr (R + noise^2) / 2`` of the teacher
    ``kt.SGD(lr=0.3 / tr H, steps=10000)`` on ``kt.power_law(d=1000, alpha=1.5, beta=2.5,
    noise=1.0)``, where ``R`` is the teacher's exact expected excess risk at its last step:
    a number.

    Tolerance: rtol=1e-3 (the risk may be read off any exact curve that records step 10000).
    Recognises: the label noise left out (``lr R / 2``), a missing factor 1/2, a missing
    factor of lr, and the exact stationary value of mode 1 (with its ``1/(1 - g_1)``).
    """
    prob, teacher = _teacher_51()
    g1 = teacher.lr * prob.eigs[0]
    return expect_scalar(answer, reference, rtol=1e-3, what="your floor", alternatives=[
        ("like it leaves out the label noise: the residual variance is R + noise**2",
         lambda: floor_51(with_noise=False)),
        ("off by a factor of 2 (the fixed point solves q (2 g) = lr g (R + noise^2))",
         lambda: floor_51(half=False)),
        ("off by a factor of lr (the floor is lr (R + noise^2)/2, in parameter space)",
         lambda: floor_51(with_lr=False)),
        ("like the exact floor of mode 1, which carries the factor 1/(1 - g_1); the "
         "exercise asks for the flat value with g_i -> 0",
         lambda: reference / (1.0 - g1)),
    ])


# ---------------------------------------------------------------------------- 5.2
P52 = dict(d=1000, alpha=1.5, beta=2.2, noise=1.0)
T52 = 20_000


def noisy_modes_52(learned_only=True, risk_units=False):
    """Count of learned modes whose flat floor beats their signal, for exercise 5.2."""
    prob = kt.power_law(**P52)
    lr = 0.45 / prob.eigs.sum()
    R = kt.expected_risk(prob, kt.SGD(lr=lr, steps=T52), times=[T52]).final
    floor = lr * (R + prob.noise**2) / 2
    signal = prob.signal if risk_units else prob.w_star**2
    noisy = floor > signal
    if learned_only:
        noisy &= lr * prob.eigs * T52 >= 1
    return int(noisy.sum())


@register("5.2", title="Where the teacher's noise beats its signal", reference=noisy_modes_52)
def check_5_2(answer, reference):
    """The number of modes of ``kt.power_law(d=1000, alpha=1.5, beta=2.2, noise=1.0)`` that
    the teacher ``kt.SGD(lr=0.45 / tr H, steps=20000)`` has learned (``lr eigs_i T >= 1``) and
    in which its flat floor ``lr (R + noise^2)/2`` exceeds the signal ``w_star_i**2``: a whole
    number.

    Exact comparison. Recognises: counting every mode, learned or not; comparing with the
    signal in risk units ``eigs_i w_star_i**2`` instead of ``w_star_i**2``; and off by one.
    """
    return expect_int(answer, reference, what="your count", alternatives=[
        ("like it counts the modes the teacher has not learned too (keep lr eigs_i T >= 1)",
         lambda: noisy_modes_52(learned_only=False)),
        ("like it compares with the signal in risk units, eigs_i w_star_i**2; the floor is an "
         "error in parameter space, so compare it with w_star_i**2",
         lambda: noisy_modes_52(risk_units=True)),
    ])


# ---------------------------------------------------------------------------- 5.3
P53 = dict(d=1000, alpha=1.5, beta=2.5, noise=1.0)
N53 = 1000
LRS53 = np.geomspace(1e-4, 0.1, 31)


def _sweep_53():
    prob = kt.power_law(**P53)
    teacher = kt.SGD(lr=0.45 / prob.eigs.sum(), steps=20_000)
    return kt.student_sweep(prob, teacher, LRS53, N53, times=[N53])


def best_lr_53():
    """The grid step size with the lowest exact student risk, for exercise 5.3."""
    return _sweep_53().best_lr


@register("5.3", title="Tune the student by exact theory", reference=best_lr_53)
def check_5_3(answer, reference):
    """The step size on ``np.geomspace(1e-4, 0.1, 31)`` that minimises the exact expected risk
    of a student with ``n = 1000`` steps trained on the labels of the chapter's teacher
    (``kt.SGD(lr=0.45 / tr H, steps=20000)`` on ``kt.power_law(d=1000, alpha=1.5, beta=2.5,
    noise=1.0)``): a number, one of the grid values.

    Tolerance: rtol=1e-6 (neighbouring grid values differ by 26%). Recognises: the step size
    tuned on ground-truth labels instead of the teacher's, the worst step size of the grid,
    and a neighbouring grid value.
    """
    def best_on_ground_truth():
        sweep = _sweep_53()
        return sweep.lrs[int(np.argmin(sweep.baseline[:, 0]))]

    def worst():
        sweep = _sweep_53()
        return sweep.lrs[int(np.argmax(sweep.risk[:, 0]))]

    k = int(np.argmin(np.abs(LRS53 - reference)))
    neighbours = [LRS53[j] for j in (k - 1, k + 1) if 0 <= j < LRS53.size]
    return expect_scalar(answer, reference, rtol=1e-6, what="your step size", alternatives=[
        ("like the step size tuned on ground-truth labels; the student learns from the "
         "teacher", best_on_ground_truth),
        ("like the step size with the largest risk (argmax instead of argmin?)", worst),
    ] + [("like a neighbouring grid value: take the minimum of the exact risk over the grid",
          v) for v in neighbours])
