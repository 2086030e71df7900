r"""Checks for chapter 3 (teacher, student, and what transfer means).

3.1  The performance gap recovered of a weak-to-strong transfer, from its three risks (a number).
3.2  The student's target :math:`w_\star + \text{mix}\,u` and its label-noise standard deviation
     :math:`(1-\text{mix})\sigma` for one simulated teacher and ``mix = 0.3`` (a pair).
3.3  Teacher risk, projection-student risk and misfit on a realizable problem (three numbers),
     which verify :math:`R_S = R_T - \lVert w_S - w_T\rVert_H^2`.
"""

import numpy as np

import ktlib as kt

from ._core import expect_array, expect_scalar, hint, register

# The setting of the exercises: small, so that every reference runs in milliseconds.
PROB = dict(d=300, alpha=1.5, beta=2.5, noise=1.0)
WEAK_STEPS = 3000          # weak teacher: lr = 0.45 / tr(H), last iterate
STUDENT = dict(lr=0.01, steps=400)
MIX = 0.3                  # exercise 3.2
TEACHER_32 = dict(lr=0.05, steps=2000)
SEED_32 = 7
M_33, SEED_33 = 10, 11     # exercise 3.3


def problem():
    """``kt.power_law(d=300, alpha=1.5, beta=2.5, noise=1.0)``."""
    return kt.power_law(**PROB)


def weak_teacher(prob=None):
    """The weak teacher of 3.1 and 3.3: constant-step SGD at ``lr = 0.45 / tr(H)``."""
    prob = problem() if prob is None else prob
    return kt.SGD(lr=0.45 / prob.eigs.sum(), steps=WEAK_STEPS)


# ---------------------------------------------------------------------------------- 3.1
def _risks_31():
    prob = problem()
    student = kt.SGD(**STUDENT)
    tuned = kt.tune_lr(prob, student).sgd
    out = kt.transfer(prob, weak_teacher(prob), student, baseline=tuned)
    untuned = kt.transfer(prob, weak_teacher(prob), student).risk_baseline
    return out.risk_teacher, out.risk_student, out.risk_baseline, untuned


def _pgr(r_t, r_s, r_b):
    return (r_t - r_s) / (r_t - r_b)


@register("3.1", title="The performance gap recovered",
          reference=lambda: _pgr(*_risks_31()[:3]))
def check_3_1(answer, reference):
    """PGR of the weak-to-strong transfer of exercise 3.1 against the tuned baseline, a number.

    Tolerance: rtol=1e-4. Recognises: 1 - PGR, the gap ratio upside down, PGR against the
    untuned baseline, and the gain over the teacher 1 - R_S/R_T.
    """
    r_t, r_s, r_b, r_u = _risks_31()
    return expect_scalar(answer, reference, rtol=1e-4, what="your PGR", alternatives=[
        ("like 1 - PGR: the share of the gap the student did NOT recover", 1 - reference),
        ("upside down: PGR divides the teacher-student gap by the teacher-ceiling gap",
         1 / reference),
        ("computed against the untuned baseline (the student's own lr on ground truth); "
         "use the baseline with its lr tuned", _pgr(r_t, r_s, r_u)),
        ("like the gain over the teacher, 1 - R_S/R_T, which needs no ceiling",
         1 - r_s / r_t),
    ])


# ---------------------------------------------------------------------------------- 3.2
def teacher_error_32():
    """The error ``u = w_T - w_star`` of the one simulated teacher of exercise 3.2, shape (300,)."""
    prob = problem()
    sgd = kt.SGD(**TEACHER_32)
    return kt.simulate(prob, sgd, seeds=1, times=[0, sgd.steps], seed=SEED_32).final_error[0]


def _target_32(mix=MIX):
    prob = problem()
    return prob.w_star + mix * teacher_error_32(), (1 - mix) * prob.noise


@register("3.2", title="The student's target and label noise", reference=_target_32)
def check_3_2(answer, reference):
    """A pair ``(target, noise_std)``: the student's target ``w_star + mix * u``, shape (300,),
    and the standard deviation ``(1 - mix) * noise`` of its label noise, for ``mix = 0.3``.

    Tolerance: rtol=1e-6, atol=1e-12 (target, elementwise) and rtol=1e-6 (noise). Recognises:
    mix and 1 - mix swapped, the teacher's weights alone, mix * w_T without the ground-truth
    part, a variance instead of a standard deviation, and sqrt(1 - mix) * noise.
    """
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__len__") or \
            len(answer) != 2:
        return hint("answer must be a pair (target, noise_std): the target array first, "
                    "then one number.")
    target, noise_std = answer[0], answer[1]
    ref_target, ref_noise = reference
    prob = problem()
    u = teacher_error_32()
    sigma = prob.noise
    return expect_array(
        target, ref_target, rtol=1e-6, atol=1e-12, what="your target",
        shape_desc="one value per mode", alternatives=[
            ("like w_star + (1 - mix) u: mix and 1 - mix are swapped",
             prob.w_star + (1 - MIX) * u),
            ("like the teacher's weights w_T = w_star + u (that is mix = 1)", prob.w_star + u),
            ("like mix * w_T: the ground-truth part (1 - mix) * w_star is missing",
             MIX * (prob.w_star + u)),
            ("like the teacher's error mix * u alone: add w_star", MIX * u),
        ]) and expect_scalar(
        noise_std, ref_noise, rtol=1e-6, what="your noise level", alternatives=[
            ("like a variance ((1 - mix) noise)^2; give the standard deviation",
             ((1 - MIX) * sigma) ** 2),
            ("like mix * noise: the noisy ground-truth labels carry the weight 1 - mix",
             MIX * sigma),
            ("like sqrt(1 - mix) * noise: the label is (1 - mix) times the noisy label, so the "
             "standard deviation scales by (1 - mix) itself", np.sqrt(1 - MIX) * sigma),
            ("like the full noise level: the weight 1 - mix scales the noise too", sigma),
        ])


# ---------------------------------------------------------------------------------- 3.3
def realizable_33():
    """The realizable problem of exercise 3.3: ``w_star`` cut to its first 10 modes."""
    return kt.realizable(problem(), M_33)


def teacher_weights_33(prob=None):
    """The weights ``w_T`` of the one simulated weak teacher of exercise 3.3, shape (300,)."""
    prob = realizable_33() if prob is None else prob
    sgd = weak_teacher(prob)
    u = kt.simulate(prob, sgd, seeds=1, times=[0, sgd.steps], seed=SEED_33).final_error[0]
    return prob.w_star + u


def _triple(prob, w_t, weights=None, M=M_33):
    lam = prob.eigs if weights is None else weights
    w_s = np.where(np.arange(prob.d) < M, w_t, 0.0)
    r_t = np.sum(lam * (w_t - prob.w_star) ** 2)
    r_s = np.sum(lam * (w_s - prob.w_star) ** 2)
    mis = np.sum(lam * (w_s - w_t) ** 2)
    return np.array([r_t, r_s, mis])


def _reference_33():
    prob = realizable_33()
    return _triple(prob, teacher_weights_33(prob))


@register("3.3", title="Misfit and gain for a projection student", reference=_reference_33)
def check_3_3(answer, reference):
    """Three numbers ``[R_T, R_S, misfit]`` for the weak teacher and its projection student
    (first 10 modes copied) on the realizable problem of exercise 3.3, all in the H-norm.

    Tolerance: rtol=1e-6 elementwise. Recognises: plain Euclidean norms (no eigs weights), the
    power-law problem instead of the realizable one, a projection onto 9 or 11 modes.
    """
    prob = realizable_33()
    full = problem()
    w_t = teacher_weights_33(prob)
    return expect_array(answer, reference, rtol=1e-6, what="your [R_T, R_S, misfit]",
                        shape_desc="three numbers", alternatives=[
        ("computed without the weights eigs_i: the risk and the misfit are H-norms "
         "sum_i eigs_i a_i^2", lambda: _triple(prob, w_t, weights=np.ones(prob.d))),
        ("computed against the full power-law w_star: use the realizable problem",
         lambda: _triple(full, w_t)),
        ("off by one mode in the projection (copy exactly the first M = 10 modes)",
         lambda: _triple(prob, w_t, M=M_33 - 1)),
        ("off by one mode in the projection (copy exactly the first M = 10 modes)",
         lambda: _triple(prob, w_t, M=M_33 + 1)),
    ])


__all__ = ["problem", "weak_teacher", "teacher_error_32", "realizable_33", "teacher_weights_33"]
