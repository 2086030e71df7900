"""The data model: a diagonal Gaussian linear-regression problem."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_float, as_int, as_vector

__all__ = ["Problem", "power_law"]


@dataclass(frozen=True, eq=False)
class Problem:
    r"""A linear-regression problem with Gaussian inputs and a diagonal covariance.

    Inputs are :math:`x \sim \mathcal N(0, H)` with :math:`H = \operatorname{diag}(\text{eigs})`
    and labels are :math:`y = \langle w_\star, x\rangle + \sigma\,\varepsilon` with
    :math:`\varepsilon \sim \mathcal N(0, 1)`. The excess risk of a weight vector is

    .. math::  R(w) = \sum_i \lambda_i (w_i - w_{\star,i})^2 ,

    and the population risk is :math:`R(w) + \sigma^2`.

    Parameters
    ----------
    eigs : array_like, shape (d,)
        Covariance eigenvalues :math:`\lambda_i \ge 0`.
    w_star : array_like, shape (d,)
        The true weights :math:`w_\star`.
    noise : float
        Label-noise standard deviation :math:`\sigma \ge 0`.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.Problem(eigs=[1.0, 0.5], w_star=[1.0, -2.0], noise=0.5)
    >>> prob.d, float(prob.risk([0.0, 0.0]))
    (2, 3.0)
    """

    eigs: np.ndarray
    w_star: np.ndarray
    noise: float = 0.0

    def __post_init__(self):
        eigs = as_vector("eigs", self.eigs, nonnegative=True)
        w_star = as_vector("w_star", self.w_star)
        if w_star.size != eigs.size:
            raise ValueError(f"w_star must have the same length as eigs (d={eigs.size}), "
                             f"got length {w_star.size}")
        object.__setattr__(self, "eigs", eigs)
        object.__setattr__(self, "w_star", w_star)
        object.__setattr__(self, "noise", as_float("noise", self.noise, low=0.0))

    @property
    def d(self) -> int:
        """Dimension :math:`d`."""
        return int(self.eigs.size)

    @property
    def signal(self) -> np.ndarray:
        r"""Per-mode signal energy :math:`\lambda_i w_{\star,i}^2` (the risk of :math:`w=0`, mode by mode)."""
        return self.eigs * self.w_star**2

    @property
    def null_risk(self) -> float:
        r"""Excess risk of the zero predictor, :math:`\sum_i \lambda_i w_{\star,i}^2`."""
        return float(self.signal.sum())

    def risk(self, w) -> np.ndarray:
        r"""Excess risk :math:`\sum_i \lambda_i (w_i - w_{\star,i})^2` of weights ``w``.

        ``w`` may have shape ``(d,)`` or ``(..., d)``; the sum runs over the last axis.
        """
        w = np.asarray(w, dtype=float)
        if w.shape[-1:] != (self.d,):
            raise ValueError(f"w must have last dimension d={self.d}, got shape {w.shape}")
        return np.sum(self.eigs * (w - self.w_star) ** 2, axis=-1)

    def with_noise(self, noise) -> "Problem":
        """The same problem with another label-noise level."""
        return Problem(self.eigs, self.w_star, noise)

    def __repr__(self):
        return f"Problem(d={self.d}, noise={self.noise:g}, trace={self.eigs.sum():.4g})"


def power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0) -> Problem:
    r"""The power-law problem of the course.

    .. math::  \lambda_i = i^{-\alpha}, \qquad \lambda_i w_{\star,i}^2 = i^{-\beta},
               \qquad w_{\star,i} = i^{(\alpha-\beta)/2}, \qquad i = 1, \dots, d.

    :math:`\alpha` is the *capacity* exponent (how fast the spectrum decays) and
    :math:`\beta` the *source* exponent (how fast the signal energy decays).

    Parameters
    ----------
    d : int
        Dimension, ``d >= 1``.
    alpha : float
        Capacity exponent, ``alpha > 1`` (a trace-class spectrum as ``d -> inf``).
    beta : float
        Source exponent, ``beta > 1`` (finite signal energy as ``d -> inf``).
    noise : float
        Label-noise standard deviation, ``noise >= 0``.

    Returns
    -------
    Problem

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=4, alpha=2.0, beta=3.0, noise=0.0)
    >>> prob.eigs.round(4).tolist(), prob.signal.round(4).tolist()
    ([1.0, 0.25, 0.1111, 0.0625], [1.0, 0.125, 0.037, 0.0156])
    """
    d = as_int("d", d, low=1)
    alpha = as_float("alpha", alpha, low=1.0, low_open=True)
    beta = as_float("beta", beta, low=1.0, low_open=True)
    i = np.arange(1, d + 1, dtype=float)
    return Problem(eigs=i**-alpha, w_star=i ** ((alpha - beta) / 2), noise=noise)
