r"""Spectral diagnostics: horizons, learned fractions, and step-size tuning by exact theory."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem
from ._sgd import SGD
from ._theory import _check_pair, _stability_sum, second_moments, stability_limit
from ._transfer import student_mode_error, teacher_moments
from ._validate import as_float, as_int

__all__ = ["horizon", "learned_fraction", "statistical_horizon", "effective_dimension",
           "LrSweep", "tune_lr", "fit_slope"]


def _speeds(prob, lr, features):
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    return SGD(lr=lr, steps=0, features=features).speeds(prob.eigs)


def _times(t):
    arr = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("t must be finite and >= 0 (allowed range [0, inf))")
    return arr


def horizon(prob, lr, t, features=None):
    r"""The optimization horizon: how many modes SGD has learned by step ``t``.

    Counts the modes with :math:`g_i t \ge 1`, :math:`g_i = \eta f_i^2 \lambda_i`: those whose
    mean error has shrunk by at least the factor :math:`(1 - 1/t)^t \approx e^{-1}`. For the power
    law :math:`\lambda_i = i^{-\alpha}` and :math:`f = 1` it is
    :math:`\lfloor (\eta t)^{1/\alpha} \rfloor` (capped at :math:`d`).

    Parameters
    ----------
    prob : Problem
    lr : float
        Step size :math:`\eta > 0`.
    t : int, float or array_like
        Number of steps (``>= 0``).
    features : array_like of shape (d,), optional

    Returns
    -------
    int or ndarray of int (the shape of ``t``)

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=2.0)
    >>> kt.horizon(prob, lr=0.5, t=[2, 200, 20000]).tolist()   # (lr t)^(1/2) = 1, 10, 100
    [1, 10, 100]
    """
    g = _speeds(prob, lr, features)
    t = _times(t)
    out = np.sum(g[None, :] * t.reshape(-1, 1) >= 1.0 - 1e-12, axis=1)
    return int(out[0]) if t.ndim == 0 else out.reshape(t.shape)


def learned_fraction(prob, lr, t, features=None):
    r"""Fraction of each mode's initial gap that the mean iterate has closed by step ``t``.

    .. math::  \phi_i(t) = 1 - (1 - \eta f_i^2 \lambda_i)^t .

    This is SGD's spectral filter: :math:`\mathbb E w_{t,i} = \phi_i(t)\, w_{\star,i}`.
    Compare with ridge's :math:`\lambda_i / (\lambda_i + \text{penalty})` at
    :math:`\text{penalty} \approx 1/(\eta t)`.

    Parameters
    ----------
    prob : Problem
    lr : float
    t : int or array_like of int
    features : array_like of shape (d,), optional

    Returns
    -------
    ndarray, shape (d,) for scalar ``t``, else ``t.shape + (d,)``

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.Problem(eigs=[1.0, 0.1], w_star=[1.0, 1.0])
    >>> kt.learned_fraction(prob, lr=0.5, t=2).round(4).tolist()
    [0.75, 0.0975]
    """
    g = _speeds(prob, lr, features)
    t = _times(t)
    return 1.0 - (1.0 - g) ** t[..., None]


def statistical_horizon(prob, n):
    r"""The statistical horizon: how many modes ``n`` noisy samples can resolve.

    Counts the modes whose signal energy beats the variance that estimating one mode costs,
    :math:`\lambda_i w_{\star,i}^2 > \sigma^2 / n`. For the power-law problem this is about
    :math:`(n/\sigma^2)^{1/\beta}`. With ``noise = 0`` every mode with signal counts.

    Parameters
    ----------
    prob : Problem
    n : int or array_like
        Sample size(s), ``> 0``.

    Returns
    -------
    int or ndarray of int

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.0, noise=1.0)
    >>> kt.statistical_horizon(prob, [100, 10000]).tolist()   # sqrt(n), minus the tie
    [9, 99]
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    n_arr = np.asarray(n, dtype=float)
    if not np.all(np.isfinite(n_arr)) or np.any(n_arr <= 0):
        raise ValueError("n must be finite and > 0 (allowed range (0, inf))")
    thresh = prob.noise**2 / n_arr.reshape(-1, 1)
    out = np.sum(prob.signal[None, :] > thresh, axis=1)
    return int(out[0]) if n_arr.ndim == 0 else out.reshape(n_arr.shape)


def effective_dimension(prob, penalty):
    r"""Effective dimension :math:`\sum_i \lambda_i / (\lambda_i + \text{penalty})`.

    The number of modes a ridge penalty (or SGD's implicit penalty :math:`\approx 1/(\eta t)`)
    lets through, counted softly.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.Problem(eigs=[1.0, 1.0, 0.0], w_star=[1.0, 1.0, 1.0])
    >>> float(kt.effective_dimension(prob, 1.0))
    1.0
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    pen = np.asarray(penalty, dtype=float)
    if not np.all(np.isfinite(pen)) or np.any(pen <= 0):
        raise ValueError("penalty must be finite and > 0 (allowed range (0, inf))")
    out = np.sum(prob.eigs / (prob.eigs + pen[..., None]), axis=-1)
    return out


@dataclass(frozen=True, eq=False)
class LrSweep:
    """Final expected risk over a grid of step sizes (from :func:`tune_lr`).

    Attributes
    ----------
    lrs : ndarray, shape (K,)
        The stable step sizes tried.
    risk : ndarray, shape (K,)
        Final expected excess risk at each.
    sgd : SGD
        The learner with the best step size.
    """

    lrs: np.ndarray
    risk: np.ndarray
    sgd: SGD

    @property
    def best_lr(self) -> float:
        """The step size with the lowest final risk."""
        return self.sgd.lr

    @property
    def best_risk(self) -> float:
        """The lowest final risk on the grid."""
        return float(self.risk.min())

    @property
    def at_edge(self) -> bool:
        """True if the best step size is the smallest or largest of the grid (widen it)."""
        j = int(np.argmin(self.risk))
        return j in (0, self.lrs.size - 1)

    def __repr__(self):
        return f"LrSweep(best_lr={self.best_lr:.4g}, best_risk={self.best_risk:.4g}, K={self.lrs.size})"


def stable_lr_grid(prob, lrs=None, *, batch=1, features=None, f2=None, num=40, low=1e-4):
    r"""The stable step sizes of a grid, and the squared feature scales :math:`f_i^2`.

    The one grid behind :func:`tune_lr` and the chapter sweeps. Default: ``num`` log-spaced
    values from ``low`` to ``0.95`` times :func:`stability_limit` (1 if no mode can move).
    Values past the limit are dropped; a grid with none left, or a bad one, raises ValueError.
    Give ``features`` (scales :math:`f_i`) or ``f2`` (their squares), not both.

    Returns
    -------
    lrs : ndarray, shape (K,)
    f2 : ndarray, shape (d,)
    """
    if f2 is None:
        f2 = SGD(lr=1.0, steps=0, features=features).feature_scales(prob.d) ** 2
    else:
        features = np.sqrt(f2)
    limit = stability_limit(prob, batch, features)
    if lrs is None:
        num = as_int("num", num, low=2)
        lrs = np.geomspace(low, 0.95, num) * (limit if np.isfinite(limit) else 1.0)
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or lrs.size == 0 or not np.all(np.isfinite(lrs)) or np.any(lrs <= 0):
        raise ValueError("lrs must be a 1-d array of finite step sizes > 0 (non-empty)")
    stable = _stability_sum(lrs[:, None] * f2 * prob.eigs, batch) < 1
    if not stable.any():
        raise ValueError(f"every lr in lrs is past the stability limit lr < {limit:.6g}")
    return lrs[stable], f2


def tune_lr(prob, sgd, lrs=None, *, teacher=None, mix=1.0, num=40):
    r"""Tune the step size of ``sgd`` over a grid by exact theory (all step sizes at once).

    Minimises the expected excess risk of the reported iterate after ``sgd.steps`` steps.
    With ``teacher`` given, ``sgd`` is a student trained on the teacher's labels (see
    :func:`transfer`) and its step size is tuned for that pipeline.

    Parameters
    ----------
    prob : Problem
    sgd : SGD
        The learner; its ``lr`` is ignored.
    lrs : array_like, optional
        Grid of positive step sizes. Default: ``num`` log-spaced values from
        ``1e-4`` to ``0.95`` times :func:`stability_limit`. Values past the limit are dropped.
    teacher : SGD, optional
    mix : float
        Weight of the teacher's labels (with ``teacher``).
    num : int
        Grid size when ``lrs`` is None.

    Returns
    -------
    LrSweep

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=500, alpha=1.5, beta=2.5, noise=1.0)
    >>> sweep = kt.tune_lr(prob, kt.SGD(lr=1.0, steps=1000))
    >>> print(f"best lr {sweep.best_lr:.3f}, risk {sweep.best_risk:.4f}")
    best lr 0.019, risk 0.0384
    """
    _check_pair(prob, sgd)
    lrs, f2 = stable_lr_grid(prob, lrs, batch=sgd.batch, features=sgd.features, num=num)
    speeds = lrs[:, None] * f2
    times = np.array([sgd.steps])
    if teacher is None:
        q = second_moments(prob.eigs, speeds, prob.w_star**2, np.full(lrs.size, prob.noise**2),
                           sgd.batch, sgd.steps, times, sgd.average)[:, 0]
    else:
        mix = as_float("mix", mix, low=0.0, high=1.0)
        u_mean, u_second = teacher_moments(prob, teacher)
        q = student_mode_error(prob, speeds, sgd.batch, sgd.steps, times, sgd.average,
                               u_mean, u_second, mix)[:, 0]
    risk = q @ prob.eigs
    best = int(np.argmin(risk))
    return LrSweep(lrs=lrs, risk=risk, sgd=sgd.replace(lr=float(lrs[best])))


def fit_slope(x, y):
    r"""Least-squares slope of :math:`\log y` against :math:`\log x`: the exponent of a power law.

    Parameters
    ----------
    x, y : array_like, positive, same length (at least 2)

    Returns
    -------
    float
        :math:`\hat p` in :math:`y \approx C x^{\hat p}`.

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> x = np.array([10.0, 100.0, 1000.0])
    >>> round(kt.fit_slope(x, 3 * x**-0.75), 6)
    -0.75
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError("x and y must be 1-d arrays of the same length >= 2")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))) or np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be finite and > 0 (allowed range (0, inf)) for a log-log fit")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
