"""The learner: one-pass mini-batch SGD on scaled features."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ._validate import as_float, as_int, as_vector

__all__ = ["SGD", "AVERAGES"]

AVERAGES = ("last", "tail")


@dataclass(frozen=True, eq=False)
class SGD:
    r"""One-pass (online) SGD from :math:`\theta = 0` on the scaled features :math:`f \odot x`.

    Each step draws a fresh mini-batch :math:`(x_b, y_b)_{b=1}^{B}` and updates

    .. math::  \theta \leftarrow \theta + \frac{\eta}{B} \sum_{b=1}^{B}
               \bigl(y_b - \langle \theta, f \odot x_b \rangle\bigr)\, f \odot x_b .

    The model's effective weights are :math:`w = f \odot \theta`, so mode :math:`i` moves at
    the speed :math:`\eta f_i^2 \lambda_i`, and a mode with :math:`f_i = 0` never moves.

    Parameters
    ----------
    lr : float
        Step size :math:`\eta > 0`.
    steps : int
        Number of SGD steps :math:`T \ge 0` (the sample size is ``steps * batch``).
    batch : int
        Mini-batch size :math:`B \ge 1`.
    features : array_like of shape (d,), optional
        Feature scales :math:`f_i \ge 0`; ``None`` means all ones.
    average : {"last", "tail"}
        ``"last"`` reports :math:`w_t`; ``"tail"`` reports the mean of
        :math:`w_{\lfloor t/2\rfloor+1}, \dots, w_t` (and :math:`w_0` at :math:`t=0`).

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.SGD(lr=0.1, steps=100)
    SGD(lr=0.1, steps=100, batch=1, features=None, average='last')
    >>> kt.SGD(lr=0.1, steps=100, average="mean")
    Traceback (most recent call last):
    ...
    ValueError: average must be one of ('last', 'tail'), got 'mean'
    """

    lr: float
    steps: int
    batch: int = 1
    features: np.ndarray | None = None
    average: str = "last"

    def __post_init__(self):
        object.__setattr__(self, "lr", as_float("lr", self.lr, low=0.0, low_open=True))
        object.__setattr__(self, "steps", as_int("steps", self.steps, low=0))
        object.__setattr__(self, "batch", as_int("batch", self.batch, low=1))
        if self.average not in AVERAGES:
            raise ValueError(f"average must be one of {AVERAGES}, got {self.average!r}")
        if self.features is not None:
            object.__setattr__(self, "features",
                               as_vector("features", self.features, nonnegative=True))

    def replace(self, **changes) -> "SGD":
        """A copy with some fields changed, e.g. ``sgd.replace(lr=0.01)``."""
        return replace(self, **changes)

    def feature_scales(self, d: int) -> np.ndarray:
        """The feature scales as a length-``d`` array, checked against the problem's dimension."""
        if self.features is None:
            return np.ones(d)
        if self.features.size != d:
            raise ValueError(f"features must have length d={d}, got length {self.features.size}")
        return self.features

    def speeds(self, eigs) -> np.ndarray:
        r"""Per-mode learning speeds :math:`g_i = \eta f_i^2 \lambda_i`."""
        eigs = np.asarray(eigs, dtype=float)
        return self.lr * self.feature_scales(eigs.size) ** 2 * eigs

    def __repr__(self):
        feats = "None" if self.features is None else f"<{self.features.size} scales>"
        return (f"SGD(lr={self.lr:g}, steps={self.steps}, batch={self.batch}, "
                f"features={feats}, average={self.average!r})")
