"""Checks for chapter 6 (the unified view: what makes a strong model).

6.1  Classify one transfer: on ``kt.power_law(d=300, alpha=2.0, beta=3.0, noise=1.0)``, a teacher
     ``kt.SGD(lr=0.45 / tr H, steps=1000, batch=8)``, a student of 2000 steps with its step
     size tuned on the teacher's labels, and a tail-averaged baseline of 2000 steps tuned on
     ground truth (both with ``kt.tune_lr(..., num=20)``): the tuple
     ``(gain over the baseline, gain over the teacher, kt.classify(...))``.
6.2  The filter reading of one mode: on ``kt.power_law(d=300, alpha=1.5, beta=2.5)``, teacher
     ``kt.SGD(lr=0.45 / tr H, steps=1000)`` and student ``kt.SGD(lr=0.005, steps=2000)``, the
     tuple ``(approximation, exact)`` for mode :math:`i = 10`, with the approximation
     :math:`(1-\\phi_i)^2 w_{\\star,i}^2 + \\phi_i^2\\,\\mathbb E u_i^2`.
6.3  The best student horizon read off a sweep: in the chapter's map (``kt.transfer_phase`` on
     ``kt.power_law(d=300, alpha=1.5, beta=2.5)`` with teachers of batch 1, 2, ..., 128), the
     tuple ``(eta T, k)`` of the best student of the batch-4 teacher's row, ``k`` its horizon in
     modes (``kt.horizon``).
"""

from functools import lru_cache

import numpy as np

import ktlib as kt

from ._core import expect_choice, expect_int, expect_length, expect_scalar, register

# ---------------------------------------------------------------------------- shared
N = 2000
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128)


def weak_teacher(prob, batch=1, steps=1000):
    """The chapter's teacher family: ``lr = 0.45 / tr H``, last iterate, ``batch`` samples a
    step."""
    return kt.SGD(lr=0.45 / prob.eigs.sum(), steps=steps, batch=batch)


# ---------------------------------------------------------------------------- 6.1
P61 = dict(d=300, alpha=2.0, beta=3.0, noise=1.0)
B61 = 8


def classify_setting(tuned_baseline=True, baseline_average="tail"):
    """The reference of exercise 6.1 (and, with switches, common slips)."""
    prob = kt.power_law(**P61)
    teacher = weak_teacher(prob, batch=B61)
    student = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=N), teacher=teacher, num=20).sgd
    if tuned_baseline:
        baseline = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=N, average=baseline_average),
                              num=20).sgd
    else:
        baseline = student
    out = kt.transfer(prob, teacher, student, baseline=baseline, times=[0, N],
                      teacher_times=[0, teacher.steps])
    return (float(out.gain), float(out.gain_over_teacher),
            kt.classify(out.gain, out.gain_over_teacher))


@register("6.1", title="Which mechanism, if any?", reference=classify_setting)
def check_6_1(answer, reference):
    """A tuple ``(gain, gain_over_teacher, label)`` for the setting of exercise 6.1, where
    ``gain = 1 - R_student / R_baseline``, ``gain_over_teacher = 1 - R_student / R_teacher`` and
    ``label = kt.classify(gain, gain_over_teacher)``.

    Tolerance: rtol=1e-4 on each gain; the label exactly (one of ``kt.MECHANISMS``).
    Recognises: the two gains swapped, an untuned baseline (the student's own step size on
    ground truth), and a last-iterate baseline instead of the tail-averaged one.
    """
    fb = expect_length(answer, 3)
    if not fb:
        return fb
    gain, gain_t, label = answer
    ref_gain, ref_gain_t, ref_label = reference
    return (expect_scalar(gain, ref_gain, rtol=1e-4, what="your gain over the baseline",
                          alternatives=[
                              ("like the gain over the teacher (first item: over the baseline)",
                               ref_gain_t),
                              ("like a comparison with an untuned baseline (tune its lr on "
                               "ground truth)", lambda: classify_setting(False)[0]),
                              ("like a last-iterate baseline; the exercise asks for tail "
                               "averaging", lambda: classify_setting(True, "last")[0]),
                          ])
            and expect_scalar(gain_t, ref_gain_t, rtol=1e-4, what="your gain over the teacher",
                              alternatives=[("like the gain over the baseline", ref_gain)])
            and expect_choice(label, ref_label, options=kt.MECHANISMS,
                              what="your label"))


# ---------------------------------------------------------------------------- 6.2
P62 = dict(d=300, alpha=1.5, beta=2.5, noise=1.0)
LR62, MODE62 = 0.005, 10


def filter_mode(mode=MODE62, swap=False, risk_units=False, variance=False):
    """``(approximation, exact)`` of exercise 6.2 for ``mode`` (counted from 1), with switches
    that reproduce common slips."""
    prob = kt.power_law(**P62)
    teacher = weak_teacher(prob)
    student = kt.SGD(lr=LR62, steps=N)
    i = mode - 1
    phi = kt.learned_fraction(prob, LR62, N)[i]
    u_mean, u_second = kt.teacher_moments(prob, teacher)
    copied = u_second[i] - u_mean[i] ** 2 if variance else u_second[i]
    w2 = prob.w_star[i] ** 2
    if swap:
        approx = phi**2 * w2 + (1 - phi) ** 2 * copied
    else:
        approx = (1 - phi) ** 2 * w2 + phi**2 * copied
    exact = kt.transfer(prob, teacher, student, times=[0, N],
                        teacher_times=[0, teacher.steps]).student.mode_error[-1][i]
    scale = prob.eigs[i] if risk_units else 1.0
    return float(approx * scale), float(exact * scale)


@register("6.2", title="The filter reading of one mode", reference=filter_mode)
def check_6_2(answer, reference):
    """A tuple ``(approximation, exact)`` for mode i = 10 of exercise 6.2: the two-term filter
    reading ``(1 - phi)^2 w_star^2 + phi^2 E u^2`` with ``phi = 1 - (1 - lr eigs_10)^2000``, and
    the exact ``E (w_S - w_star)^2`` of that mode from ``kt.transfer``.

    Tolerance: rtol=1e-6 on each. Recognises: mode 9 or 11 (an index off by one), phi and
    1 - phi swapped, risk units (times eigs_10) instead of parameter units, and Var u in place
    of E u^2.
    """
    fb = expect_length(answer, 2)
    if not fb:
        return fb
    approx, exact = answer
    ref_a, ref_e = reference
    return (expect_scalar(approx, ref_a, rtol=1e-6, what="your approximation",
                          alternatives=[
                              ("like mode 9 or 11: mode i = 10 is index 9",
                               lambda: filter_mode(9)[0]),
                              ("like mode 9 or 11: mode i = 10 is index 9",
                               lambda: filter_mode(11)[0]),
                              ("like phi and 1 - phi are swapped",
                               lambda: filter_mode(swap=True)[0]),
                              ("like it is in risk units (times eigs_i); the exercise asks for "
                               "E (w_S,i - w_star,i)^2", lambda: filter_mode(risk_units=True)[0]),
                              ("like it uses Var u_i; the two-term reading uses E u_i^2",
                               lambda: filter_mode(variance=True)[0]),
                          ])
            and expect_scalar(exact, ref_e, rtol=1e-6, what="your exact value",
                              alternatives=[
                                  ("like mode 9 or 11: mode i = 10 is index 9",
                                   lambda: filter_mode(9)[1]),
                                  ("like mode 9 or 11: mode i = 10 is index 9",
                                   lambda: filter_mode(11)[1]),
                                  ("like it is in risk units (times eigs_i)",
                                   lambda: filter_mode(risk_units=True)[1]),
                              ]))


# ---------------------------------------------------------------------------- 6.3
P63 = dict(d=300, alpha=1.5, beta=2.5, noise=1.0)
B63 = 4


@lru_cache(maxsize=1)
def chapter_map():
    """The chapter's map at beta = 2.5 (teachers of batch 1 ... 128, students of 2000 steps)."""
    prob = kt.power_law(**P63)
    return kt.transfer_phase(prob, [weak_teacher(prob, B) for B in BATCHES], N, y=BATCHES,
                             ylabel="teacher batch $B$", num=10)


def best_horizon(row=None, worst=False, in_lr=False):
    """``(eta T, k)`` of the best student in the batch-4 row (switches: another row, the worst
    student, the step size instead of eta T)."""
    grid = chapter_map()
    j = BATCHES.index(B63) if row is None else row
    risks = grid.risk_student[j]
    i = int(np.argmax(risks) if worst else np.argmin(risks))
    x = float(grid.x[i])
    lr = float(grid.lr_student[j, i])
    k = int(kt.horizon(kt.power_law(**P63), lr, N))
    return (lr if in_lr else x), k


@register("6.3", title="The best student horizon", reference=best_horizon)
def check_6_3(answer, reference):
    """A tuple ``(eta_T, k)``: in the chapter's map at beta = 2.5, the x-value (student's eta T)
    of the lowest student risk in the row of the batch-4 teacher, and that student's horizon in
    modes, ``kt.horizon(prob, lr, 2000)``.

    Tolerance: rtol=1e-9 on eta T; k exactly. Recognises: the rows of the batch-2 or batch-8
    teacher, the highest instead of the lowest risk, and the step size instead of eta T.
    """
    fb = expect_length(answer, 2)
    if not fb:
        return fb
    x, k = answer
    ref_x, ref_k = reference
    j = BATCHES.index(B63)
    return (expect_scalar(x, ref_x, rtol=1e-9, what="your eta T", alternatives=[
                ("like the row of another teacher (the batch-4 teacher is row 2, counting "
                 "from 0)", lambda: best_horizon(row=j - 1)[0]),
                ("like the row of another teacher (the batch-4 teacher is row 2, counting "
                 "from 0)", lambda: best_horizon(row=j + 1)[0]),
                ("like the worst student of the row (argmax instead of argmin?)",
                 lambda: best_horizon(worst=True)[0]),
                ("like a step size; the x-axis is eta T (times 2000 steps)",
                 lambda: best_horizon(in_lr=True)[0]),
            ])
            and expect_int(k, ref_k, what="your horizon in modes"))


__all__ = ["weak_teacher", "classify_setting", "filter_mode", "chapter_map", "best_horizon"]
