"""Checks for chapter 1 (high-dimensional linear regression).

All exercises use the chapter's problem ``kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)``
unless stated otherwise.

1.1  The per-mode risk contributions :math:`\\lambda_i (w_i - w_{\\star,i})^2` of the truncated
     predictor that copies :math:`w_\\star` on the first ``k = 20`` modes and is 0 beyond
     (an array of 1000 numbers).
1.2  Ridge's population spectral filter :math:`\\lambda_i/(\\lambda_i + \\rho)` at penalty
     :math:`\\rho = 0.01` (an array of 1000 numbers).
1.3  The statistical horizon of ``n = 5000`` samples on
     ``kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=0.5)``: the number of modes with
     :math:`\\lambda_i w_{\\star,i}^2 > \\sigma^2/n` (a whole number).
1.4  The effective regularization :math:`\\kappa` of the minimum-norm interpolator on
     ``n = 300`` samples: the root of :math:`\\sum_i \\lambda_i/(\\lambda_i+\\kappa) = n`
     (a number).
"""

import numpy as np

import ktlib as kt

from ._core import expect_array, expect_int, expect_scalar, register

PROB = dict(d=1000, alpha=1.5, beta=2.5, noise=1.0)


def _prob(**changes):
    return kt.power_law(**{**PROB, **changes})


# ---------------------------------------------------------------------------- 1.1
K11 = 20


def truncated_mode_risk(k, d=PROB["d"]):
    """Per-mode risk of the predictor equal to ``w_star`` on modes ``1..k`` and 0 beyond."""
    prob = _prob(d=d)
    w = np.where(np.arange(1, prob.d + 1) <= k, prob.w_star, 0.0)
    return prob.eigs * (w - prob.w_star) ** 2


@register("1.1", title="Per-mode risk of a truncated predictor",
          reference=lambda: truncated_mode_risk(K11))
def check_1_1(answer, reference):
    """The per-mode risk contributions of the predictor that keeps ``w_star`` on modes 1..20,
    shape ``(1000,)``.

    Tolerance: rtol=1e-6, atol=1e-15, elementwise. Recognises: the parameter error
    ``(w_i - w_star_i)**2`` without the factor ``eigs_i``, a truncation after 19 or 21 modes
    (off by one), and the contributions of the kept modes instead of the dropped ones.
    """
    prob = _prob()
    return expect_array(answer, reference, rtol=1e-6, atol=1e-15, shape_desc="one value per mode",
                        alternatives=[
                            ("like the parameter error (w_i - w_star_i)**2: each mode's share "
                             "of the risk carries a factor eigs_i",
                             lambda: reference / prob.eigs),
                            ("off by one mode in where the truncation starts",
                             lambda: truncated_mode_risk(K11 - 1)),
                            ("off by one mode in where the truncation starts",
                             lambda: truncated_mode_risk(K11 + 1)),
                            ("like the risk of the kept modes rather than of the dropped ones",
                             lambda: prob.signal - reference),
                        ])


# ---------------------------------------------------------------------------- 1.2
PEN12 = 0.01


@register("1.2", title="Ridge's spectral filter",
          reference=lambda: kt.ridge_filter(_prob(), PEN12))
def check_1_2(answer, reference):
    """The population ridge filter ``eigs / (eigs + 0.01)``, shape ``(1000,)``.

    Tolerance: rtol=1e-6, elementwise. Recognises: the complement ``penalty/(eigs + penalty)``
    (the fraction shrunk away), the squared filter, and the filter with ``eigs**2``.
    """
    lam = _prob().eigs
    return expect_array(answer, reference, rtol=1e-6, shape_desc="one value per mode",
                        alternatives=[
                            ("like the fraction removed, penalty/(eigs + penalty), rather than "
                             "the fraction kept", 1.0 - reference),
                            ("like the squared filter (the factor that multiplies the variance)",
                             reference**2),
                            ("like it was computed with eigs squared",
                             lam**2 / (lam**2 + PEN12)),
                        ])


# ---------------------------------------------------------------------------- 1.3
N13, NOISE13 = 5000, 0.5


@register("1.3", title="The statistical horizon",
          reference=lambda: kt.statistical_horizon(_prob(noise=NOISE13), N13))
def check_1_3(answer, reference):
    """The number of modes with signal ``eigs_i * w_star_i**2 > noise**2 / n`` for ``n = 5000``
    and ``noise = 0.5`` (a whole number, exactly).

    Recognises: the noise level not squared, the eigenvalues compared instead of the signal,
    and the rounded power law ``(n / noise**2) ** (1 / beta)``.
    """
    prob = _prob(noise=NOISE13)
    return expect_int(answer, reference, alternatives=[
        ("like it used noise / n instead of noise**2 / n",
         int(np.sum(prob.signal > NOISE13 / N13))),
        ("like it compared the eigenvalues eigs_i with the noise instead of the signal "
         "eigs_i * w_star_i**2", int(np.sum(prob.eigs > NOISE13**2 / N13))),
        ("rounded from the power law rather than counted; count the modes",
         int(round((N13 / NOISE13**2) ** (1 / PROB["beta"])))),
    ])


# ---------------------------------------------------------------------------- 1.4
N14 = 300


def _root(target):
    """kappa with sum_i eigs_i/(eigs_i + kappa) = target (bisection on log kappa)."""
    lam = _prob().eigs
    lo, hi = 1e-12, 10.0
    for _ in range(200):
        mid = np.sqrt(lo * hi)
        if np.sum(lam / (lam + mid)) > target:
            lo = mid
        else:
            hi = mid
    return np.sqrt(lo * hi)


@register("1.4", title="The self-induced regularization of min-norm least squares",
          reference=lambda: kt.effective_regularization(_prob(), N14, 0.0))
def check_1_4(answer, reference):
    """The root kappa of ``sum_i eigs_i / (eigs_i + kappa) = 300`` (a positive number).

    Tolerance: rtol=1e-4. Recognises: the root of ``... = d - n`` (700) and of ``... = n + 1``
    or ``n - 1`` (off by one).
    """
    return expect_scalar(answer, reference, rtol=1e-4, alternatives=[
        ("like the root for d - n instead of n", lambda: _root(PROB["d"] - N14)),
        ("off by one sample", lambda: _root(N14 + 1)),
        ("off by one sample", lambda: _root(N14 - 1)),
    ])
