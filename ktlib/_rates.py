r"""Scaling laws of one-pass SGD: risk-versus-steps sweeps and their predicted exponents (chapter 2).

On the power-law problem :math:`\lambda_i = i^{-\alpha}`, :math:`\lambda_i w_{\star,i}^2 = i^{-\beta}`,
SGD learns mode :math:`i` once :math:`\eta\lambda_i t \gtrsim 1`, so after :math:`t` steps it
has learned the first :math:`k_{\rm opt}(t) \approx (\eta t)^{1/\alpha}` modes and the rest
still carry their signal, :math:`\sum_{i > k} i^{-\beta} \approx k^{1-\beta}/(\beta - 1)`.
Two rates follow:

* **noiseless labels**, a fixed step size: :math:`R(w_t) \asymp (\eta t)^{-(\beta-1)/\alpha}`;
* **noisy labels**, the step size tuned for each sample size :math:`n` and the iterates
  tail-averaged: each learned mode costs variance :math:`\approx \sigma^2/n`, the best horizon
  stops where a mode's signal :math:`i^{-\beta}` falls below :math:`\sigma^2/n`, at
  :math:`k_{\rm stat} \approx (n/\sigma^2)^{1/\beta}`, and
  :math:`R \asymp n^{-(\beta-1)/\beta}` (the minimax rate when
  :math:`\alpha < \beta \le 2\alpha + 1`).

The sweeps here read these rates off the *exact* expected risk (:func:`ktlib.second_moments`):
one recursion records the risk at every requested time, and one vectorized recursion over
:math:`K` step sizes gives the risk at every :math:`n` for every step size at once, so the
risk tuned at each :math:`n` is a minimum over the step-size axis.

Choose the dimension :math:`d` well above the largest horizon of the sweep (say ten times):
a finite :math:`d` caps the horizon and bends the curve (finite-:math:`d` saturation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._diagnostics import fit_slope
from ._problem import Problem
from ._diagnostics import stable_lr_grid
from ._sgd import AVERAGES, SGD
from ._theory import (_check_pair, _stability_sum, check_stable, expected_risk, mean_factor,
                      second_moments)
from ._validate import as_float, as_int

__all__ = ["ScalingCurve", "predicted_exponents", "risk_vs_steps", "tuned_risk_vs_n",
           "stationary_risk", "bias_variance"]


def predicted_exponents(alpha, beta):
    r"""The two predicted decay exponents of SGD's risk on the power-law problem.

    .. math::  p_{\rm noiseless} = \frac{\beta - 1}{\alpha}, \qquad
               p_{\rm noisy} = \frac{\beta - 1}{\beta},

    so that :math:`R \asymp (\eta t)^{-p_{\rm noiseless}}` with noiseless labels and
    :math:`R \asymp n^{-p_{\rm noisy}}` for tuned, tail-averaged SGD on noisy labels (when
    :math:`\alpha < \beta \le 2\alpha + 1`). Both are returned as positive numbers: the slopes
    on log-log axes are their negatives.

    Parameters
    ----------
    alpha : float
        Capacity exponent, ``alpha > 1``.
    beta : float
        Source exponent, ``beta > 1``.

    Returns
    -------
    (float, float)
        :math:`((\beta-1)/\alpha, (\beta-1)/\beta)`.

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.predicted_exponents(1.5, 2.5)
    (1.0, 0.6)
    >>> kt.predicted_exponents(0.5, 2.5)
    Traceback (most recent call last):
    ...
    ValueError: alpha=0.5 is out of range; allowed range is (1.0, inf]
    """
    alpha = as_float("alpha", alpha, low=1.0, low_open=True)
    beta = as_float("beta", beta, low=1.0, low_open=True)
    return (beta - 1.0) / alpha, (beta - 1.0) / beta


@dataclass(frozen=True, eq=False)
class ScalingCurve:
    r"""Expected excess risk read at many sample sizes: a scaling-law curve.

    Attributes
    ----------
    n : ndarray of int, shape (T,)
        Steps (:func:`risk_vs_steps`) or samples (:func:`tuned_risk_vs_n`), increasing.
    risk : ndarray, shape (T,)
        Exact expected excess risk :math:`\mathbb E R` at each ``n``.
    lr : ndarray, shape (T,)
        The step size used at each ``n`` (constant for :func:`risk_vs_steps`, the tuned one
        for :func:`tuned_risk_vs_n`).
    lrs : ndarray, shape (K,)
        The step-size grid (just ``lr[0]`` for a fixed step size).
    risk_grid : ndarray, shape (K, T)
        The risk at every step size of the grid and every ``n``.
    """

    n: np.ndarray
    risk: np.ndarray
    lr: np.ndarray
    lrs: np.ndarray
    risk_grid: np.ndarray

    def slope(self, lo=None, hi=None) -> float:
        r"""Fitted log-log slope of ``risk`` against ``n`` over ``lo <= n <= hi``.

        A power law :math:`R \approx C n^{-p}` has slope :math:`-p`; compare with
        :func:`predicted_exponents`. Uses :func:`ktlib.fit_slope`; needs two points in range.
        """
        mask = np.ones(self.n.size, dtype=bool)
        if lo is not None:
            mask &= self.n >= as_float("lo", lo)
        if hi is not None:
            mask &= self.n <= as_float("hi", hi)
        if mask.sum() < 2:
            raise ValueError(f"the fit range [lo, hi] = [{lo}, {hi}] holds {int(mask.sum())} "
                             f"of the sample sizes; it needs at least 2")
        return fit_slope(self.n[mask], self.risk[mask])

    @property
    def at_edge(self) -> np.ndarray:
        """Per ``n``: True where the best step size is the grid's smallest or largest (widen it)."""
        if self.lrs.size < 2:
            return np.zeros(self.n.size, dtype=bool)
        return (self.lr == self.lrs[0]) | (self.lr == self.lrs[-1])

    def __repr__(self):
        return (f"ScalingCurve(n {self.n[0]}..{self.n[-1]} ({self.n.size} points), "
                f"risk {self.risk[0]:.4g} -> {self.risk[-1]:.4g}, K={self.lrs.size})")


def _sizes(ns, name="ns"):
    """Check a strictly increasing 1-d array of positive integers."""
    arr = np.atleast_1d(np.asarray(ns))
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a non-empty 1-d array of integers >= 1")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.rint(arr)) or np.any(arr < 1):
        raise ValueError(f"{name} must hold integers >= 1 (allowed range [1, inf))")
    arr = np.rint(arr).astype(int)
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing")
    return arr


def risk_vs_steps(prob, sgd, ns) -> ScalingCurve:
    r"""Exact expected risk of one SGD run read at the steps ``ns``: one recursion, many times.

    Runs the exact second-moment recursion of ``sgd`` (its ``lr``, ``batch``, ``features``,
    ``average``; its ``steps`` is replaced by ``max(ns)``) once and records
    :math:`\mathbb E R(w_t)` at every :math:`t \in` ``ns``. With noiseless labels and a
    horizon well below :math:`d` the result decays as :math:`(\eta t)^{-(\beta-1)/\alpha}`.

    Parameters
    ----------
    prob : Problem
    sgd : SGD
    ns : array_like of int, shape (T,)
        Strictly increasing step counts ``>= 1``.

    Returns
    -------
    ScalingCurve
        ``n = ns`` (steps), ``risk``, and ``lr`` constant.

    Raises
    ------
    ValueError
        For bad arguments, or a step size past :func:`ktlib.stability_limit`.

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=2000, alpha=2.0, beta=3.0, noise=0.0)
    >>> ns = np.geomspace(100, 10000, 9).round().astype(int)
    >>> curve = kt.risk_vs_steps(prob, kt.SGD(lr=0.3, steps=1), ns)
    >>> print(f"slope {curve.slope():.3f}; predicted {-kt.predicted_exponents(2.0, 3.0)[0]:.3f}")
    slope -1.014; predicted -1.000
    """
    _check_pair(prob, sgd)
    ns = _sizes(ns)
    sgd = sgd.replace(steps=int(ns[-1]))
    check_stable(prob, sgd)
    speeds = sgd.lr * sgd.feature_scales(prob.d) ** 2
    q = second_moments(prob.eigs, speeds[None], prob.w_star[None] ** 2, [prob.noise**2],
                       sgd.batch, sgd.steps, ns, sgd.average)[0]
    risk = q @ prob.eigs
    lrs = np.array([sgd.lr])
    return ScalingCurve(n=ns, risk=risk, lr=np.full(ns.size, sgd.lr), lrs=lrs,
                        risk_grid=risk[None, :])


def tuned_risk_vs_n(prob, ns, lrs=None, average="tail", batch=1, features=None, num=24):
    r"""The risk of SGD with its step size tuned separately for every sample size :math:`n`.

    For each step size :math:`\eta_k` of a grid, one vectorized exact recursion (all :math:`K`
    step sizes side by side, :func:`ktlib.second_moments`) records the expected risk
    :math:`R_k(n)` of the reported iterate after :math:`n/B` steps, at every :math:`n` of ``ns``.
    The tuned risk is the minimum over the grid,

    .. math::  R^\star(n) = \min_k R_k(n), \qquad \eta^\star(n) = \arg\min_k R_k(n) .

    With noisy labels, tail averaging and :math:`\alpha < \beta \le 2\alpha+1`, it decays as
    :math:`n^{-(\beta-1)/\beta}` and the tuned step size shrinks about as
    :math:`n^{\alpha/\beta - 1}` (so that :math:`(\eta^\star n)^{1/\alpha} \approx n^{1/\beta}`).

    Parameters
    ----------
    prob : Problem
    ns : array_like of int, shape (T,)
        Strictly increasing sample sizes, each a multiple of ``batch``.
    lrs : array_like, shape (K,), optional
        Step-size grid; default ``num`` log-spaced values from ``1e-3`` to ``0.95`` times
        :func:`ktlib.stability_limit`. Values past the limit are dropped.
    average : {"tail", "last"}
    batch : int
        Mini-batch size :math:`B`; ``n / B`` steps are run for sample size ``n``.
    features : array_like of shape (d,), optional
        Feature scales :math:`f_i`.
    num : int
        Grid size when ``lrs`` is None.

    Returns
    -------
    ScalingCurve
        ``n = ns`` (samples), ``risk`` and ``lr`` the tuned risk and step size,
        ``lrs`` and ``risk_grid`` (K, T) the whole sweep; check ``at_edge``.

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=300, alpha=2.0, beta=3.0, noise=1.0)
    >>> ns = np.geomspace(300, 10000, 7).round().astype(int)
    >>> tuned = kt.tuned_risk_vs_n(prob, ns, num=16)
    >>> print(f"slope {tuned.slope():.3f}; predicted {-kt.predicted_exponents(2.0, 3.0)[1]:.3f}")
    slope -0.663; predicted -0.667
    >>> bool(tuned.at_edge.any())
    False
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    batch = as_int("batch", batch, low=1)
    ns = _sizes(ns)
    if np.any(ns % batch):
        raise ValueError(f"every sample size in ns must be a multiple of batch={batch}")
    lrs = np.sort(np.atleast_1d(np.asarray(lrs, dtype=float))) if lrs is not None else None
    lrs, f2 = stable_lr_grid(prob, lrs, batch=batch, features=features, num=num, low=1e-3)
    steps = ns // batch
    speeds = lrs[:, None] * f2
    q = second_moments(prob.eigs, speeds, prob.w_star**2, np.full(lrs.size, prob.noise**2),
                       batch, int(steps[-1]), steps, average)
    grid = q @ prob.eigs                                   # (K, T)
    best = np.argmin(grid, axis=0)
    return ScalingCurve(n=ns, risk=grid[best, np.arange(ns.size)], lr=lrs[best], lrs=lrs,
                        risk_grid=grid)


def stationary_risk(prob, lr, batch=1, features=None) -> float:
    r"""The risk floor of constant-step SGD's last iterate: :math:`\lim_{t\to\infty}\mathbb E R(w_t)`.

    At a fixed point of the second-moment recursion,
    :math:`q_i = \frac{\eta^2 f_i^4\lambda_i/B}{1 - (1-g_i)^2 - g_i^2/B}\,(R + \sigma^2)`, so
    :math:`\lambda_i q_i = s_i (R + \sigma^2)` with
    :math:`s_i = g_i / (2B - (B+1) g_i)`. Summing over modes,

    .. math::  R_\infty = \sigma^2\,\frac{S}{1 - S}, \qquad S = \sum_i \frac{g_i}{2B - (B+1)g_i},

    the same sum :math:`S` whose crossing of 1 is the stability limit: the floor grows without
    bound as :math:`\eta` approaches :func:`ktlib.stability_limit`. For small :math:`\eta`,
    :math:`R_\infty \approx \sigma^2\eta\operatorname{tr}(H)/(2B)`. Modes that cannot move
    (:math:`f_i = 0`) keep their signal :math:`F`, which acts as extra label noise:
    :math:`R_\infty = (\sigma^2 + F)\,S/(1-S) + F`.

    Parameters
    ----------
    prob : Problem
    lr : float
        Step size :math:`\eta > 0`, below the stability limit.
    batch : int
    features : array_like of shape (d,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=0.5)
    >>> print(f"{kt.stationary_risk(prob, lr=0.2):.5f}")
    0.09549
    >>> curve = kt.expected_risk(prob, kt.SGD(lr=0.2, steps=100000), times=[100000])
    >>> print(f"{curve.final:.5f}")
    0.09549
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    sgd = SGD(lr=lr, steps=0, batch=batch, features=features)
    _check_pair(prob, sgd)
    check_stable(prob, sgd)
    g = sgd.speeds(prob.eigs)
    S = float(_stability_sum(g, sgd.batch))
    frozen = float(prob.signal[g == 0].sum())      # acts as extra label noise
    return (prob.noise**2 + frozen) * S / (1.0 - S) + frozen


def bias_variance(prob, sgd, times=None):
    r"""Split SGD's expected excess risk into bias (the mean's error) and variance (the rest).

    With :math:`k_i(t)` the mean factor of the reported iterate
    (:math:`(1-g_i)^t` for the last iterate, its window average for ``"tail"``;
    :func:`ktlib.mean_factor`), the mean error is :math:`\mathbb E e_{t,i} = -k_i(t)\,w_{\star,i}`
    and

    .. math::  \mathbb E R(w_t) = \underbrace{\sum_i \lambda_i k_i(t)^2 w_{\star,i}^2}_{\text{bias}}
               + \underbrace{\sum_i \lambda_i \operatorname{Var}(w_{t,i})}_{\text{variance}} .

    The bias is exactly the risk of gradient descent on the population loss with the same step
    size (the path of the mean); the variance is what the random samples add: label noise, and
    the fluctuation of :math:`x x^\top` around :math:`H`, which is there even without noise.

    Parameters
    ----------
    prob : Problem
    sgd : SGD
    times : array_like of int, optional
        Recording times (default as in :func:`ktlib.expected_risk`).

    Returns
    -------
    (ndarray, ndarray)
        ``bias`` and ``variance``, each of shape (T,), at the recording times.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=0.5)
    >>> bias, var = kt.bias_variance(prob, kt.SGD(lr=0.2, steps=1000), times=[1000])
    >>> print(f"bias {bias[0]:.5f}, variance {var[0]:.5f}")
    bias 0.00145, variance 0.09112
    """
    curve = expected_risk(prob, sgd, times)
    k = mean_factor(sgd.speeds(prob.eigs), curve.times, sgd.average)       # (T, d)
    bias = (k**2 * prob.w_star**2) @ prob.eigs
    return bias, curve.risk - bias
