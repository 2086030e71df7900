r"""Knowledge distillation: Spectral Horizon Expansion (chapter 4).

A *teacher* trained by SGD on many noisy samples labels fresh inputs for a *student* that sees
only :math:`n` samples (batch 1, so :math:`n` steps). The *direct* student learns from the same
number of ground-truth samples. Both students get their own step size, tuned by exact theory.

The two horizons of a student with step size :math:`\eta` and :math:`n` samples, on the
power-law problem :math:`\lambda_i = i^{-\alpha}`, :math:`\lambda_i w_{\star,i}^2 = i^{-\beta}`:

.. math::

    k_{\rm opt} = \#\{i : \eta\lambda_i n \ge 1\} \approx (\eta n)^{1/\alpha},
    \qquad
    k_{\rm stat} = \#\{i : \lambda_i w_{\star,i}^2 > \sigma^2/n\} \approx (n/\sigma^2)^{1/\beta}.

On ground truth, modes past :math:`k_{\rm stat}` carry less signal than the noise that
estimating them costs, so no step size helps there; the tuned risk falls like
:math:`n^{-(\beta-1)/\beta}` with tail averaging (the last iterate of constant-step SGD pays a
noise floor that grows with the step size and gets only :math:`n^{-(\beta-1)/(\alpha+\beta-1)}`).
Teacher labels carry no label noise, so the
KD student is limited only by :math:`k_{\rm opt}` and by its teacher's own error, and its risk
falls like :math:`n^{-(\beta-1)/\alpha}` until it meets the teacher's error. When
:math:`\alpha < \beta` the horizon expands by the factor
:math:`(\eta n)^{1/\alpha} / n^{1/\beta}`.

Everything here is exact theory (:func:`ktlib.second_moments`,
:func:`ktlib.student_mode_error`), vectorized over a grid of step sizes: every sample size is a
recording time of one run of the recursion, and the tuned risk at each :math:`n` is the minimum
over the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._diagnostics import fit_slope, horizon, statistical_horizon, tune_lr
from ._problem import Problem, power_law
from ._diagnostics import stable_lr_grid
from ._sgd import AVERAGES, SGD
from ._theory import second_moments, stability_limit
from ._transfer import student_mode_error, teacher_moments, transfer
from ._validate import as_float, as_int

__all__ = ["tuned_teacher", "capacity_features", "TunedRisk", "tuned_direct", "tuned_kd",
           "KDSweep", "kd_vs_direct", "GainSweep", "kd_sweep", "ModeFloor",
           "direct_mode_floor", "KDHorizons", "kd_horizons", "SpectraSweep",
           "kd_across_spectra", "kd_explorer"]


# ----------------------------------------------------------------------------------------
# Checks and grids
# ----------------------------------------------------------------------------------------
def _check_prob(prob):
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")


def _check_sgd(name, sgd, prob):
    if not isinstance(sgd, SGD):
        raise ValueError(f"{name} must be a ktlib.SGD, got {type(sgd).__name__}")
    sgd.feature_scales(prob.d)


def _check_average(name, average):
    if average not in AVERAGES:
        raise ValueError(f"{name} must be one of {AVERAGES}, got {average!r}")
    return average


def _sample_sizes(ns):
    arr = np.atleast_1d(np.asarray(ns))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("ns must be a non-empty 1-d array of sample sizes")
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr != np.rint(arr)) \
            or np.any(arr < 1):
        raise ValueError("ns must hold whole numbers >= 1 (allowed range [1, inf))")
    return np.rint(arr).astype(int)


def _features(prob, features):
    f = SGD(lr=1.0, steps=0, features=features).feature_scales(prob.d)
    return f


def _lr_grid(prob, f2, lrs, num, batch=1):
    """The step-size grid of :func:`ktlib.tune_lr`: stable values only."""
    return stable_lr_grid(prob, lrs, batch=batch, f2=f2, num=num)[0]


def capacity_features(d, M):
    r"""Feature scales of a student with capacity :math:`M`: :math:`f_i = 1` for :math:`i \le M`.

    Modes past :math:`M` get :math:`f_i = 0`, so their learning speed
    :math:`g_i = \eta f_i^2 \lambda_i` is 0: the student cannot move them, whatever its labels.

    Parameters
    ----------
    d : int
        Dimension.
    M : int
        Capacity, ``0 <= M <= d``.

    Returns
    -------
    ndarray, shape (d,)

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.capacity_features(5, 2).tolist()
    [1.0, 1.0, 0.0, 0.0, 0.0]
    """
    d = as_int("d", d, low=1)
    M = as_int("M", M, low=0, high=d)
    return (np.arange(1, d + 1) <= M).astype(float)


def tuned_teacher(prob, samples, batch=100, average="last", num=40) -> SGD:
    r"""A strong teacher: mini-batch SGD over ``samples`` noisy samples, step size tuned.

    Runs ``samples // batch`` steps of batch-``batch`` SGD on ground truth and picks the step
    size of lowest final risk with :func:`ktlib.tune_lr` (exact theory). A large batch keeps
    the number of steps, and so the cost of the exact theory, small: the mean motion per step
    :math:`g_i = \eta\lambda_i` does not depend on the batch, while the optimization noise
    shrinks like :math:`1/B`.

    Parameters
    ----------
    prob : Problem
    samples : int
        Number of samples :math:`N`, a multiple of ``batch``.
    batch : int
        Mini-batch size :math:`B \ge 1`.
    average : {"last", "tail"}
    num : int
        Size of the step-size grid.

    Returns
    -------
    SGD
        The tuned teacher.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.tuned_teacher(prob, 20_000, batch=100)
    >>> teacher.steps, teacher.batch, round(teacher.lr, 4)
    (200, 100, 0.3599)
    """
    _check_prob(prob)
    samples = as_int("samples", samples, low=1)
    batch = as_int("batch", batch, low=1)
    if samples % batch or samples < batch:
        raise ValueError(f"samples must be a positive multiple of batch={batch}, got {samples}")
    sgd = SGD(lr=1.0, steps=samples // batch, batch=batch, average=average)
    return tune_lr(prob, sgd, num=num).sgd


# ----------------------------------------------------------------------------------------
# Tuned risk as a function of n
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TunedRisk:
    r"""Final expected risk over a grid of step sizes and of sample sizes.

    Attributes
    ----------
    ns : ndarray of int, shape (N,)
        Sample sizes (= steps, batch 1).
    lrs : ndarray, shape (K,)
        The stable step sizes tried.
    risk_grid : ndarray, shape (K, N)
        Expected excess risk after ``ns[j]`` steps with step size ``lrs[k]``.
    """

    ns: np.ndarray
    lrs: np.ndarray
    risk_grid: np.ndarray

    @property
    def risk(self) -> np.ndarray:
        """Tuned risk :math:`\\min_\\eta R`, shape (N,)."""
        return self.risk_grid.min(axis=0)

    @property
    def lr(self) -> np.ndarray:
        """Tuned step size at each sample size, shape (N,)."""
        return self.lrs[np.argmin(self.risk_grid, axis=0)]

    @property
    def at_edge(self) -> np.ndarray:
        """True where the best step size is the smallest or largest of the grid, shape (N,)."""
        j = np.argmin(self.risk_grid, axis=0)
        return (j == 0) | (j == self.lrs.size - 1)

    def rate(self, mask=None) -> float:
        r"""The fitted rate :math:`p` in :math:`R \approx C n^{-p}` (least squares in log-log).

        Parameters
        ----------
        mask : array_like of bool, shape (N,), optional
            The sample sizes to fit; default all.
        """
        mask = np.ones(self.ns.size, bool) if mask is None else np.asarray(mask, bool)
        return -fit_slope(self.ns[mask], self.risk[mask])

    def __repr__(self):
        return (f"TunedRisk(N={self.ns.size}, K={self.lrs.size}, "
                f"risk {self.risk[0]:.4g} -> {self.risk[-1]:.4g})")


def tuned_direct(prob, ns, lrs=None, *, features=None, average="last", num=40) -> TunedRisk:
    r"""Tuned risk of the direct student (ground-truth labels) at every sample size in ``ns``.

    One run of the exact second-moment recursion for all ``K`` step sizes records every
    :math:`n` as a time; the tuned risk at :math:`n` is :math:`\min_\eta \mathbb E R(w_n)`.
    Batch 1, so :math:`n` samples are :math:`n` steps. At each :math:`n` this equals
    :func:`ktlib.tune_lr` with the same grid.

    Parameters
    ----------
    prob : Problem
    ns : array_like of int, shape (N,)
        Sample sizes, ``>= 1``.
    lrs : array_like, optional
        Step-size grid; default as in :func:`ktlib.tune_lr` (``num`` values from ``1e-4`` to
        ``0.95`` times the stability limit). Unstable values are dropped.
    features : array_like of shape (d,), optional
    average : {"last", "tail"}
    num : int

    Returns
    -------
    TunedRisk

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> direct = kt.tuned_direct(prob, [100, 1000], num=20)
    >>> [f"{r:.4f}" for r in direct.risk]
    ['0.1213', '0.0379']
    """
    _check_prob(prob)
    ns = _sample_sizes(ns)
    average = _check_average("average", average)
    f2 = _features(prob, features) ** 2
    lrs = _lr_grid(prob, f2, lrs, num)
    speeds = lrs[:, None] * f2
    q = second_moments(prob.eigs, speeds, prob.w_star**2, np.full(lrs.size, prob.noise**2),
                       1, int(ns.max()), ns, average)
    return TunedRisk(ns, lrs, q @ prob.eigs)


def tuned_kd(prob, teacher, ns, lrs=None, *, mix=1.0, features=None, average="last",
             num=40) -> TunedRisk:
    r"""Tuned risk of the KD student (teacher labels) at every sample size in ``ns``.

    The student sees :math:`n` fresh inputs labelled
    :math:`\text{mix}\langle w_T, x\rangle
    + (1-\text{mix})(\langle w_\star, x\rangle + \sigma\varepsilon)`, and its expected risk,
    averaged over the teacher, is exact (:func:`ktlib.student_mode_error`). One run serves all
    step sizes; at each :math:`n` this equals
    ``kt.tune_lr(prob, kt.SGD(lr=1, steps=n), teacher=teacher, mix=mix)``.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    ns : array_like of int, shape (N,)
    lrs : array_like, optional
    mix : float
        Weight of the teacher's labels, ``0 <= mix <= 1``.
    features : array_like of shape (d,), optional
        The student's feature scales.
    average : {"last", "tail"}
    num : int

    Returns
    -------
    TunedRisk

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.SGD(lr=0.2, steps=200, batch=100)
    >>> kd = kt.tuned_kd(prob, teacher, [100, 1000], num=20)
    >>> [f"{r:.4f}" for r in kd.risk]
    ['0.0257', '0.0110']
    """
    _check_prob(prob)
    _check_sgd("teacher", teacher, prob)
    ns = _sample_sizes(ns)
    average = _check_average("average", average)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    f2 = _features(prob, features) ** 2
    lrs = _lr_grid(prob, f2, lrs, num)
    u_mean, u_second = teacher_moments(prob, teacher)
    q = student_mode_error(prob, lrs[:, None] * f2, 1, int(ns.max()), ns, average,
                           u_mean, u_second, mix)
    return TunedRisk(ns, lrs, q @ prob.eigs)


@dataclass(frozen=True, eq=False)
class KDSweep:
    r"""The tuned direct student and the tuned KD student over sample sizes.

    Attributes
    ----------
    direct, kd : TunedRisk
        Ground-truth labels and teacher labels, each with its own tuned step size per :math:`n`.
    risk_teacher : float
        The teacher's expected excess risk, the floor of the KD student.
    """

    direct: TunedRisk
    kd: TunedRisk
    risk_teacher: float

    @property
    def ns(self) -> np.ndarray:
        """Sample sizes, shape (N,)."""
        return self.kd.ns

    @property
    def gain(self) -> np.ndarray:
        r"""KD gain :math:`1 - R_{\rm KD}/R_{\rm direct}` at each :math:`n`, shape (N,)."""
        return 1.0 - self.kd.risk / self.direct.risk

    def kd_rate(self, above=3.0) -> float:
        r"""The KD student's fitted rate where its risk is above ``above`` times the teacher's.

        Past that point the KD curve bends onto the teacher's error and the power law ends.
        """
        above = as_float("above", above, low=1.0)
        mask = self.kd.risk > above * self.risk_teacher
        if mask.sum() < 2:
            raise ValueError(f"fewer than two sample sizes have KD risk above {above:g} times "
                             f"the teacher's; use smaller ns or a smaller `above`")
        return self.kd.rate(mask)

    def meets_teacher(self, within=0.5):
        r"""The smallest :math:`n` with :math:`R_{\rm KD} \le (1+\text{within}) R_{\rm teacher}`.

        None if no sample size in ``ns`` gets there.
        """
        within = as_float("within", within, low=0.0)
        hit = np.flatnonzero(self.kd.risk <= (1 + within) * self.risk_teacher)
        return int(self.ns[hit[0]]) if hit.size else None

    def __repr__(self):
        return (f"KDSweep(N={self.ns.size}, teacher={self.risk_teacher:.4g}, "
                f"gain {self.gain[0]:+.2f} -> {self.gain[-1]:+.2f})")


def kd_vs_direct(prob, teacher, ns, lrs=None, *, kd_lrs=None, mix=1.0, features=None,
                 average="last", direct_average=None, num=40) -> KDSweep:
    r"""Tuned direct and tuned KD risk for every sample size in ``ns``, one pass per learner.

    .. math::

        R_{\rm direct}(n) = \min_\eta \mathbb E R\bigl(w_n^{\rm direct}(\eta)\bigr), \qquad
        R_{\rm KD}(n) = \min_\eta \mathbb E R\bigl(w_n^{\rm KD}(\eta)\bigr),

    each minimum over its own grid (exact theory; see :func:`tuned_direct` and
    :func:`tuned_kd`).

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    ns : array_like of int, shape (N,)
    lrs : array_like, optional
        Step sizes of the direct student (default: the grid of :func:`ktlib.tune_lr`).
    kd_lrs : array_like, optional
        Step sizes of the KD student (default: ``lrs``).
    mix : float
    features : array_like of shape (d,), optional
        Feature scales of both students.
    average : {"last", "tail"}
        The KD student's reported iterate.
    direct_average : {"last", "tail"}, optional
        The direct student's (default: ``average``).
    num : int

    Returns
    -------
    KDSweep

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.SGD(lr=0.2, steps=200, batch=100)
    >>> sweep = kt.kd_vs_direct(prob, teacher, [100, 1000], num=20)
    >>> [f"{g:.3f}" for g in sweep.gain]
    ['0.788', '0.710']
    """
    direct_average = average if direct_average is None else direct_average
    kd_lrs = lrs if kd_lrs is None else kd_lrs
    direct = tuned_direct(prob, ns, lrs, features=features, average=direct_average, num=num)
    kd = tuned_kd(prob, teacher, ns, kd_lrs, mix=mix, features=features, average=average,
                  num=num)
    u_second = teacher_moments(prob, teacher)[1]
    return KDSweep(direct=direct, kd=kd, risk_teacher=float(u_second @ prob.eigs))


# ----------------------------------------------------------------------------------------
# Many settings at one n: teachers, mixes, capacities
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GainSweep:
    r"""KD student against the direct student at one :math:`n`, over ``G`` settings.

    Attributes
    ----------
    n : int
    risk_kd, lr_kd : ndarray, shape (G,)
        Tuned risk and step size of the KD student.
    risk_direct, lr_direct : ndarray, shape (G,)
        Tuned risk and step size of the direct student (same features, ground truth).
    risk_teacher : ndarray, shape (G,)
    """

    n: int
    risk_kd: np.ndarray
    lr_kd: np.ndarray
    risk_direct: np.ndarray
    lr_direct: np.ndarray
    risk_teacher: np.ndarray

    @property
    def gain(self) -> np.ndarray:
        r""":math:`1 - R_{\rm KD}/R_{\rm direct}`, shape (G,)."""
        return 1.0 - self.risk_kd / self.risk_direct

    def __repr__(self):
        return f"GainSweep(n={self.n}, G={self.risk_kd.size})"


def _broadcast_settings(prob, teachers, mix, features):
    teachers = [teachers] if isinstance(teachers, SGD) else list(teachers)
    for t in teachers:
        _check_sgd("teachers", t, prob)
    mixes = np.atleast_1d(np.asarray(mix, dtype=float))
    if mixes.ndim != 1 or not np.all(np.isfinite(mixes)) or np.any((mixes < 0) | (mixes > 1)):
        raise ValueError("mix must be a number or 1-d array in [0, 1] (allowed range [0, 1])")
    if features is None:
        feats, shared = [np.ones(prob.d)], True
    else:
        arr = np.asarray(features, dtype=float)
        if arr.ndim == 1:
            feats, shared = [_features(prob, arr)], True
        elif arr.ndim == 2:
            feats, shared = [_features(prob, row) for row in arr], False
        else:
            raise ValueError("features must have shape (d,) or (G, d)")
    sizes = {len(teachers), mixes.size, len(feats)} - {1}
    if len(sizes) > 1:
        raise ValueError(f"teachers ({len(teachers)}), mix ({mixes.size}) and features "
                         f"({len(feats)}) must have the same length G, or length 1")
    G = sizes.pop() if sizes else 1
    teachers = teachers * G if len(teachers) == 1 else teachers
    mixes = np.broadcast_to(mixes, (G,))
    feats = feats * G if len(feats) == 1 else feats
    return G, teachers, mixes, feats, shared


def _pad(grids):
    """Stack grids of unequal length: (G, K) lrs and a (G, K) validity mask."""
    K = max(g.size for g in grids)
    L = np.empty((len(grids), K))
    ok = np.zeros((len(grids), K), bool)
    for j, g in enumerate(grids):
        L[j, :g.size] = g
        L[j, g.size:] = g[0]          # a stable stand-in, masked out below
        ok[j, :g.size] = True
    return L, ok


def kd_sweep(prob, n, teachers, *, mix=1.0, features=None, lrs=None, kd_lrs=None,
             average="last", direct_average=None, num=40) -> GainSweep:
    r"""Tuned KD and direct students at one sample size over ``G`` settings, in one pass each.

    A setting is a teacher, a label weight ``mix`` and the students' feature scales; any of
    the three may vary (the others are shared). All ``G x K`` (setting, step size) pairs run
    side by side in one exact recursion, and each setting keeps its best step size. The direct
    student depends only on the features, so it is run once when they are shared.

    Parameters
    ----------
    prob : Problem
    n : int
        The students' sample size (batch 1).
    teachers : SGD or sequence of SGD
    mix : float or array_like of shape (G,)
    features : array_like of shape (d,) or (G, d), optional
        E.g. rows of :func:`capacity_features` for a capacity sweep.
    lrs : array_like, optional
        Step sizes of the direct student (default: the grid of :func:`ktlib.tune_lr` for each
        setting's features). Unstable values are dropped, setting by setting.
    kd_lrs : array_like, optional
        Step sizes of the KD student (default: ``lrs``).
    average : {"last", "tail"}
        The KD student's reported iterate.
    direct_average : {"last", "tail"}, optional
        The direct student's (default: ``average``).
    num : int

    Returns
    -------
    GainSweep

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.SGD(lr=0.2, steps=200, batch=100)
    >>> out = kt.kd_sweep(prob, 1000, teacher, mix=[0.0, 0.5, 1.0], num=20)
    >>> [f"{g:.3f}" for g in out.gain]
    ['0.000', '0.382', '0.710']
    """
    _check_prob(prob)
    n = as_int("n", n, low=1)
    average = _check_average("average", average)
    direct_average = _check_average("direct_average",
                                    average if direct_average is None else direct_average)
    G, teachers, mixes, feats, shared = _broadcast_settings(prob, teachers, mix, features)
    kd_lrs = lrs if kd_lrs is None else kd_lrs
    f2 = np.array([f**2 for f in feats])                                    # (G, d)
    times = np.array([n])
    rows = np.arange(G)

    moments = {}
    for t in teachers:
        if id(t) not in moments:
            moments[id(t)] = teacher_moments(prob, t)
    u_mean = np.array([moments[id(t)][0] for t in teachers])               # (G, d)
    u_second = np.array([moments[id(t)][1] for t in teachers])
    risk_teacher = u_second @ prob.eigs

    # KD students: all (setting, step size) pairs in one run
    L, ok = _pad([_lr_grid(prob, f2[g], kd_lrs, num) for g in range(G)])   # (G, K)
    K = L.shape[1]
    speeds = (L[:, :, None] * f2[:, None, :]).reshape(G * K, prob.d)
    q = student_mode_error(prob, speeds, 1, n, times, average, np.repeat(u_mean, K, axis=0),
                           np.repeat(u_second, K, axis=0), np.repeat(mixes, K))[:, 0]
    r_kd = np.where(ok, (q @ prob.eigs).reshape(G, K), np.inf)
    best = np.argmin(r_kd, axis=1)

    # direct students: once if the features are shared
    Gd = 1 if shared else G
    Ld, okd = _pad([_lr_grid(prob, f2[g], lrs, num) for g in range(Gd)])   # (Gd, Kd)
    Kd = Ld.shape[1]
    sp = (Ld[:, :, None] * f2[:Gd, None, :]).reshape(Gd * Kd, prob.d)
    qd = second_moments(prob.eigs, sp, prob.w_star**2, np.full(Gd * Kd, prob.noise**2), 1, n,
                        times, direct_average)[:, 0]
    r_d = np.where(okd, (qd @ prob.eigs).reshape(Gd, Kd), np.inf)
    best_d = np.argmin(r_d, axis=1)
    rd_rows = np.arange(Gd)
    risk_direct = np.broadcast_to(r_d[rd_rows, best_d], (G,)).copy()
    lr_direct = np.broadcast_to(Ld[rd_rows, best_d], (G,)).copy()
    return GainSweep(n=n, risk_kd=r_kd[rows, best], lr_kd=L[rows, best],
                     risk_direct=risk_direct, lr_direct=lr_direct, risk_teacher=risk_teacher)


# ----------------------------------------------------------------------------------------
# The best direct student in each mode, at any step size
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ModeFloor:
    r"""The direct student's smallest error in each mode over step sizes and averaging.

    Attributes
    ----------
    error : ndarray, shape (d,)
        :math:`\min_{\eta,\ \text{average}} \mathbb E (w_{n,i} - w_{\star,i})^2`, mode by mode.
    lr : ndarray, shape (d,)
        The step size attaining it in each mode.
    average : ndarray of str, shape (d,)
        The averaging attaining it in each mode.
    """

    error: np.ndarray
    lr: np.ndarray
    average: np.ndarray

    def __repr__(self):
        return f"ModeFloor(d={self.error.size})"


def direct_mode_floor(prob, n, lrs=None, *, averages=("last", "tail"), features=None,
                      num=40) -> ModeFloor:
    r"""Per-mode lower envelope of the direct student's error over all step sizes.

    .. math::

        \underline{e}_i(n) = \min_{\eta \in \text{grid},\ a \in \text{averages}}
        \mathbb E\bigl(w_{n,i}^{(\eta, a)} - w_{\star,i}\bigr)^2 .

    Each mode may pick its own step size, which no single run can do: no direct student on
    ground truth, at any step size on the grid, has a smaller error in mode :math:`i`. Past the
    statistical horizon this envelope stays close to the signal :math:`w_{\star,i}^2`.

    Parameters
    ----------
    prob : Problem
    n : int
        Sample size (batch 1).
    lrs : array_like, optional
        Step-size grid (default as in :func:`ktlib.tune_lr`).
    averages : sequence of {"last", "tail"}
    features : array_like of shape (d,), optional
    num : int

    Returns
    -------
    ModeFloor

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> floor = kt.direct_mode_floor(prob, 1000, num=20)
    >>> bool((floor.error <= prob.w_star**2 + 1e-12).all())   # never worse than w = 0
    True
    """
    _check_prob(prob)
    n = as_int("n", n, low=1)
    averages = (averages,) if isinstance(averages, str) else tuple(averages)
    if not averages:
        raise ValueError("averages must name at least one of ('last', 'tail')")
    for a in averages:
        _check_average("averages", a)
    f2 = _features(prob, features) ** 2
    lrs = _lr_grid(prob, f2, lrs, num)
    errs = []
    for a in averages:
        errs.append(second_moments(prob.eigs, lrs[:, None] * f2, prob.w_star**2,
                                   np.full(lrs.size, prob.noise**2), 1, n, [n], a)[:, 0])
    E = np.stack(errs)                                    # (A, K, d)
    flat = E.reshape(-1, prob.d)
    j = np.argmin(flat, axis=0)
    a_idx, k_idx = np.divmod(j, lrs.size)
    cols = np.arange(prob.d)
    return ModeFloor(error=flat[j, cols], lr=lrs[k_idx],
                     average=np.asarray(averages)[a_idx])


# ----------------------------------------------------------------------------------------
# Horizons
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class KDHorizons:
    r"""The horizons of a distillation experiment, in modes.

    Attributes
    ----------
    stat : int
        Statistical horizon at :math:`n`, :math:`\#\{i: \lambda_i w_{\star,i}^2 > \sigma^2/n\}`.
    opt : int
        The KD student's optimization horizon, :math:`\#\{i: \eta f_i^2 \lambda_i n \ge 1\}`.
    teacher : int
        The teacher's optimization horizon after its own steps.
    direct : int or None
        The tuned direct student's optimization horizon (if its step size was given).
    """

    stat: int
    opt: int
    teacher: int
    direct: int | None = None

    @property
    def expansion(self) -> float:
        r"""Horizon expansion factor :math:`k_{\rm opt}/k_{\rm stat}` (counted modes)."""
        return self.opt / self.stat if self.stat else float("inf")

    @property
    def effective(self) -> int:
        r"""Modes the KD student can copy usefully: :math:`\min(k_{\rm opt}, k_{\rm teacher})`."""
        return min(self.opt, self.teacher)

    def summary(self) -> str:
        """The horizons, formatted for printing."""
        lines = [f"statistical horizon k_stat(n)        {self.stat:5d}",
                 f"KD student's horizon k_opt(lr, n)    {self.opt:5d}",
                 f"teacher's horizon                    {self.teacher:5d}"]
        if self.direct is not None:
            lines.append(f"tuned direct student's horizon       {self.direct:5d}")
        lines.append(f"expansion k_opt / k_stat             {self.expansion:5.2f}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"KDHorizons(stat={self.stat}, opt={self.opt}, teacher={self.teacher}, "
                f"direct={self.direct})")


def kd_horizons(prob, teacher, n, lr_kd, lr_direct=None, features=None) -> KDHorizons:
    r"""The statistical, optimization and teacher horizons of one distillation setting.

    .. math::

        k_{\rm stat} \approx (n/\sigma^2)^{1/\beta}, \quad
        k_{\rm opt} \approx (\eta_{\rm KD}\, n)^{1/\alpha}, \quad
        k_{\rm teacher} \approx (\eta_T T)^{1/\alpha}

    (the approximations hold for the power law; the counts use :func:`ktlib.statistical_horizon`
    and :func:`ktlib.horizon`).

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    n : int
        The students' sample size.
    lr_kd : float
        The KD student's step size.
    lr_direct : float, optional
        The direct student's step size.
    features : array_like of shape (d,), optional
        The students' feature scales.

    Returns
    -------
    KDHorizons

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> h = kt.kd_horizons(prob, kt.SGD(lr=0.111, steps=2000, batch=100), 2000, lr_kd=0.313)
    >>> h.stat, h.opt, h.teacher, round(h.expansion, 2)
    (20, 73, 36, 3.65)
    """
    _check_prob(prob)
    _check_sgd("teacher", teacher, prob)
    n = as_int("n", n, low=1)
    stat = int(statistical_horizon(prob, n))
    opt = int(horizon(prob, lr_kd, n, features))
    k_t = int(horizon(prob, teacher.lr, teacher.steps, teacher.features))
    direct = None if lr_direct is None else int(horizon(prob, lr_direct, n, features))
    return KDHorizons(stat=stat, opt=opt, teacher=k_t, direct=direct)


# ----------------------------------------------------------------------------------------
# Across spectra: when alpha >= beta there is nothing to expand
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SpectraSweep:
    r"""Tuned KD and direct students on several power-law problems :math:`(\alpha, \beta)`.

    Attributes
    ----------
    alpha, beta : ndarray, shape (P,)
    risk_teacher : ndarray, shape (P,)
    risk_kd, lr_kd : ndarray, shape (P,)
        The KD student (last iterate).
    risk_direct, lr_direct : ndarray, shape (P,)
        The direct student, last iterate.
    risk_direct_tail, lr_direct_tail : ndarray, shape (P,)
        The direct student with tail averaging (the better direct learner on noisy labels).
    k_stat, k_opt, k_direct, k_direct_tail : ndarray of int, shape (P,)
        Statistical horizon, the KD student's horizon, and the two direct students' horizons.
    """

    alpha: np.ndarray
    beta: np.ndarray
    risk_teacher: np.ndarray
    risk_kd: np.ndarray
    lr_kd: np.ndarray
    risk_direct: np.ndarray
    lr_direct: np.ndarray
    risk_direct_tail: np.ndarray
    lr_direct_tail: np.ndarray
    k_stat: np.ndarray
    k_opt: np.ndarray
    k_direct: np.ndarray
    k_direct_tail: np.ndarray

    @property
    def gain(self) -> np.ndarray:
        r"""KD gain over the last-iterate direct student, :math:`1 - R_{\rm KD}/R_{\rm direct}`."""
        return 1.0 - self.risk_kd / self.risk_direct

    @property
    def gain_tail(self) -> np.ndarray:
        r"""KD gain over the tail-averaged direct student."""
        return 1.0 - self.risk_kd / self.risk_direct_tail

    def __repr__(self):
        return f"SpectraSweep(P={self.alpha.size})"


def kd_across_spectra(alphas, betas, *, n=2000, teacher_samples=200_000, teacher_batch=100,
                      d=1000, noise=1.0, num=16, low=1e-3) -> SpectraSweep:
    r"""Distillation on several power-law problems: does the horizon expand?

    For each pair :math:`(\alpha, \beta)` builds :func:`ktlib.power_law`, a tuned teacher
    (:func:`tuned_teacher`), and tunes the KD student, the last-iterate direct student and the
    tail-averaged direct student at sample size ``n``, each over ``num`` step sizes from
    ``low`` to 0.95 times its stability limit.

    When :math:`\beta \le \alpha`, :math:`k_{\rm stat} = n^{1/\beta} \ge (\eta n)^{1/\alpha}` for
    every stable :math:`\eta < 1`: the direct student's horizon is already set by optimization,
    not by noise, and the teacher's labels have no horizon to expand.

    Parameters
    ----------
    alphas, betas : array_like, broadcast to shape (P,)
    n : int
    teacher_samples, teacher_batch : int
    d : int
    noise : float
    num : int
        Step sizes per grid.
    low : float
        Smallest step size, as a fraction of the stability limit.

    Returns
    -------
    SpectraSweep

    Examples
    --------
    >>> import ktlib as kt
    >>> out = kt.kd_across_spectra([1.5, 2.0], [2.5, 1.5], n=500, teacher_samples=20_000,
    ...                            d=200, num=12)
    >>> [f"{g:+.2f}" for g in out.gain_tail], out.k_stat.tolist()
    (['+0.72', '-0.03'], [12, 62])
    """
    alphas, betas = np.broadcast_arrays(np.atleast_1d(np.asarray(alphas, dtype=float)),
                                        np.atleast_1d(np.asarray(betas, dtype=float)))
    if alphas.ndim != 1:
        raise ValueError("alphas and betas must broadcast to a 1-d array")
    n = as_int("n", n, low=1)
    num = as_int("num", num, low=2)
    low = as_float("low", low, low=0.0, high=0.95, low_open=True, high_open=True)
    cols = {k: [] for k in ("risk_teacher", "risk_kd", "lr_kd", "risk_direct", "lr_direct",
                            "risk_direct_tail", "lr_direct_tail", "k_stat", "k_opt",
                            "k_direct", "k_direct_tail")}
    for a, b in zip(alphas, betas):
        prob = power_law(d=d, alpha=a, beta=b, noise=noise)
        limit = stability_limit(prob)
        grid = np.geomspace(low, 0.95, num) * limit
        t_grid = np.geomspace(low, 0.95, num) * stability_limit(prob, teacher_batch)
        teacher = tune_lr(prob, SGD(lr=1.0, steps=teacher_samples // teacher_batch,
                                    batch=teacher_batch), t_grid).sgd
        sweep = kd_vs_direct(prob, teacher, [n], grid)
        tail = tuned_direct(prob, [n], grid, average="tail")
        cols["risk_teacher"].append(sweep.risk_teacher)
        cols["risk_kd"].append(sweep.kd.risk[0])
        cols["lr_kd"].append(sweep.kd.lr[0])
        cols["risk_direct"].append(sweep.direct.risk[0])
        cols["lr_direct"].append(sweep.direct.lr[0])
        cols["risk_direct_tail"].append(tail.risk[0])
        cols["lr_direct_tail"].append(tail.lr[0])
        cols["k_stat"].append(statistical_horizon(prob, n))
        cols["k_opt"].append(horizon(prob, sweep.kd.lr[0], n))
        cols["k_direct"].append(horizon(prob, sweep.direct.lr[0], n))
        cols["k_direct_tail"].append(horizon(prob, tail.lr[0], n))
    out = {k: np.asarray(v, dtype=int if k.startswith("k_") else float) for k, v in cols.items()}
    return SpectraSweep(alpha=alphas.copy(), beta=betas.copy(), **out)


# ----------------------------------------------------------------------------------------
# The explorer (a plain function; the notebook wraps it with kt.widgets.explorer)
# ----------------------------------------------------------------------------------------
def kd_explorer(alpha=1.5, beta=2.5, noise=1.0, n=2000, teacher_samples=200_000, mix=1.0,
                d=500, ax=None):
    r"""Draw the per-mode errors of the direct student, the teacher and the KD student.

    On :func:`ktlib.power_law` with these exponents, trains a teacher on ``teacher_samples``
    noisy samples (:func:`tuned_teacher`, batch 100), tunes the KD student (labels
    ``mix`` teacher + ``1 - mix`` ground truth) and the direct student on ``n`` samples each
    (:func:`ktlib.tune_lr`, 20 step sizes), and draws their exact per-mode errors
    :math:`\mathbb E (w_i - w_{\star,i})^2` with the signal :math:`w_{\star,i}^2` and the
    horizons :math:`k_{\rm stat}`, :math:`k_{\rm opt}` (KD student) and the teacher's.

    Parameters
    ----------
    alpha, beta : float
        Capacity and source exponents, ``> 1``.
    noise : float
        Label noise :math:`\sigma \ge 0`.
    n : int
        The students' sample size.
    teacher_samples : int
        The teacher's sample size :math:`N`, its quality (rounded to a multiple of 100,
        at least 100).
    mix : float
        Weight of the teacher's labels in ``[0, 1]``.
    d : int
        Dimension.
    ax : matplotlib Axes, optional

    Returns
    -------
    dict
        ``risk_teacher``, ``risk_kd``, ``risk_direct``,
        ``gain`` (:math:`1 - R_{\rm KD}/R_{\rm direct}`), ``lr_kd``, ``lr_direct``, the
        horizons ``k_stat``, ``k_opt``, ``k_teacher``, ``k_direct``, and ``teacher_samples``
        (as rounded).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> out = kt.kd_explorer(d=200, n=1000, teacher_samples=20_000)
    >>> print(f"KD {out['risk_kd']:.4f}, direct {out['risk_direct']:.4f}, gain {out['gain']:.2f}")
    KD 0.0099, direct 0.0379, gain 0.74
    """
    from . import plot

    prob = power_law(d=d, alpha=alpha, beta=beta, noise=noise)
    n = as_int("n", n, low=1)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    teacher_samples = 100 * max(1, int(round(as_float("teacher_samples", teacher_samples,
                                                     low=0.0) / 100)))
    teacher = tuned_teacher(prob, teacher_samples, batch=100, num=20)
    kd = tune_lr(prob, SGD(lr=1.0, steps=n), teacher=teacher, mix=mix, num=20)
    direct = tune_lr(prob, SGD(lr=1.0, steps=n), num=20)
    out = transfer(prob, teacher, kd.sgd, mix=mix, baseline=direct.sgd, times=[0, n],
                   teacher_times=[0, teacher.steps])
    h = kd_horizons(prob, teacher, n, kd.best_lr, direct.best_lr)
    horizons = {}
    if h.stat:
        horizons[rf"$k_{{\rm stat}}$ = {h.stat}"] = h.stat
    if h.opt:
        horizons[rf"$k_{{\rm opt}}$ = {h.opt}"] = h.opt
    if h.teacher:
        horizons[f"teacher's horizon = {h.teacher}"] = h.teacher
    ax = plot.mode_spectrum({"baseline (ground-truth labels)": out.baseline.mode_error[-1],
                             "teacher": out.teacher.mode_error[-1],
                             "KD student": out.student.mode_error[-1]},
                            ax=ax, signal=prob, horizons=horizons)
    ax.set_title(rf"$\alpha$={alpha:g}, $\beta$={beta:g}, $\sigma$={noise:g}, $n$={n:,}, "
                 rf"$N$={teacher_samples:,}, mix={mix:g}: gain {out.gain:+.0%}", fontsize=10)
    return {"risk_teacher": out.risk_teacher, "risk_kd": out.risk_student,
            "risk_direct": out.risk_baseline, "gain": out.gain, "lr_kd": kd.best_lr,
            "lr_direct": direct.best_lr, "k_stat": h.stat, "k_opt": h.opt,
            "k_teacher": h.teacher, "k_direct": h.direct, "teacher_samples": teacher_samples}
