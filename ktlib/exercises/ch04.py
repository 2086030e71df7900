"""Checks for chapter 4 (Spectral Horizon Expansion).

4.1  The two horizons of a distillation setting on
     ``kt.power_law(d=2000, alpha=1.3, beta=3.0, noise=0.5)``: the statistical horizon of
     ``n = 4000`` samples, :math:`\\#\\{i : \\lambda_i w_{\\star,i}^2 > \\sigma^2/n\\}`, and the KD
     student's optimization horizon at ``lr = 0.25``, :math:`\\#\\{i : \\eta\\lambda_i n \\ge 1\\}`
     (a pair of whole numbers ``(k_stat, k_opt)``).
4.2  The KD gain :math:`1 - R_{\\rm KD}/R_{\\rm direct}` on
     ``kt.power_law(d=500, alpha=1.5, beta=3.0, noise=0.5)`` with the teacher
     ``kt.tuned_teacher(prob, 50_000)`` and students on ``n = 1000`` samples, both step sizes
     tuned by ``kt.tune_lr`` (a number).
4.3  The predicted expansion factor :math:`(\\eta n)^{1/\\alpha} / (n/\\sigma^2)^{1/\\beta}` for
     ``alpha = 1.5``, ``beta = 2.5``, ``noise = 1``, ``lr = 0.3`` and
     ``n = 500, 2000, 8000, 32000`` (an array of 4 numbers).
"""

import numpy as np

import ktlib as kt

from ._core import expect_array, expect_scalar, register

# ---- 4.1 ---------------------------------------------------------------------------------
P41 = dict(d=2000, alpha=1.3, beta=3.0, noise=0.5)
N41, LR41 = 4000, 0.25


def horizons_41(n=N41, lr=LR41, noise_power=2, with_lr=True):
    """``(k_stat, k_opt)`` of exercise 4.1 (the keywords build the hinted mistakes)."""
    prob = kt.power_law(**P41)
    k_stat = int(np.sum(prob.signal > prob.noise**noise_power / n))
    k_opt = int(np.sum((lr if with_lr else 1.0) * prob.eigs * n >= 1))
    return np.array([k_stat, k_opt])


@register("4.1", title="The two horizons", reference=horizons_41)
def check_4_1(answer, reference):
    """``(k_stat, k_opt)``: two whole numbers, exactly.

    Recognises: the order swapped, the noise level instead of its square in the statistical
    horizon, the optimization horizon without the step size (``lambda_i n >= 1``), and
    either count off by one.
    """
    ref = np.asarray(reference)
    alts = [("swapped: the order is (k_stat, k_opt)", ref[::-1]),
            ("like k_stat used noise instead of noise**2 in the threshold noise**2 / n",
             lambda: horizons_41(noise_power=1)),
            ("like k_opt forgot the step size: count the modes with lr * eigs_i * n >= 1",
             lambda: horizons_41(with_lr=False))]
    for j, name in ((0, "k_stat"), (1, "k_opt")):
        for delta in (-1, 1):
            alt = ref.copy()
            alt[j] += delta
            alts.append((f"right except {name}, which is off by one (> versus >=?)", alt))
    return expect_array(answer, ref, rtol=0, atol=0, alternatives=alts,
                        shape_desc="a pair (k_stat, k_opt)")


# ---- 4.2 ---------------------------------------------------------------------------------
P42 = dict(d=500, alpha=1.5, beta=3.0, noise=0.5)
N42, TEACHER_SAMPLES42 = 1000, 50_000


def _setting_42():
    prob = kt.power_law(**P42)
    teacher = kt.tuned_teacher(prob, TEACHER_SAMPLES42)
    kd = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=N42), teacher=teacher).sgd
    direct = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=N42)).sgd
    return prob, teacher, kd, direct


def gain_42():
    """The reference KD gain of exercise 4.2."""
    prob, teacher, kd, direct = _setting_42()
    return kt.transfer(prob, teacher, kd, baseline=direct, times=[N42]).gain


def _untuned_baseline_42():
    prob, teacher, kd, _ = _setting_42()
    return kt.transfer(prob, teacher, kd, times=[N42]).gain     # baseline at the KD step size


def _untuned_kd_42():
    prob, teacher, _, direct = _setting_42()
    return kt.transfer(prob, teacher, direct, baseline=direct, times=[N42]).gain


def _over_teacher_42():
    prob, teacher, kd, direct = _setting_42()
    return kt.transfer(prob, teacher, kd, baseline=direct, times=[N42]).gain_over_teacher


@register("4.2", title="The KD gain over a tuned baseline", reference=gain_42)
def check_4_2(answer, reference):
    """The KD gain ``1 - R_KD / R_direct``, a number. Tolerance: rtol=1e-3.

    Recognises: the baseline left at the KD student's step size (not tuned), the KD student
    left at the direct student's step size, the ratio ``R_KD / R_direct`` instead of one minus
    it, and the gain over the teacher instead of over the baseline.
    """
    return expect_scalar(answer, reference, rtol=1e-3, alternatives=[
        ("like the baseline was not tuned: it ran at the KD student's step size; tune its lr "
         "on ground truth with kt.tune_lr (no teacher)", _untuned_baseline_42),
        ("like the KD student ran at the direct student's step size; tune it with "
         "kt.tune_lr(..., teacher=teacher)", _untuned_kd_42),
        ("like the ratio R_KD / R_direct; the gain is one minus it", 1.0 - reference),
        ("like the gain over the teacher (out.gain_over_teacher), not over the baseline",
         _over_teacher_42),
    ])


# ---- 4.3 ---------------------------------------------------------------------------------
A43, B43, NOISE43, LR43 = 1.5, 2.5, 1.0, 0.3
NS43 = np.array([500, 2000, 8000, 32000])


def expansion_43(alpha=A43, beta=B43, lr=LR43, ns=NS43, noise=NOISE43):
    """Predicted expansion factors ``(lr n)^(1/alpha) / (n / noise^2)^(1/beta)``."""
    ns = np.asarray(ns, dtype=float)
    return (lr * ns) ** (1 / alpha) / (ns / noise**2) ** (1 / beta)


@register("4.3", title="Predict the expansion factor", reference=expansion_43)
def check_4_3(answer, reference):
    """Four predicted expansion factors, one per n. Tolerance: rtol=1e-6 elementwise.

    Recognises: alpha and beta swapped, the step size left out, and the inverse ratio
    ``k_stat / k_opt``.
    """
    return expect_array(answer, reference, rtol=1e-6, shape_desc="one factor per n", alternatives=[
        ("like alpha and beta are swapped: k_opt ~ (lr n)^(1/alpha), k_stat ~ n^(1/beta)",
         lambda: expansion_43(alpha=B43, beta=A43)),
        ("like the step size is missing from the optimization horizon (lr n)^(1/alpha)",
         lambda: expansion_43(lr=1.0)),
        ("like the inverse ratio k_stat / k_opt", 1.0 / reference),
    ])


__all__ = ["horizons_41", "gain_42", "expansion_43"]
