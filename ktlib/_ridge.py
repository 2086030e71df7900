r"""Ridge regression and minimum-norm least squares: closed forms and simulation (chapter 1).

Ridge with penalty :math:`\rho \ge 0` on :math:`n` samples minimises

.. math::  \frac1n \lVert y - Xw \rVert^2 + \rho \lVert w \rVert^2 ,
           \qquad \hat w_\rho = (X^\top X + n\rho I)^{-1} X^\top y
           = X^\top (X X^\top + n\rho I)^{-1} y ,

and as :math:`\rho \to 0` it tends to the minimum-norm least-squares solution
:math:`\hat w_0 = X^+ y` (the interpolator when :math:`d > n`).

**Closed form** (the deterministic equivalent for Gaussian data, asymptotically exact as
:math:`n, d \to \infty` at a fixed ratio; see Hastie et al. 2022 and Canatar et al. 2021).
The *effective regularization* :math:`\kappa > 0` solves

.. math::  \rho = \kappa \Bigl(1 - \frac1n \sum_i \frac{\lambda_i}{\lambda_i + \kappa}\Bigr),

so :math:`\kappa \ge \rho`; for :math:`\rho = 0` and :math:`d > n` it solves
:math:`\sum_i \lambda_i/(\lambda_i + \kappa) = n`. With
:math:`\mathrm{df}_2 = \sum_i \lambda_i^2/(\lambda_i+\kappa)^2` the expected excess risk is

.. math::  R = \frac{B_0 + \sigma^2\,\mathrm{df}_2/n}{1 - \mathrm{df}_2/n}, \qquad
           B_0 = \kappa^2 \sum_i \frac{\lambda_i w_{\star,i}^2}{(\lambda_i + \kappa)^2},

and it splits over the modes as :math:`R = \sum_i m_i` with

.. math::  m_i = \lambda_i\,\mathbb E(\hat w_i - w_{\star,i})^2
           = \frac{\kappa^2 \lambda_i w_{\star,i}^2}{(\lambda_i+\kappa)^2}
           + \frac{\lambda_i^2}{(\lambda_i+\kappa)^2}\,\frac{R + \sigma^2}{n}.

Each mode behaves as if it were estimated from a noisy copy
:math:`w_{\star,i} + \sqrt{(R+\sigma^2)/(n\lambda_i)}\,\xi_i` and then shrunk by the filter
:math:`\lambda_i/(\lambda_i + \kappa)`. For :math:`\rho = 0` and :math:`n \ge d + 2` the exact
ordinary-least-squares result :math:`R = \sigma^2 d/(n - d - 1)` is used instead.

**Simulation**: exact ridge fits on Gaussian samples, one Gram eigendecomposition per seed shared
by every penalty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem
from ._simulate import SeedStatistics, spawn_generators
from ._validate import as_float, as_int

__all__ = ["RidgeRisk", "RidgeSimulation", "effective_regularization", "ridge_risk",
           "ridge_filter", "ridge_fit", "simulate_ridge", "min_norm_risk", "tune_penalty",
           "ridge_spectrum", "kernel_spectrum"]

_ITERATIONS = 500


# ----------------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------------
def _check_prob(prob):
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    if not np.any(prob.eigs > 0):
        raise ValueError("prob.eigs must have at least one positive eigenvalue")


def _penalties(penalty, name="penalty"):
    """(array of shape (P,), was_scalar) for penalties in [0, inf)."""
    try:
        pen = np.asarray(penalty, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number or a 1-d array of them") from None
    if pen.ndim > 1 or pen.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-d array, got shape {pen.shape}")
    if not np.all(np.isfinite(pen)) or np.any(pen < 0):
        raise ValueError(f"{name} must be finite and >= 0 (allowed range [0, inf))")
    return np.atleast_1d(pen), pen.ndim == 0


def _positive_dim(prob):
    return int(np.count_nonzero(prob.eigs > 0))


# ----------------------------------------------------------------------------------------
# Closed form
# ----------------------------------------------------------------------------------------
def _solve_kappa(eigs, n, pen):
    r"""Solve :math:`G(\kappa) = \rho` for every :math:`\rho` in ``pen``, vectorized, where
    :math:`G(\kappa) = \kappa\,(1 - \frac1n\sum_i \lambda_i/(\lambda_i + \kappa))`.

    :math:`G` is convex with :math:`G(0) = 0`, so the root of interest is where :math:`G` is
    increasing, and Newton's method started to its right, at
    :math:`\kappa_0 = \rho + \operatorname{tr}H/n` (where :math:`G \ge \rho`), decreases
    monotonically to it and converges quadratically; :math:`G'(\kappa) = 1 - \mathrm{df}_2/n`.
    Entries with no positive root (``rho = 0`` and ``d_+ <= n``) get 0."""
    lam = eigs[eigs > 0]
    zero = (pen == 0) & (lam.size <= n)
    kappa = pen + float(lam.sum()) / n
    for _ in range(_ITERATIONS):
        ratio = lam / (lam + kappa[:, None])
        g = kappa * (1.0 - ratio.sum(axis=1) / n) - pen
        dg = 1.0 - np.sum(ratio**2, axis=1) / n
        step = np.where(zero | (g <= 0), 0.0, g / np.where(dg > 0, dg, np.inf))
        # a Newton step from the right never overshoots a convex G; guard against round-off
        new = np.maximum(kappa - step, 0.5 * kappa)
        if np.all(np.abs(new - kappa) <= 1e-15 * kappa):
            kappa = new
            break
        kappa = new
    return np.where(zero, 0.0, kappa)


def effective_regularization(prob, n, penalty):
    r"""The effective regularization :math:`\kappa` of ridge on ``n`` samples.

    Solves, for :math:`\kappa > 0`,

    .. math::  \rho = \kappa \Bigl(1 - \frac1n \sum_i \frac{\lambda_i}{\lambda_i + \kappa}\Bigr)

    by a monotone Newton iteration (vectorized over penalties). Finite samples inflate the
    penalty: :math:`\kappa \ge \rho`, and :math:`\kappa \to \rho` as :math:`n \to \infty`. For
    :math:`\rho = 0` and :math:`d > n` the root is the self-induced regularization of the
    minimum-norm interpolator, :math:`\sum_i \lambda_i/(\lambda_i+\kappa) = n`; for
    :math:`\rho = 0` and :math:`n \ge d` it is 0 (plain least squares). Only modes with
    :math:`\lambda_i > 0` count in :math:`d`.

    Parameters
    ----------
    prob : Problem
    n : int
        Sample size, ``n >= 1``.
    penalty : float or array_like, shape (P,)
        Ridge penalty :math:`\rho \ge 0`.

    Returns
    -------
    float or ndarray, shape (P,)

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.Problem(eigs=[1.0] * 4, w_star=[1.0] * 4)
    >>> round(float(kt.effective_regularization(prob, n=2, penalty=0.0)), 6)  # 4/(1+k) = 2
    1.0
    >>> kappa = kt.effective_regularization(kt.power_law(d=1000), n=300, penalty=[1e-3, 1e-1])
    >>> [round(float(k), 4) for k in kappa]
    [0.0018, 0.1034]
    """
    _check_prob(prob)
    n = as_int("n", n, low=1)
    pen, scalar = _penalties(penalty)
    kappa = _solve_kappa(prob.eigs, n, pen)
    return float(kappa[0]) if scalar else kappa


def ridge_filter(prob, penalty, n=None):
    r"""Ridge's spectral filter: the fraction of each mode that ridge learns, on average.

    With infinitely many samples (``n=None``) ridge shrinks mode :math:`i` by

    .. math::  \phi_i = \frac{\lambda_i}{\lambda_i + \rho} ;

    with ``n`` samples the deterministic equivalent replaces :math:`\rho` by the effective
    regularization :math:`\kappa` (:func:`effective_regularization`), so that
    :math:`\mathbb E \hat w_i \approx \phi_i w_{\star,i}` with
    :math:`\phi_i = \lambda_i/(\lambda_i + \kappa)`.

    Parameters
    ----------
    prob : Problem
    penalty : float or array_like, shape (P,)
        :math:`\rho \ge 0` (``> 0`` when ``n`` is None).
    n : int, optional
        Sample size; None for the population filter.

    Returns
    -------
    ndarray, shape (d,) for a scalar penalty, else (P, d)

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.Problem(eigs=[1.0, 0.1, 0.01], w_star=[1.0, 1.0, 1.0])
    >>> kt.ridge_filter(prob, 0.1).round(4).tolist()
    [0.9091, 0.5, 0.0909]
    """
    _check_prob(prob)
    pen, scalar = _penalties(penalty)
    if n is None:
        if np.any(pen == 0):
            raise ValueError("penalty must be > 0 (allowed range (0, inf)) for the population "
                             "filter (n=None); pass n for the minimum-norm filter")
        kappa = pen
    else:
        n = as_int("n", n, low=1)
        kappa = _solve_kappa(prob.eigs, n, pen)
    lam = prob.eigs
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(lam > 0, lam / (lam + kappa[:, None]), 0.0)
    out = np.where((kappa[:, None] == 0) & (lam > 0), 1.0, out)
    return out[0] if scalar else out


@dataclass(frozen=True, eq=False)
class RidgeRisk:
    r"""Closed-form expected risk of ridge over a grid of penalties (from :func:`ridge_risk`).

    Attributes
    ----------
    n : int
        Sample size.
    penalty : ndarray, shape (P,)
        The penalties :math:`\rho`.
    kappa : ndarray, shape (P,)
        Effective regularization :math:`\kappa \ge \rho` (0 for least squares with ``n > d``).
    risk : ndarray, shape (P,)
        Expected excess risk :math:`R`.
    bias, variance : ndarray, shape (P,)
        The two parts of :math:`R`: :math:`B_0/(1-\mathrm{df}_2/n)` (from the signal) and
        :math:`\sigma^2 (\mathrm{df}_2/n)/(1-\mathrm{df}_2/n)` (from the label noise).
    df2 : ndarray, shape (P,)
        :math:`\mathrm{df}_2 = \sum_i \lambda_i^2/(\lambda_i+\kappa)^2`; the noise reaches the
        fit amplified by :math:`1/(1 - \mathrm{df}_2/n)`. For least squares with
        :math:`n \ge d + 2` it is defined by the exact variance factor,
        :math:`(\mathrm{df}_2/n)/(1-\mathrm{df}_2/n) = d/(n-d-1)`.
    mode_error : ndarray, shape (P, d)
        :math:`\mathbb E(\hat w_i - w_{\star,i})^2`, the per-mode error in parameter space.
    eigs : ndarray, shape (d,)
    """

    n: int
    penalty: np.ndarray
    kappa: np.ndarray
    risk: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    df2: np.ndarray
    mode_error: np.ndarray
    eigs: np.ndarray

    @property
    def mode_risk(self) -> np.ndarray:
        r"""Per-mode risk :math:`m_i = \lambda_i \mathbb E(\hat w_i - w_{\star,i})^2`, shape (P, d);
        it sums to :attr:`risk` over the modes."""
        return self.eigs * self.mode_error

    @property
    def best(self) -> int:
        """Index of the penalty with the lowest risk."""
        return int(np.argmin(self.risk))

    @property
    def at_edge(self) -> bool:
        """True if the best penalty is the smallest or largest of the grid (widen it)."""
        return self.best in (0, self.penalty.size - 1)

    @property
    def best_penalty(self) -> float:
        """The penalty with the lowest risk on the grid."""
        return float(self.penalty[self.best])

    @property
    def best_risk(self) -> float:
        """The lowest risk on the grid."""
        return float(self.risk[self.best])

    def __getitem__(self, j) -> "RidgeRisk":
        """The result at one penalty index ``j`` (or a slice), as a RidgeRisk."""
        sl = np.atleast_1d(np.arange(self.penalty.size)[j])
        return RidgeRisk(self.n, self.penalty[sl], self.kappa[sl], self.risk[sl], self.bias[sl],
                         self.variance[sl], self.df2[sl], self.mode_error[sl], self.eigs)

    def __repr__(self):
        return (f"RidgeRisk(n={self.n}, P={self.penalty.size}, best penalty "
                f"{self.best_penalty:.4g}, best risk {self.best_risk:.4g})")


def ridge_risk(prob, n, penalty) -> RidgeRisk:
    r"""Closed-form expected excess risk of ridge regression, total and per mode.

    For ``n`` Gaussian samples and penalty :math:`\rho` (objective
    :math:`\frac1n\lVert y - Xw\rVert^2 + \rho\lVert w\rVert^2`), with :math:`\kappa` from
    :func:`effective_regularization`,
    :math:`\mathrm{df}_2 = \sum_i \lambda_i^2/(\lambda_i+\kappa)^2` and
    :math:`B_0 = \kappa^2\sum_i \lambda_i w_{\star,i}^2/(\lambda_i+\kappa)^2`:

    .. math::

        R = \frac{B_0 + \sigma^2\mathrm{df}_2/n}{1 - \mathrm{df}_2/n}, \qquad
        m_i = \frac{\kappa^2 \lambda_i w_{\star,i}^2}{(\lambda_i+\kappa)^2}
            + \frac{\lambda_i^2}{(\lambda_i+\kappa)^2}\frac{R + \sigma^2}{n},
        \qquad \sum_i m_i = R .

    These are deterministic equivalents (Hastie et al. 2022; Canatar et al. 2021): exact as
    :math:`n, d \to \infty` together, and accurate to a few percent already at
    :math:`n` in the hundreds. ``penalty = 0`` is minimum-norm least squares: for
    :math:`d > n` the interpolator; for :math:`n \ge d + 2` ordinary least squares, whose
    exact risk :math:`\sigma^2 d/(n-d-1)` (each mode :math:`\sigma^2/(n-d-1)`) is returned.

    Parameters
    ----------
    prob : Problem
    n : int
        Sample size, ``n >= 1``.
    penalty : float or array_like, shape (P,)
        Penalties :math:`\rho \ge 0`.

    Returns
    -------
    RidgeRisk
        Arrays over the P penalties (P = 1 for a scalar penalty).

    Raises
    ------
    ValueError
        For ``n < 1``, a negative or non-finite penalty, or ``penalty = 0`` with
        ``d <= n <= d + 1`` (least squares with infinite expected risk).

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> out = kt.ridge_risk(prob, n=300, penalty=[0.0, 0.01, 1e6])
    >>> [round(float(r), 4) for r in out.risk]          # min-norm, ridge, almost the null risk
    [1.0236, 0.0616, 1.3415]
    >>> bool(abs(out.mode_risk.sum(axis=1) - out.risk).max() < 1e-12)
    True
    """
    _check_prob(prob)
    n = as_int("n", n, low=1)
    pen, _ = _penalties(penalty)
    dpos = _positive_dim(prob)
    ols = pen == 0
    if np.any(ols) and dpos <= n <= dpos + 1:
        raise ValueError(f"penalty=0 needs n < d or n >= d + 2 (d={dpos} modes with eigs > 0, "
                         f"n={n}): least squares with n in [d, d+1] has infinite expected risk")
    lam = prob.eigs
    w2 = prob.w_star**2
    sig2 = prob.noise**2
    kappa = _solve_kappa(lam, n, pen)
    k = kappa[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        shrink = np.where(lam > 0, k / (lam + k), 1.0)       # 1 - filter
        filt = np.where(lam > 0, lam / (lam + k), 0.0)
    filt = np.where((k == 0) & (lam > 0), 1.0, filt)
    shrink = np.where((k == 0) & (lam > 0), 0.0, shrink)
    df2 = np.sum(filt**2, axis=1)
    b0 = np.sum(shrink**2 * lam * w2, axis=1)
    denom = 1.0 - df2 / n
    bias = b0 / denom
    variance = sig2 * (df2 / n) / denom
    risk = bias + variance
    with np.errstate(invalid="ignore", divide="ignore"):
        mode_error = shrink**2 * w2 + np.where(
            lam > 0, filt**2 / lam * ((risk + sig2) / n)[:, None], 0.0)
    if np.any(ols & (n >= dpos + 2)):
        j = ols & (n >= dpos + 2)
        per = sig2 / (n - dpos - 1)
        with np.errstate(divide="ignore"):
            mode_error[j] = np.where(lam > 0, per / np.where(lam > 0, lam, 1.0), w2)
        bias[j] = 0.0
        variance[j] = per * dpos
        risk[j] = per * dpos
        df2[j] = n * dpos / (n - 1.0)          # (df2/n)/(1 - df2/n) = d/(n-d-1)
    mode_error = np.where(lam > 0, mode_error, w2)
    return RidgeRisk(n=n, penalty=pen, kappa=kappa, risk=risk, bias=bias, variance=variance,
                     df2=df2, mode_error=mode_error, eigs=lam)


def min_norm_risk(prob, n) -> RidgeRisk:
    r"""Closed-form risk of minimum-norm least squares on ``n`` samples: ``ridge_risk(prob, n, 0)``.

    For :math:`d > n` this is the interpolator :math:`X^+ y`, whose effective regularization
    solves :math:`\sum_i \lambda_i/(\lambda_i+\kappa) = n`.

    Examples
    --------
    >>> import ktlib as kt
    >>> out = kt.min_norm_risk(kt.power_law(d=1000, noise=1.0), n=300)
    >>> print(f"kappa {out.kappa[0]:.2e}, risk {out.risk[0]:.4f}")
    kappa 3.73e-04, risk 1.0236
    """
    return ridge_risk(prob, n, 0.0)


def tune_penalty(prob, n, penalties=None, num=161) -> RidgeRisk:
    r"""Closed-form ridge risk over a grid of penalties, to find the best one.

    Parameters
    ----------
    prob : Problem
    n : int
        Sample size.
    penalties : array_like, optional
        Penalties :math:`\rho \ge 0`. Default: ``num`` log-spaced values from
        :math:`10^{-7}\lambda_1` to :math:`10\lambda_1`.
    num : int
        Grid size when ``penalties`` is None.

    Returns
    -------
    RidgeRisk
        The whole sweep; ``.best_penalty``, ``.best_risk`` and ``[.best]`` give the optimum,
        ``.at_edge`` says whether the grid should be widened.

    Examples
    --------
    >>> import ktlib as kt
    >>> out = kt.tune_penalty(kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0), n=300)
    >>> print(f"best penalty {out.best_penalty:.4f}, risk {out.best_risk:.4f}, "
    ...       f"at edge {out.at_edge}")
    best penalty 0.0282, risk 0.0472, at edge False
    """
    _check_prob(prob)
    if penalties is None:
        num = as_int("num", num, low=2)
        penalties = np.geomspace(1e-7, 10.0, num) * float(prob.eigs.max())
    return ridge_risk(prob, n, penalties)


# ----------------------------------------------------------------------------------------
# Fits and simulation
# ----------------------------------------------------------------------------------------
def _spectral_solver(X):
    r"""Eigendecomposition of the smaller Gram matrix of ``X`` (shape (n, d)).

    Returns ``(s2, basis, dual)``: the squared singular values :math:`s_j^2` and, if
    ``dual`` (:math:`d > n`), the eigenvectors :math:`U` of :math:`XX^\top`, else the
    eigenvectors :math:`V` of :math:`X^\top X`."""
    n, d = X.shape
    dual = d > n
    gram = X @ X.T if dual else X.T @ X
    s2, basis = np.linalg.eigh(gram)
    s2 = np.clip(s2, 0.0, None)
    return s2, basis, dual


def _ridge_weights(X, y, pen, s2, basis, dual):
    r"""Ridge solutions for every penalty, shape (P, d), from :func:`_spectral_solver`.

    Primal (:math:`d \le n`): :math:`V \operatorname{diag}(1/(s^2 + n\rho)) V^\top X^\top y`;
    dual (:math:`d > n`): :math:`X^\top U \operatorname{diag}(1/(s^2 + n\rho)) U^\top y`.
    At :math:`\rho = 0` directions with :math:`s^2` below round-off get 0 (the pseudo-inverse)."""
    n = X.shape[0]
    tol = s2.max(initial=0.0) * max(X.shape) * np.finfo(float).eps
    denom = s2[None, :] + n * pen[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(denom > tol, 1.0 / denom, 0.0)
    if dual:
        c = basis.T @ y                                   # (n,)
        return ((inv * c) @ basis.T) @ X                  # (P, d)
    c = basis.T @ (X.T @ y)                               # (d,)
    return (inv * c) @ basis.T


def ridge_fit(X, y, penalty):
    r"""Ridge regression fitted exactly, for one or many penalties from one decomposition.

    .. math::  \hat w_\rho = \arg\min_w \frac1n\lVert y - Xw\rVert^2 + \rho\lVert w\rVert^2
               = V \operatorname{diag}\Bigl(\frac{s_j}{s_j^2 + n\rho}\Bigr) U^\top y ,

    with the thin SVD :math:`X = U \operatorname{diag}(s) V^\top`. It is computed from the
    eigendecomposition of the smaller Gram matrix: :math:`XX^\top = U\operatorname{diag}(s^2)U^\top`
    when :math:`d > n` (the dual form :math:`\hat w_\rho = X^\top(XX^\top + n\rho I)^{-1}y`), else
    :math:`X^\top X`. ``penalty = 0`` gives the minimum-norm least-squares solution
    :math:`X^+ y`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
    penalty : float or array_like, shape (P,)
        :math:`\rho \ge 0`.

    Returns
    -------
    ndarray, shape (d,) for a scalar penalty, else (P, d)

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    >>> w = kt.ridge_fit(X, [1.0, 2.0], 0.0)              # min-norm interpolator
    >>> np.allclose(X @ w, [1.0, 2.0]), np.allclose(w, [0.0, 1.0, 1.0])
    (True, True)
    >>> kt.ridge_fit(X, [1.0, 2.0], [0.5, 1e9]).round(4).tolist()[1]
    [0.0, 0.0, 0.0]
    """
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("X and y must be arrays of real numbers") from None
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a 2-d array of shape (n, d) with n, d >= 1, got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (n,) = ({X.shape[0]},), got {y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must contain only finite values")
    pen, scalar = _penalties(penalty)
    w = _ridge_weights(X, y, pen, *_spectral_solver(X))
    return w[0] if scalar else w


@dataclass(frozen=True, eq=False)
class RidgeSimulation(SeedStatistics):
    r"""Monte Carlo ridge fits (from :func:`simulate_ridge`).

    Attributes
    ----------
    n : int
    penalty : ndarray, shape (P,)
    risk : ndarray, shape (seeds, P)
        Excess risk :math:`R(\hat w_\rho)` of each seed's fit.
    mode_error : ndarray, shape (P, d)
        :math:`(\hat w_i - w_{\star,i})^2` averaged over seeds.
    eigs : ndarray, shape (d,)
    """

    n: int
    penalty: np.ndarray
    risk: np.ndarray
    mode_error: np.ndarray
    eigs: np.ndarray

    def __repr__(self):
        return f"RidgeSimulation(n={self.n}, P={self.penalty.size}, seeds={self.seeds})"


def simulate_ridge(prob, n, penalty, seeds=32, seed=0) -> RidgeSimulation:
    r"""Monte Carlo risk of ridge: fit ``seeds`` independent samples of size ``n`` exactly.

    Each seed draws :math:`X` with rows :math:`x \sim \mathcal N(0, H)` and labels
    :math:`y = X w_\star + \sigma\varepsilon`, decomposes its Gram matrix once, and fits
    every penalty from it (:func:`ridge_fit`). ``penalty = 0`` is minimum-norm least squares.

    Parameters
    ----------
    prob : Problem
    n : int
        Sample size, ``n >= 1``.
    penalty : float or array_like, shape (P,)
        Penalties :math:`\rho \ge 0`.
    seeds : int
        Number of independent samples, ``>= 1``.
    seed : int or SeedSequence
        Root seed; seed ``s`` uses the ``s``-th stream spawned from it.

    Returns
    -------
    RidgeSimulation
        ``.risk`` of shape (seeds, P), ``.mean``, ``.sem``, ``.mode_error`` of shape (P, d).

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, noise=0.5)
    >>> sim = kt.simulate_ridge(prob, n=50, penalty=[0.0, 0.1], seeds=4)
    >>> sim.risk.shape, sim.mode_error.shape
    ((4, 2), (2, 200))
    """
    _check_prob(prob)
    n = as_int("n", n, low=1)
    seeds = as_int("seeds", seeds, low=1)
    pen, _ = _penalties(penalty)
    rngs = spawn_generators(seed, seeds)
    d = prob.d
    sqrt_eigs = np.sqrt(prob.eigs)
    risk = np.empty((seeds, pen.size))
    mode_error = np.zeros((pen.size, d))
    for s, rng in enumerate(rngs):
        X = rng.standard_normal((n, d)) * sqrt_eigs
        y = X @ prob.w_star + prob.noise * rng.standard_normal(n)
        err = _ridge_weights(X, y, pen, *_spectral_solver(X)) - prob.w_star
        sq = err**2
        risk[s] = sq @ prob.eigs
        mode_error += sq
    mode_error /= seeds
    return RidgeSimulation(n=n, penalty=pen, risk=risk, mode_error=mode_error, eigs=prob.eigs)


# ----------------------------------------------------------------------------------------
# Explorer (chapter 1)
# ----------------------------------------------------------------------------------------
def ridge_spectrum(alpha=1.5, beta=2.5, noise=1.0, n=300, penalty=0.03, d=1000,
                   min_norm=True, ax=None):
    r"""The closed-form per-mode error of ridge (and of min-norm least squares) on the power law.

    Draws, against the mode index :math:`i`, the closed-form error
    :math:`\mathbb E(\hat w_i - w_{\star,i})^2` of ridge with penalty :math:`\rho` on ``n``
    samples (:func:`ridge_risk`, colour ``COLORS["ridge"]``), the signal
    :math:`w_{\star,i}^2` (grey), the cost of estimating one mode from ``n`` noisy samples,
    :math:`\sigma^2/(n\lambda_i)` (dotted), the statistical horizon :math:`k_{\rm stat}` (modes
    with :math:`\lambda_i w_{\star,i}^2 > \sigma^2/n`, where the dotted line crosses the signal)
    and ridge's cut-off, the last mode with :math:`\lambda_i > \kappa`. With ``min_norm`` and
    :math:`d > n` it adds the minimum-norm interpolator (colour ``COLORS["baseline"]``). The
    plain function behind the chapter's explorer.

    Parameters
    ----------
    alpha, beta : float
        Capacity and source exponents, ``> 1``.
    noise : float
        Label-noise standard deviation :math:`\sigma \ge 0`.
    n : int
        Sample size.
    penalty : float
        Ridge penalty :math:`\rho > 0`.
    d : int
        Dimension.
    min_norm : bool
        Also draw minimum-norm least squares (when ``d > n``).
    ax : matplotlib Axes, optional

    Returns
    -------
    dict
        ``risk`` and ``kappa`` of ridge, ``min_norm_risk`` (NaN if not drawn), ``null_risk``,
        ``k_stat`` and ``k_cut`` (modes with :math:`\lambda_i > \kappa`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> out = kt.ridge_spectrum()
    >>> print(f"risk {out['risk']:.4f}, k_stat {out['k_stat']}, k_cut {out['k_cut']}")
    risk 0.0473, k_stat 9, k_cut 9
    """
    import matplotlib.pyplot as plt

    from ._problem import power_law
    from ._diagnostics import statistical_horizon
    from . import plot

    prob = power_law(d=d, alpha=alpha, beta=beta, noise=noise)
    n = as_int("n", n, low=1)
    pen, _ = _penalties(penalty)
    if pen.size != 1 or pen[0] <= 0:
        raise ValueError("penalty must be a single number > 0 (allowed range (0, inf))")
    ridge = ridge_risk(prob, n, pen)
    if ax is None:
        _, ax = plt.subplots()
    i = np.arange(1, prob.d + 1)
    signal = prob.w_star**2
    ax.plot(i, signal, color=plot.COLORS["signal"], linewidth=2.4, alpha=0.55,
            label=r"signal $w_{\star,i}^2$", zorder=1)
    if noise > 0:
        ax.plot(i, noise**2 / (n * prob.eigs), color=plot.COLORS["noise"], linestyle=":",
                linewidth=1.4, label=r"cost of one mode $\sigma^2/(n\lambda_i)$", zorder=1)
    ax.plot(i, ridge.mode_error[0], color=plot.COLORS["ridge"],
            label=rf"ridge, $\rho$ = {pen[0]:.3g}", zorder=3)
    mn_risk = float("nan")
    if min_norm and prob.d > n:
        mn = min_norm_risk(prob, n)
        ax.plot(i, mn.mode_error[0], color=plot.COLORS["baseline"],
                label="min-norm least squares", zorder=3)
        mn_risk = float(mn.risk[0])
    k_stat = int(statistical_horizon(prob, n))
    k_cut = int(np.sum(prob.eigs > ridge.kappa[0]))
    plot.label_horizon(ax, max(k_stat, 1), r"$k_{\rm stat}$")
    plot.label_horizon(ax, max(k_cut, 1), r"$\lambda_i = \kappa$", color=plot.COLORS["ridge"],
                       y=0.45)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(signal.min() / 30, signal.max() * 30)
    ax.set_xlabel(plot.LABELS["mode"])
    ax.set_ylabel(r"$\mathbb{E}(\hat w_i - w_{\star,i})^2$")
    ax.set_title(rf"$n$ = {n}, $d$ = {d}, $\alpha$ = {alpha:g}, $\beta$ = {beta:g}, "
                 rf"$\sigma$ = {noise:g}", fontsize=10)
    ax.legend(loc="lower left", fontsize=8.5)
    return {"risk": float(ridge.risk[0]), "kappa": float(ridge.kappa[0]),
            "min_norm_risk": mn_risk, "null_risk": prob.null_risk, "k_stat": k_stat,
            "k_cut": k_cut}


# ----------------------------------------------------------------------------------------
# Where power laws come from
# ----------------------------------------------------------------------------------------
_KERNELS = ("laplace", "matern32", "gaussian")


def kernel_spectrum(kernel="laplace", m=500, length=0.2):
    r"""Eigenvalues of a kernel's integral operator on :math:`[0, 1]`, by a grid approximation.

    The covariance of the features of a kernel (or of a wide network near its kernel regime)
    is the kernel's integral operator :math:`(Tf)(x) = \int_0^1 k(x, x') f(x')\,dx'`; its
    eigenvalues are the :math:`\lambda_i` of the linear model on those features. On the grid
    :math:`x_j = (j - 1/2)/m` they are approximated by those of :math:`K/m`,
    :math:`K_{jl} = k(x_j, x_l)`, with :math:`r = |x - x'|/\ell`:

    * ``"laplace"``: :math:`k = e^{-r}` (Matérn 1/2), rough; :math:`\lambda_i \sim i^{-2}`.
    * ``"matern32"``: :math:`k = (1 + \sqrt3 r)e^{-\sqrt3 r}`, once differentiable;
      :math:`\lambda_i \sim i^{-4}`.
    * ``"gaussian"``: :math:`k = e^{-r^2/2}`, infinitely smooth; the eigenvalues fall
      faster than any power.

    In one dimension a Matérn kernel of smoothness :math:`\nu` has
    :math:`\lambda_i \sim i^{-(2\nu + 1)}`: the rougher the features, the heavier the tail.

    Parameters
    ----------
    kernel : {"laplace", "matern32", "gaussian"}
    m : int
        Grid size, ``m >= 2``; the first ~``m/5`` eigenvalues are accurate.
    length : float
        Length scale :math:`\ell > 0`.

    Returns
    -------
    ndarray, shape (m,)
        Eigenvalues in decreasing order (round-off below zero clipped to 0).

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> eigs = kt.kernel_spectrum("laplace", m=400)
    >>> i = np.arange(1, 401)
    >>> round(kt.fit_slope(i[9:100], eigs[9:100]), 1)      # lambda_i ~ i^-2
    -2.0
    """
    if kernel not in _KERNELS:
        raise ValueError(f"kernel must be one of {_KERNELS}, got {kernel!r}")
    m = as_int("m", m, low=2)
    length = as_float("length", length, low=0.0, low_open=True)
    x = (np.arange(m) + 0.5) / m
    r = np.abs(x[:, None] - x[None, :]) / length
    if kernel == "laplace":
        K = np.exp(-r)
    elif kernel == "matern32":
        K = (1.0 + np.sqrt(3.0) * r) * np.exp(-np.sqrt(3.0) * r)
    else:
        K = np.exp(-0.5 * r**2)
    eigs = np.linalg.eigvalsh(K / m)[::-1]
    return np.clip(eigs, 0.0, None)
