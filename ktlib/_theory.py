r"""Exact expected risk of one-pass SGD on Gaussian data.

Write :math:`e_t = w_t - \text{target}` for the error of the effective weights and
:math:`g_i = \eta f_i^2 \lambda_i` for the learning speed of mode :math:`i`. Because
:math:`\mathbb E[x x^\top A x x^\top] = 2HAH + \operatorname{tr}(HA) H` for Gaussian :math:`x`,
the diagonal second moments :math:`q_i(t) = \mathbb E\, e_{t,i}^2` obey a closed recursion

.. math::

    q_i(t+1) = \Bigl[(1-g_i)^2 + \tfrac{g_i^2}{B}\Bigr] q_i(t)
             + \frac{\eta^2 f_i^4 \lambda_i}{B}\Bigl(\sum_j \lambda_j q_j(t) + \sigma^2\Bigr),

the mean obeys :math:`\mathbb E[e_{t,i}] = (1-g_i)^t e_{0,i}`, and the cross-time moments are
:math:`\mathbb E[e_{s,i} e_{t,i}] = (1-g_i)^{t-s} q_i(s)` for :math:`s \le t`, which gives the
tail average. Everything here costs :math:`O(Kd)` per step for :math:`K` configurations run
side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem
from ._sgd import SGD
from ._validate import as_int

__all__ = ["Curve", "expected_risk", "time_grid", "stability_limit", "check_stable",
           "second_moments", "mean_factor"]


# ----------------------------------------------------------------------------------------
# Time grids
# ----------------------------------------------------------------------------------------
def time_grid(steps, times=None, num=60) -> np.ndarray:
    """The recording times: ``times`` checked, or ``num`` log-spaced times from 0 to ``steps``.

    Parameters
    ----------
    steps : int
        The last step, ``steps >= 0``.
    times : array_like of int, optional
        Requested times, each in ``[0, steps]``. Returned as given (order and repeats kept).
    num : int
        Number of log-spaced points when ``times`` is None (0 and ``steps`` always included).

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.time_grid(1000, num=5).tolist()
    [0, 1, 6, 32, 178, 1000]
    >>> kt.time_grid(10, times=[10, 0, 5]).tolist()
    [10, 0, 5]
    """
    steps = as_int("steps", steps, low=0)
    if times is None:
        num = as_int("num", num, low=1)
        if steps == 0:
            return np.zeros(1, dtype=int)
        grid = np.unique(np.rint(np.geomspace(1, steps, num)).astype(int))
        return np.concatenate([[0], grid])
    arr = np.atleast_1d(np.asarray(times))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("times must be a non-empty 1-d array of integers")
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr != np.rint(arr)):
        raise ValueError(f"times must be integers in [0, steps={steps}]")
    arr = np.rint(arr).astype(int)
    if arr.min() < 0 or arr.max() > steps:
        raise ValueError(f"times must lie in [0, steps={steps}]; got values from "
                         f"{arr.min()} to {arr.max()}")
    return arr


# ----------------------------------------------------------------------------------------
# Stability
# ----------------------------------------------------------------------------------------
def _stability_sum(g, batch):
    """sum_i g_i / (2B - g_i (B+1)), or inf if some mode is unstable on its own."""
    g = np.asarray(g, dtype=float)
    denom = 2 * batch - g * (batch + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(g > 0, g / denom, 0.0)
    bad = (g > 0) & (denom <= 0)
    return np.where(bad.any(axis=-1), np.inf, terms.sum(axis=-1))


def stability_limit(prob, batch=1, features=None) -> float:
    r"""The largest stable step size :math:`\eta_{\max}` for Gaussian inputs.

    The second-moment recursion is :math:`q \leftarrow M q + c` with the non-negative matrix
    :math:`M = \operatorname{diag}(a) + b\lambda^\top`, :math:`a_i = (1-g_i)^2 + g_i^2/B`,
    :math:`b_i = \eta^2 f_i^4 \lambda_i / B`. By the matrix determinant lemma its spectral
    radius is below one exactly when

    .. math::  S(\eta) = \sum_i \frac{g_i}{2B - (B+1) g_i} < 1
               \quad\text{with every } g_i = \eta f_i^2 \lambda_i < \tfrac{2B}{B+1}.

    :math:`S` increases with :math:`\eta`; this returns the root of :math:`S(\eta) = 1`.
    For :math:`B = 1, f = 1` it is close to :math:`2/\operatorname{tr} H` when no single
    eigenvalue dominates.

    Parameters
    ----------
    prob : Problem
    batch : int
        Mini-batch size ``>= 1``.
    features : array_like of shape (d,), optional
        Feature scales; ``None`` means all ones.

    Returns
    -------
    float
        :math:`\eta_{\max}` (``inf`` if no mode can move).

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.Problem(eigs=[1.0], w_star=[1.0])
    >>> round(kt.stability_limit(prob), 6)   # one mode: E x^4 = 3 makes it 2/3, not 2
    0.666667
    """
    if not isinstance(prob, Problem):
        raise ValueError("prob must be a ktlib.Problem")
    batch = as_int("batch", batch, low=1)
    s = SGD(lr=1.0, steps=0, features=features).speeds(prob.eigs)
    if not np.any(s > 0):
        return float("inf")
    hi = 2 * batch / ((batch + 1) * s.max())   # a single mode's own limit
    lo = 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _stability_sum(mid * s, batch) < 1:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return float(lo)


def check_stable(prob, sgd) -> None:
    """Raise ValueError if ``sgd.lr`` is at or past the stability limit for ``prob``."""
    g = sgd.speeds(prob.eigs)
    if _stability_sum(g, sgd.batch) >= 1:
        limit = stability_limit(prob, sgd.batch, sgd.features)
        raise ValueError(
            f"lr={sgd.lr:g} is past the stability limit of SGD on this problem: the risk "
            f"diverges. Allowed range is 0 < lr < {limit:.6g} (batch={sgd.batch}; exact "
            f"criterion sum_i g_i/(2B-(B+1)g_i) < 1 with g_i = lr f_i^2 eigs_i).")


# ----------------------------------------------------------------------------------------
# The engine
# ----------------------------------------------------------------------------------------
def _chunk_factor(c, m):
    """G(m) = sum_{k<m} c^k = (1 - c^m)/(1 - c), accurate for c near 1 and exact at c = 1."""
    g = 1.0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.abs(g) < 0.5
        # expm1/log1p route is accurate for small g; g in (0, 0.5) keeps log1p(-g) finite
        gs = np.where(small, g, 0.25)
        acc = -np.expm1(m * np.log1p(-gs)) / np.where(gs == 0, 1.0, gs)
        acc = np.where(gs == 0, np.asarray(m, dtype=float), acc)
        direct = (1.0 - c**m) / np.where(small, 1.0, g)
    return np.where(small, acc, direct)


def mean_factor(g, times, average="last") -> np.ndarray:
    r"""Mean factor :math:`k_i(t)` with :math:`\mathbb E[e_{t,i}] = k_i(t)\, e_{0,i}`.

    ``last``: :math:`k = (1-g)^t`; ``tail``: :math:`k = \frac1m\sum_{s=t-m+1}^{t}(1-g)^s`,
    :math:`m = t - \lfloor t/2 \rfloor` (and 1 at :math:`t=0`).

    Parameters
    ----------
    g : ndarray, shape (..., d)
        Learning speeds :math:`g_i`.
    times : array of int, shape (T,)

    Returns
    -------
    ndarray, shape (..., T, d)

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> kt.mean_factor(np.array([0.5, 0.0]), np.array([0, 2])).tolist()
    [[1.0, 1.0], [0.25, 1.0]]
    >>> kt.mean_factor(np.array([0.5]), np.array([2]), "tail").tolist()   # mean of w_2 only
    [[0.25]]
    """
    g = np.asarray(g, dtype=float)
    c = (1.0 - g)[..., None, :]
    t = np.asarray(times)[:, None]
    if average == "last":
        return c**t
    a = t // 2 + 1
    m = t - t // 2
    out = c**a * _chunk_factor(c, m) / np.maximum(m, 1)
    return np.where(t == 0, 1.0, out)


def second_moments(eigs, speeds, q0, noise2, batch, steps, times, average="last"):
    r"""Exact per-mode second moments :math:`\mathbb E\,e_i^2` of the reported SGD iterate.

    The engine behind :func:`expected_risk`, :func:`transfer` and the sweeps; it runs
    :math:`K` configurations side by side.

    Parameters
    ----------
    eigs : ndarray, shape (d,) or (K, d)
        Eigenvalues :math:`\lambda_i`.
    speeds : ndarray, shape (K, d)
        :math:`\eta f_i^2` per configuration (so :math:`g = \text{speeds}\cdot\lambda`).
    q0 : ndarray, shape (K, d)
        Initial second moments :math:`\mathbb E\, e_{0,i}^2` (error relative to the target).
    noise2 : ndarray, shape (K,)
        Label-noise variance relative to the target.
    batch : int
    steps : int
    times : ndarray of int, shape (T,)
        Recording times in ``[0, steps]``.
    average : {"last", "tail"}

    Returns
    -------
    ndarray, shape (K, T, d)
        :math:`\mathbb E\, e_i^2` at each recording time.

    Examples
    --------
    One mode, batch 1, no noise: :math:`q(t) = [(1-g)^2 + 2g^2]^t q_0`, here with
    :math:`g = 0.5`:

    >>> import numpy as np, ktlib as kt
    >>> q = kt.second_moments([1.0], [[0.5]], [[1.0]], [0.0], 1, 2, np.array([1, 2]))
    >>> q[0, :, 0].tolist()
    [0.75, 0.5625]
    """
    speeds = np.atleast_2d(np.asarray(speeds, dtype=float))
    K, d = speeds.shape
    eigs = np.broadcast_to(np.asarray(eigs, dtype=float), (K, d))
    q = np.array(np.broadcast_to(q0, (K, d)), dtype=float)
    noise2 = np.broadcast_to(np.asarray(noise2, dtype=float), (K,))
    times = np.asarray(times, dtype=int)
    g = speeds * eigs
    a = (1.0 - g) ** 2 + g**2 / batch
    b = speeds**2 * eigs / batch
    tail = average == "tail"

    out = np.empty((K, times.size, d))
    rec = {}                                   # time -> list of output slots
    for j, t in enumerate(times):
        rec.setdefault(int(t), []).append(j)
    last = int(times.max())

    if tail:
        c = 1.0 - g
        frozen = g == 0
        P = np.zeros((K, d))                   # P(s) = sum_{r<=s} q(r)
        Y = np.zeros((K, d))                   # Y(s) = sum_{r<=s} q(r) G(s-r)
        snaps = {int(t) // 2 for t in times if t > 0}
        saved = {}
    drive = np.empty((K, d))
    for s in range(last + 1):
        if tail:
            Y *= c
            Y += P
            P += q
            if s in snaps:
                saved[s] = (P.copy(), Y.copy())
        if s in rec:
            if not tail or s == 0:
                val = q
            else:
                half = s // 2
                m = s - half
                P0, Y0 = saved[half]
                G = _chunk_factor(c, m)
                window = (P - P0) + 2 * c * (Y - G * P0 - c**m * Y0)
                val = np.where(frozen, q, window / m**2)   # a frozen mode is its own average
            for j in rec[s]:
                out[:, j] = val
        if s == last:
            break
        r = np.einsum("kd,kd->k", eigs, q) + noise2
        np.multiply(b, r[:, None], out=drive)
        q *= a
        q += drive
    if not np.all(np.isfinite(out)):
        raise FloatingPointError("the second-moment recursion overflowed; the step size is "
                                 "too close to the stability limit for these steps")
    return out


# ----------------------------------------------------------------------------------------
# Public result and entry point
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Curve:
    r"""An expected-risk curve from exact theory.

    Attributes
    ----------
    times : ndarray of int, shape (T,)
        The recording times (SGD steps).
    risk : ndarray, shape (T,)
        Expected excess risk :math:`\mathbb E R(w_t)`.
    mode_error : ndarray, shape (T, d)
        Per-mode expected squared error :math:`\mathbb E (w_{t,i} - w_{\star,i})^2`.
    eigs : ndarray, shape (d,)
        The problem's eigenvalues, so that ``mode_risk = eigs * mode_error``.
    """

    times: np.ndarray
    risk: np.ndarray
    mode_error: np.ndarray
    eigs: np.ndarray

    @property
    def mode_risk(self) -> np.ndarray:
        r"""Per-mode contributions :math:`\lambda_i \mathbb E (w_i - w_{\star,i})^2` to the risk, shape (T, d)."""
        return self.eigs * self.mode_error

    @property
    def final(self) -> float:
        """Risk at the last recorded time."""
        return float(self.risk[-1])

    def __repr__(self):
        return (f"Curve(T={self.times.size}, d={self.eigs.size}, "
                f"risk {self.risk[0]:.4g} -> {self.risk[-1]:.4g})")


def _curve(times, mode_error, eigs):
    mode_error = np.asarray(mode_error)
    return Curve(times=times, risk=mode_error @ eigs, mode_error=mode_error, eigs=eigs)


def expected_risk(prob, sgd, times=None) -> Curve:
    r"""Exact expected excess risk of one-pass SGD on ``prob`` (Gaussian inputs).

    Runs the closed second-moment recursion (see the module docstring), :math:`O(d)` per step.

    Parameters
    ----------
    prob : Problem
    sgd : SGD
    times : array_like of int, optional
        Recording times in ``[0, sgd.steps]``; default: 60 log-spaced times, 0 and
        ``steps`` included.

    Returns
    -------
    Curve
        ``.times``, ``.risk`` (shape (T,)) and ``.mode_error`` (shape (T, d)).

    Raises
    ------
    ValueError
        For bad arguments, and for a step size past :func:`stability_limit`.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=0.0)
    >>> curve = kt.expected_risk(prob, kt.SGD(lr=0.5, steps=1000), times=[0, 1000])
    >>> print(f"{curve.risk[0]:.4f} -> {curve.risk[1]:.4f}")
    1.3413 -> 0.0115
    """
    _check_pair(prob, sgd)
    times = time_grid(sgd.steps, times)
    check_stable(prob, sgd)
    speeds = sgd.lr * sgd.feature_scales(prob.d) ** 2
    q = second_moments(prob.eigs, speeds[None], prob.w_star[None] ** 2, [prob.noise**2],
                       sgd.batch, sgd.steps, times, sgd.average)[0]
    return _curve(times, q, prob.eigs)


def _check_pair(prob, sgd):
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    if not isinstance(sgd, SGD):
        raise ValueError(f"sgd must be a ktlib.SGD, got {type(sgd).__name__}")
    sgd.feature_scales(prob.d)
