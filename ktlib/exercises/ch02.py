"""Checks for chapter 2 (SGD and its implicit bias).

2.1  The learned fraction :math:`1 - (1 - \\eta\\lambda_i)^t` of every mode of
     ``kt.power_law(d=200, alpha=1.5, beta=2.5)`` after ``t = 100`` steps with ``lr = 0.2``
     (an array of 200 numbers).
2.2  The exact batch-1 stability limit of ``kt.power_law(d=1000, alpha=2.0, beta=3.0)``: the
     root of :math:`\\sum_i \\eta\\lambda_i / (2(1 - \\eta\\lambda_i)) = 1` (a number).
2.3  One step of the second-moment recursion by hand: :math:`q_i(1)` for
     ``kt.power_law(d=50, alpha=1.5, beta=2.5, noise=0.5)``, ``lr = 0.3``, ``batch = 4``,
     from :math:`q_i(0) = w_{\\star,i}^2` (an array of 50 numbers).
"""

import numpy as np

import ktlib as kt

from ._core import expect_array, expect_scalar, register

# ---------------------------------------------------------------------------- 2.1
P21 = dict(d=200, alpha=1.5, beta=2.5, noise=0.5)
LR21, T21 = 0.2, 100


def learned_fraction_by_hand(t=T21, lr=LR21):
    """``1 - (1 - lr * eigs)**t`` on the problem of exercise 2.1, shape ``(200,)``."""
    eigs = kt.power_law(**P21).eigs
    return 1.0 - (1.0 - lr * eigs) ** t


@register("2.1", title="Learned fraction per mode",
          reference=lambda: kt.learned_fraction(kt.power_law(**P21), LR21, T21))
def check_2_1(answer, reference):
    """The fraction of each mode's gap closed by the mean iterate after t=100 steps, lr=0.2,
    on ``kt.power_law(d=200, alpha=1.5, beta=2.5)``: an array of shape ``(200,)``.

    Tolerance: rtol=1e-6, atol=1e-12, elementwise. Recognises: a missing factor of lr
    (``1 - (1 - eigs)**t``), off by one step (t=99 or 101), the remaining gap
    ``(1 - lr eigs)**t`` instead of the closed fraction, and the continuous-time approximation
    ``1 - exp(-lr eigs t)``.
    """
    eigs = kt.power_law(**P21).eigs
    return expect_array(answer, reference, rtol=1e-6, atol=1e-12, shape_desc="one value per mode",
                        alternatives=[
                            ("off by a factor of lr (is lr in the per-step factor?)",
                             lambda: learned_fraction_by_hand(lr=1.0)),
                            ("off by one step", lambda: learned_fraction_by_hand(T21 - 1)),
                            ("off by one step", lambda: learned_fraction_by_hand(T21 + 1)),
                            ("like the remaining gap, not the fraction closed",
                             lambda: 1.0 - reference),
                            ("like the continuous-time approximation exp(-lr eigs t); the "
                             "exercise asks for the exact discrete product",
                             lambda: 1.0 - np.exp(-LR21 * eigs * T21)),
                        ])


# ---------------------------------------------------------------------------- 2.2
P22 = dict(d=1000, alpha=2.0, beta=3.0, noise=1.0)


def _root(terms):
    """Bisection for the root of sum(terms(lr * eigs)) = 1 in (0, 1/eigs_max)."""
    eigs = kt.power_law(**P22).eigs
    lo, hi = 0.0, 1.0 / eigs.max()
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        g = mid * eigs
        if np.all(g < 1) and terms(g).sum() < 1:
            lo = mid
        else:
            hi = mid
    return lo


@register("2.2", title="The stability limit, exactly",
          reference=lambda: kt.stability_limit(kt.power_law(**P22), batch=1))
def check_2_2(answer, reference):
    """The largest stable batch-1 step size of ``kt.power_law(d=1000, alpha=2.0, beta=3.0)``:
    the root of ``sum_i lr eigs_i / (2 (1 - lr eigs_i)) = 1``, a number.

    Tolerance: rtol=1e-6. Recognises: the rule of thumb ``2 / tr H``, the gradient-descent
    limit ``2 / eigs_max``, a missing factor 1/2 in each term, and the batch-2 limit.
    """
    eigs = kt.power_law(**P22).eigs
    return expect_scalar(answer, reference, rtol=1e-6, alternatives=[
        ("like the rule of thumb 2 / tr H, not the root of the exact criterion",
         2.0 / eigs.sum()),
        ("like the gradient-descent limit 2 / eigs_max: SGD's noise makes the limit smaller",
         2.0 / eigs.max()),
        ("off by the factor 1/2 in each term of the sum", lambda: _root(lambda g: g / (1 - g))),
        ("like the limit for batch 2, not batch 1",
         lambda: kt.stability_limit(kt.power_law(**P22), batch=2)),
    ])


# ---------------------------------------------------------------------------- 2.3
P23 = dict(d=50, alpha=1.5, beta=2.5, noise=0.5)
LR23, B23 = 0.3, 4


def one_step(batch=B23, drive_batch=None, fluct=True, noise=True, risk=True):
    """One step of the diagonal second-moment recursion from q = w_star**2, with switches
    that reproduce common slips (used as hints)."""
    prob = kt.power_law(**P23)
    lam, q = prob.eigs, prob.w_star**2
    g = LR23 * lam
    drive_batch = batch if drive_batch is None else drive_batch
    a = (1 - g) ** 2 + (g**2 / batch if fluct else 0.0)
    r = (lam @ q if risk else 0.0) + (prob.noise**2 if noise else 0.0)
    return a * q + LR23**2 * lam / drive_batch * r


@register("2.3", title="One step of the second-moment recursion",
          reference=lambda: kt.expected_risk(kt.power_law(**P23),
                                             kt.SGD(lr=LR23, steps=1, batch=B23),
                                             times=[1]).mode_error[0])
def check_2_3(answer, reference):
    """The per-mode second moments ``q_i(1) = E (w_1,i - w_star,i)^2`` after one SGD step with
    lr=0.3, batch=4 on ``kt.power_law(d=50, alpha=1.5, beta=2.5, noise=0.5)``, from
    ``q_i(0) = w_star_i^2``: an array of shape ``(50,)``.

    Tolerance: rtol=1e-6, elementwise. Recognises: the batch-1 recursion, a drive term without
    its 1/B, a missing g^2/B term, a missing noise**2 or a missing risk in the drive, and
    plain gradient descent ``(1 - g)^2 q``.
    """
    return expect_array(answer, reference, rtol=1e-6, shape_desc="one value per mode",
                        alternatives=[
                            ("like the batch-1 recursion (where does B enter?)",
                             lambda: one_step(batch=1)),
                            ("like the drive term is missing its factor 1/B",
                             lambda: one_step(drive_batch=1)),
                            ("like the g_i^2 / B term of the contraction is missing",
                             lambda: one_step(fluct=False)),
                            ("like the label noise sigma^2 is missing from the drive",
                             lambda: one_step(noise=False)),
                            ("like the risk sum_j eigs_j q_j is missing from the drive",
                             lambda: one_step(risk=False)),
                            ("like gradient descent on the population loss: SGD adds noise",
                             lambda: one_step(fluct=False, noise=False, risk=False)),
                        ])


__all__ = ["learned_fraction_by_hand", "one_step"]
