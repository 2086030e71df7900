r"""Weak-to-strong generalization as Spectral Denoising (chapter 5).

A weak teacher runs constant-step SGD and reports its last iterate :math:`w_T`. Its error
:math:`u = w_T - w_\star` has two parts per mode: the signal it has not learned,
:math:`(\mathbb E u_i)^2 = (1-g_i)^{2T} w_{\star,i}^2`, and a flat floor of optimization noise.
The floor is the fixed point of the exact second-moment recursion (see :mod:`ktlib._theory`)

.. math::

    q_i \leftarrow \bigl(1 - 2g_i + g_i^2(1 + \tfrac1B)\bigr) q_i
        + \frac{\eta^2 f_i^4 \lambda_i}{B}\,(R + \sigma^2),
    \qquad g_i = \eta f_i^2 \lambda_i ,

whose stationary point is

.. math::

    q_i^\ast = \frac{\eta f_i^2 (R + \sigma^2)}{B\,\bigl(2 - (1 + \tfrac1B) g_i\bigr)}
             \approx \frac{\eta (R + \sigma^2)}{2} \quad (f = 1,\ B = 1,\ g_i \ll 1),

the same in every learned mode. A student trained on the teacher's labels copies the modes
inside its own horizon and leaves the rest, so it acts as a per-mode filter on :math:`w_T`: it
wins in the modes where the teacher's floor exceeds the signal :math:`w_{\star,i}^2`.

This module holds the chapter's tools: the floor and the teacher's error spectrum
(:func:`noise_floor`, :func:`teacher_spectrum`), vectorized sweeps of students over step size
and steps (:func:`student_sweep`, :func:`compare_students`), the best any per-mode filter of
the teacher can do (:func:`best_filter`), feature spectra for students
(:func:`tilted_features`), and the plain function behind the chapter's explorer
(:func:`w2s_spectrum`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._diagnostics import horizon, stable_lr_grid
from ._problem import power_law
from ._sgd import SGD
from ._theory import _check_pair, check_stable, expected_risk, second_moments, time_grid
from ._transfer import student_mode_error, teacher_moments, transfer
from ._validate import as_float, as_int

__all__ = ["noise_floor", "TeacherSpectrum", "teacher_spectrum", "tilted_features",
           "StudentSweep", "student_sweep", "compare_students", "best_filter", "w2s_spectrum"]


# ----------------------------------------------------------------------------------------
# The weak teacher
# ----------------------------------------------------------------------------------------
def _last_iterate_only(teacher, what):
    if teacher.average != "last":
        raise ValueError(f"{what} describes a teacher that reports its last iterate "
                         f"(average='last'), got average={teacher.average!r}: tail averaging "
                         f"removes the flat floor")


def noise_floor(prob, teacher, risk=None):
    r"""The stationary optimization-noise floor of a last-iterate SGD teacher, per mode.

    The fixed point of the exact second-moment recursion with the risk held at :math:`R`:

    .. math::

        q_i^\ast = \frac{\eta f_i^2\,(R + \sigma^2)}{B\,\bigl(2 - (1 + 1/B)\,g_i\bigr)},
        \qquad g_i = \eta f_i^2 \lambda_i ,

    which for :math:`f = 1`, :math:`B = 1` and :math:`g_i \ll 1` is the flat
    :math:`\eta (R + \sigma^2)/2`. It is an error in *parameter* space (compare it with
    :math:`w_{\star,i}^2`); its share of the risk is :math:`\lambda_i q_i^\ast`. It predicts
    the teacher's error :math:`\mathbb E u_i^2` in the modes the teacher has learned
    (:math:`g_i T \gg 1`); see :func:`teacher_spectrum` for every mode.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
        The teacher; must report its last iterate (``average="last"``).
    risk : float, optional
        The excess risk :math:`R` that drives the noise; default: the teacher's exact expected
        risk after ``teacher.steps`` steps.

    Returns
    -------
    ndarray, shape (d,)
        :math:`q_i^\ast` (0 for modes with :math:`f_i = 0`).

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.SGD(lr=0.45 / prob.eigs.sum(), steps=20000)
    >>> floor = kt.noise_floor(prob, teacher)
    >>> R = kt.expected_risk(prob, teacher, times=[teacher.steps]).final
    >>> print(f"mode 1: {floor[0]:.4f}, mode 50: {floor[49]:.4f}, "
    ...       f"lr (R + noise^2)/2 = {teacher.lr * (R + 1.0) / 2:.4f}")
    mode 1: 0.1418, mode 50: 0.1169, lr (R + noise^2)/2 = 0.1168
    """
    _check_pair(prob, teacher)
    _last_iterate_only(teacher, "noise_floor")
    check_stable(prob, teacher)
    if risk is None:
        risk = expected_risk(prob, teacher, times=[teacher.steps]).final
    risk = as_float("risk", risk, low=0.0)
    f2 = teacher.feature_scales(prob.d) ** 2
    g = teacher.lr * f2 * prob.eigs
    B = teacher.batch
    return teacher.lr * f2 * (risk + prob.noise**2) / (B * (2.0 - (1.0 + 1.0 / B) * g))


@dataclass(frozen=True, eq=False)
class TeacherSpectrum:
    r"""The per-mode error of a last-iterate SGD teacher, exact and predicted.

    Attributes
    ----------
    signal : ndarray, shape (d,)
        :math:`w_{\star,i}^2`, the error of a mode the teacher has not touched.
    error : ndarray, shape (d,)
        Exact :math:`\mathbb E u_i^2`, :math:`u = w_T - w_\star`.
    bias : ndarray, shape (d,)
        The signal not yet learned, :math:`(\mathbb E u_i)^2 = (1-g_i)^{2T} w_{\star,i}^2`.
    floor : ndarray, shape (d,)
        The stationary noise floor :math:`q_i^\ast` (:func:`noise_floor`).
    prediction : ndarray, shape (d,)
        The two-part prediction :math:`(\mathbb E u_i)^2 + q_i^\ast (1 - a_i^T)` with
        :math:`a_i = 1 - 2 g_i + g_i^2 (1 + 1/B)`: the unlearned signal plus the floor, built
        up at the mode's own rate.
    learned : ndarray of bool, shape (d,)
        Modes inside the teacher's horizon, :math:`g_i T \ge 1`.
    speeds : ndarray, shape (d,)
        :math:`g_i = \eta f_i^2 \lambda_i`.
    risk : float
        The teacher's exact expected excess risk :math:`R`.
    steps : int
        The teacher's :math:`T`.
    """

    signal: np.ndarray
    error: np.ndarray
    bias: np.ndarray
    floor: np.ndarray
    prediction: np.ndarray
    learned: np.ndarray
    speeds: np.ndarray
    risk: float
    steps: int

    @property
    def variance(self) -> np.ndarray:
        r"""Exact :math:`\operatorname{Var} u_i = \mathbb E u_i^2 - (\mathbb E u_i)^2`."""
        return self.error - self.bias

    @property
    def noisy(self) -> np.ndarray:
        r"""Learned modes whose floor beats their signal, :math:`q_i^\ast > w_{\star,i}^2`."""
        return self.learned & (self.floor > self.signal)

    @property
    def noisy_count(self) -> int:
        """How many learned modes are noise-dominated."""
        return int(self.noisy.sum())

    @property
    def first_noisy(self) -> int:
        """The first noise-dominated mode, counted from 1 (0 if there is none)."""
        idx = np.flatnonzero(self.noisy)
        return int(idx[0] + 1) if idx.size else 0

    @property
    def horizon(self) -> int:
        """The teacher's horizon: the number of learned modes."""
        return int(self.learned.sum())

    def __repr__(self):
        return (f"TeacherSpectrum(d={self.signal.size}, risk={self.risk:.4g}, "
                f"horizon={self.horizon}, noisy_modes={self.noisy_count})")


def teacher_spectrum(prob, teacher) -> TeacherSpectrum:
    r"""The teacher's per-mode error: exact, and as unlearned signal plus a flat noise floor.

    The exact :math:`\mathbb E u_i^2` comes from the second-moment recursion. The prediction
    splits it into the squared mean :math:`(1-g_i)^{2T} w_{\star,i}^2` (exact) and a variance
    that relaxes towards the floor :math:`q_i^\ast` of :func:`noise_floor` at the rate
    :math:`a_i = 1 - 2 g_i + g_i^2 (1 + 1/B)`,

    .. math::  \mathbb E u_i^2 \approx (1-g_i)^{2T} w_{\star,i}^2 + q_i^\ast\,(1 - a_i^T) ,

    which holds as long as the risk that drives the noise changes slowly near the end.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
        Must report its last iterate.

    Returns
    -------
    TeacherSpectrum

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> spec = kt.teacher_spectrum(prob, kt.SGD(lr=0.45 / prob.eigs.sum(), steps=20000))
    >>> spec
    TeacherSpectrum(d=1000, risk=0.3233, horizon=231, noisy_modes=223)
    >>> print(f"first noisy mode {spec.first_noisy}; worst relative error of the prediction "
    ...       f"{np.max(np.abs(spec.prediction / spec.error - 1)):.4f}")
    first noisy mode 9; worst relative error of the prediction 0.0039
    """
    _check_pair(prob, teacher)
    _last_iterate_only(teacher, "teacher_spectrum")
    u_mean, u_second = teacher_moments(prob, teacher)
    risk = float(prob.eigs @ u_second)
    floor = noise_floor(prob, teacher, risk=risk)
    g = teacher.speeds(prob.eigs)
    B = teacher.batch
    a = 1.0 - 2.0 * g + g**2 * (1.0 + 1.0 / B)
    bias = u_mean**2
    prediction = bias + floor * (1.0 - a**teacher.steps)
    learned = g * teacher.steps >= 1.0 - 1e-12
    return TeacherSpectrum(signal=prob.w_star**2, error=u_second, bias=bias, floor=floor,
                           prediction=prediction, learned=learned, speeds=g, risk=risk,
                           steps=teacher.steps)


def best_filter(prob, teacher):
    r"""The best per-mode linear filter of the teacher's weights, and its risk.

    Among students of the form :math:`w_i = c_i\, w_{T,i}` with fixed factors :math:`c_i`, the
    risk :math:`\sum_i \lambda_i \mathbb E (c_i w_{T,i} - w_{\star,i})^2` is smallest at

    .. math::  c_i = \frac{w_{\star,i}\,\mathbb E w_{T,i}}{\mathbb E w_{T,i}^2},
               \qquad R_\text{filter} = \sum_i \lambda_i \Bigl(w_{\star,i}^2
               - \frac{(w_{\star,i}\,\mathbb E w_{T,i})^2}{\mathbb E w_{T,i}^2}\Bigr) .

    In a learned mode (:math:`\mathbb E w_{T,i} = w_{\star,i}`) this is the Wiener factor
    :math:`w_{\star,i}^2 / (w_{\star,i}^2 + \operatorname{Var} u_i)`. It is a lower bound for
    every SGD student trained from zero on pure teacher labels (``mix=1``), whatever its step
    size, steps, features or averaging: given :math:`w_T`, such a student's mean is a per-mode
    linear filter of :math:`w_T`, and its own fluctuations only add to the risk. It needs
    :math:`w_\star`, which no student knows: it is a benchmark, not a learner.

    Parameters
    ----------
    prob : Problem
    teacher : SGD

    Returns
    -------
    factors : ndarray, shape (d,)
        :math:`c_i` (0 where the teacher's weight is always 0).
    risk : float
        :math:`R_\text{filter}`.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> c, r = kt.best_filter(prob, kt.SGD(lr=0.45 / prob.eigs.sum(), steps=20000))
    >>> print(f"factors {c[0]:.3f}, {c[8]:.3f}, {c[99]:.3f}; risk {r:.4f}")
    factors 0.876, 0.486, 0.077; risk 0.2215
    """
    _check_pair(prob, teacher)
    u_mean, u_second = teacher_moments(prob, teacher)
    w = prob.w_star
    m1 = w + u_mean                              # E w_T
    m2 = w**2 + 2 * w * u_mean + u_second        # E w_T^2
    safe = m2 > 0
    c = np.where(safe, w * m1 / np.where(safe, m2, 1.0), 0.0)
    err = np.where(safe, w**2 - (w * m1) ** 2 / np.where(safe, m2, 1.0), w**2)
    return c, float(prob.eigs @ np.maximum(err, 0.0))


# ----------------------------------------------------------------------------------------
# Students
# ----------------------------------------------------------------------------------------
def tilted_features(d, tilt=0.0, M=None) -> np.ndarray:
    r"""Feature scales :math:`f_i = i^{\text{tilt}/2}` for :math:`i \le M`, and 0 beyond.

    On the power-law problem the student's learning speeds become
    :math:`g_i = \eta f_i^2 \lambda_i = \eta\, i^{\text{tilt} - \alpha}`: ``tilt > 0`` flattens
    them (the tail learns relatively faster), ``tilt < 0`` steepens them (the top modes are
    boosted, the tail damped), and ``M`` cuts the student's capacity. The tilt
    :math:`2\alpha - \beta` makes the speeds proportional to :math:`w_{\star,i}^2`, the
    teacher's signal-to-floor ratio when the floor is flat.

    Parameters
    ----------
    d : int
        Dimension.
    tilt : float
        Exponent of :math:`f_i^2`.
    M : int, optional
        Capacity, ``1 <= M <= d``; ``None`` means ``d``.

    Returns
    -------
    ndarray, shape (d,)

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.tilted_features(5, tilt=2.0, M=3).tolist()
    [1.0, 2.0, 3.0, 0.0, 0.0]
    """
    d = as_int("d", d, low=1)
    tilt = as_float("tilt", tilt)
    M = d if M is None else as_int("M", M, low=1, high=d)
    i = np.arange(1, d + 1, dtype=float)
    return np.where(i <= M, i ** (tilt / 2.0), 0.0)


@dataclass(frozen=True, eq=False)
class StudentSweep:
    r"""Exact risks of students over a grid of step sizes and recording times.

    Attributes
    ----------
    lrs : ndarray, shape (K,)
        The stable step sizes.
    times : ndarray of int, shape (T,)
        The recording times (student steps).
    risk : ndarray, shape (K, T)
        Expected excess risk of the student trained on the teacher's labels.
    baseline : ndarray, shape (K, T)
        Expected excess risk of the same SGD trained on ground-truth labels (NaN if the sweep
        ran with ``baseline=False``).
    risk_teacher : float
        The teacher's expected excess risk.
    ceiling : float or None
        A fixed ceiling for :meth:`pgr` (e.g. the tuned ground-truth student), if given.
    features : ndarray of shape (d,) or None
        The student's feature scales.
    average : str
    """

    lrs: np.ndarray
    times: np.ndarray
    risk: np.ndarray
    baseline: np.ndarray
    risk_teacher: float
    ceiling: float | None
    features: np.ndarray | None
    average: str

    @property
    def lr_steps(self) -> np.ndarray:
        r""":math:`\eta t` on the grid, shape (K, T): the student's horizon in time units."""
        return self.lrs[:, None] * self.times[None, :]

    @property
    def gain_over_teacher(self) -> np.ndarray:
        r""":math:`1 - R_\text{student}/R_\text{teacher}`, shape (K, T)."""
        return 1.0 - self.risk / self.risk_teacher

    @property
    def pgr(self) -> np.ndarray:
        r"""Performance gap recovered, shape (K, T).

        :math:`(R_\text{teacher} - R_\text{student}) / (R_\text{teacher} - R_\text{ceiling})`,
        with the fixed ``ceiling`` if one was given, else the same SGD on ground truth at the
        same grid point (NaN where that baseline is no better than the teacher, since PGR
        then has no meaning).
        """
        gap_student = self.risk_teacher - self.risk
        if self.ceiling is not None:
            gap = self.risk_teacher - self.ceiling
            if gap <= 0:
                raise ValueError("PGR needs a ceiling below the teacher's risk")
            return gap_student / gap
        gap = self.risk_teacher - self.baseline
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(gap > 0, gap_student / np.where(gap > 0, gap, 1.0), np.nan)

    @property
    def best_index(self) -> tuple:
        """``(k, j)``: the grid point with the lowest student risk."""
        k, j = np.unravel_index(int(np.argmin(self.risk)), self.risk.shape)
        return int(k), int(j)

    @property
    def best_lr(self) -> float:
        """Step size of the best student."""
        return float(self.lrs[self.best_index[0]])

    @property
    def best_steps(self) -> int:
        """Steps of the best student."""
        return int(self.times[self.best_index[1]])

    @property
    def best_risk(self) -> float:
        """The lowest student risk on the grid."""
        return float(self.risk.min())

    @property
    def best_baseline(self) -> float:
        """The lowest ground-truth risk on the grid (the tuned baseline; NaN if not computed)."""
        return float(np.min(self.baseline))

    @property
    def at_edge(self) -> bool:
        """True if the best step size is the first or last of the grid (widen it)."""
        return self.best_index[0] in (0, self.lrs.size - 1)

    def __repr__(self):
        return (f"StudentSweep(K={self.lrs.size}, T={self.times.size}, "
                f"teacher={self.risk_teacher:.4g}, best={self.best_risk:.4g} at "
                f"lr={self.best_lr:.4g}, steps={self.best_steps})")


def _lr_grid(prob, lrs, batch, features, num):
    return stable_lr_grid(prob, lrs, batch=batch, features=features, num=num)


def _sweep_arrays(prob, teacher_moms, speeds, batch, steps, times, average, mix,
                  baseline=True):
    """Student and ground-truth risks, shape (K, T) each, in two vectorized passes
    (the ground-truth risks are NaN with ``baseline=False``)."""
    u_mean, u_second = teacher_moms
    K = speeds.shape[0]
    err = student_mode_error(prob, speeds, batch, steps, times, average, u_mean, u_second, mix)
    if not baseline:
        return err @ prob.eigs, np.full((K, np.size(times)), np.nan)
    base = second_moments(prob.eigs, speeds, prob.w_star**2, np.full(K, prob.noise**2),
                          batch, steps, times, average)
    return err @ prob.eigs, base @ prob.eigs


def student_sweep(prob, teacher, lrs, steps, times=None, *, average="last", features=None,
                  batch=1, mix=1.0, ceiling=None, baseline=True) -> StudentSweep:
    r"""Exact risk of every student on a (step size) x (steps) grid, in one vectorized pass.

    The students run SGD from zero on fresh inputs labelled by the teacher (weight ``mix``),
    each step size :math:`\eta_k` recorded at every time :math:`t_j`: one call of
    :func:`ktlib.student_mode_error` over the ``K`` step sizes gives the whole plane. The same
    grid is run on ground-truth labels for the baseline. The horizon of student
    :math:`(\eta, t)` is about :math:`(\eta t)^{1/\alpha}` modes (for ``features=None``), so
    the U-shape of W2S shows along :attr:`StudentSweep.lr_steps`.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    lrs : array_like, shape (K,)
        Student step sizes; those past the stability limit are dropped.
    steps : int
        The students' last step.
    times : array_like of int, optional
        Recording times in ``[0, steps]``; default: 60 log-spaced times (:func:`ktlib.time_grid`).
    average : {"last", "tail"}
        What the students report.
    features : array_like of shape (d,), optional
        The students' feature scales.
    batch : int
    mix : float
        Weight of the teacher's labels.
    ceiling : float, optional
        A fixed ceiling for PGR (e.g. ``kt.tune_lr(prob, kt.SGD(lr=1, steps=n)).best_risk``).
    baseline : bool
        Also run the grid on ground-truth labels (default). ``False`` halves the cost and
        leaves :attr:`StudentSweep.baseline` as NaN (then PGR needs ``ceiling``).

    Returns
    -------
    StudentSweep

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.SGD(lr=0.45 / prob.eigs.sum(), steps=20000)
    >>> sweep = kt.student_sweep(prob, teacher, lrs=np.geomspace(1e-4, 0.3, 25), steps=2000,
    ...                          times=[2000])
    >>> print(f"best lr {sweep.best_lr:.4f}, lr*n {sweep.best_lr * 2000:.1f}, "
    ...       f"risk {sweep.best_risk:.4f}, teacher {sweep.risk_teacher:.4f}")
    best lr 0.0039, lr*n 7.8, risk 0.2497, teacher 0.3233
    """
    _check_pair(prob, teacher)
    check_stable(prob, teacher)
    batch = as_int("batch", batch, low=1)
    steps = as_int("steps", steps, low=0)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    if average not in ("last", "tail"):
        raise ValueError(f"average must be one of ('last', 'tail'), got {average!r}")
    times = time_grid(steps, times)
    lrs, f2 = _lr_grid(prob, lrs, batch, features, num=2)
    if ceiling is not None:
        ceiling = as_float("ceiling", ceiling, low=0.0)
    moms = teacher_moments(prob, teacher)
    risk, base = _sweep_arrays(prob, moms, lrs[:, None] * f2, batch, steps, times, average, mix,
                               baseline=bool(baseline))
    risk_teacher = float(prob.eigs @ moms[1])
    feats = None if features is None else np.sqrt(f2)
    return StudentSweep(lrs=lrs, times=times, risk=risk, baseline=base,
                        risk_teacher=risk_teacher, ceiling=ceiling, features=feats,
                        average=average)


def compare_students(prob, teacher, students, steps, *, num=40, average="last", batch=1,
                     mix=1.0) -> dict:
    r"""Tune the step size of several students (different features) at once, by exact theory.

    Each student gets the grid of ``num`` step sizes from ``1e-4`` to ``0.95`` times its own
    :func:`ktlib.stability_limit`; all students and step sizes run in one vectorized pass, for
    the teacher's labels and for ground truth.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    students : dict
        ``label -> features`` (an array of shape (d,), or None for :math:`f = 1`).
    steps : int
        Every student's number of steps :math:`n`.
    num : int
        Step sizes per student.
    average, batch, mix
        As in :func:`student_sweep`.

    Returns
    -------
    dict
        ``label -> StudentSweep`` (with ``times = [steps]``): ``.best_lr``, ``.best_risk``,
        ``.best_baseline`` (the same features tuned on ground truth).

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
    >>> teacher = kt.SGD(lr=0.45 / prob.eigs.sum(), steps=20000)
    >>> out = kt.compare_students(prob, teacher, {"plain": None,
    ...                           "tilt 1": kt.tilted_features(1000, tilt=1.0)}, steps=2000)
    >>> for label, s in out.items():
    ...     print(f"{label}: lr {s.best_lr:.2g}, risk {s.best_risk:.4f}")
    plain: lr 0.0036, risk 0.2497
    tilt 1: lr 0.0011, risk 0.2275
    """
    _check_pair(prob, teacher)
    check_stable(prob, teacher)
    if not isinstance(students, dict) or not students:
        raise ValueError("students must be a non-empty dict label -> features (or None)")
    batch = as_int("batch", batch, low=1)
    steps = as_int("steps", steps, low=0)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    if average not in ("last", "tail"):
        raise ValueError(f"average must be one of ('last', 'tail'), got {average!r}")
    times = np.array([steps])
    grids, speeds, feats = [], [], []
    for features in students.values():
        lrs, f2 = _lr_grid(prob, None, batch, features, num)
        grids.append(lrs)
        speeds.append(lrs[:, None] * f2)
        feats.append(None if features is None else np.sqrt(f2))
    moms = teacher_moments(prob, teacher)
    risk, base = _sweep_arrays(prob, moms, np.vstack(speeds), batch, steps, times, average, mix)
    risk_teacher = float(prob.eigs @ moms[1])
    out, start = {}, 0
    for label, lrs, f in zip(students, grids, feats):
        sl = slice(start, start + lrs.size)
        out[label] = StudentSweep(lrs=lrs, times=times, risk=risk[sl], baseline=base[sl],
                                  risk_teacher=risk_teacher, ceiling=None, features=f,
                                  average=average)
        start += lrs.size
    return out


# ----------------------------------------------------------------------------------------
# The explorer
# ----------------------------------------------------------------------------------------
def w2s_spectrum(alpha=1.5, beta=2.5, noise=1.0, teacher_lr_tr=0.45, teacher_steps=20000,
                 teacher_average="last", student_lr=4e-3, student_steps=2000, tilt=0.0,
                 d=1000, ax=None):
    r"""Teacher and student error spectra of one weak-to-strong transfer (the chapter's explorer).

    On the power-law problem, a teacher runs SGD with the step size :math:`\eta_T` given by
    :math:`\eta_T \operatorname{tr} H` = ``teacher_lr_tr`` for ``teacher_steps`` steps;
    a student with features :func:`tilted_features` (``tilt``) runs ``student_steps`` steps of
    SGD on its labels. Draws, against the mode index, the exact per-mode errors of teacher and
    student, the signal :math:`w_{\star,i}^2`, the teacher's noise floor (last iterate only)
    and the two horizons. Prints nothing and does not call ``plt.show()``.

    Parameters
    ----------
    alpha, beta : float
        Capacity and source exponents (``> 1``).
    noise : float
        Label-noise standard deviation :math:`\sigma`.
    teacher_lr_tr : float
        The teacher's :math:`\eta_T \operatorname{tr} H` (must be below the stability limit).
    teacher_steps : int
    teacher_average : {"last", "tail"}
    student_lr : float
    student_steps : int
    tilt : float
        Exponent of the student's :math:`f_i^2 = i^{\text{tilt}}`.
    d : int
    ax : matplotlib Axes, optional

    Returns
    -------
    dict
        ``teacher_risk``, ``student_risk``, ``baseline_risk`` (the student SGD on ground
        truth), ``gain_over_teacher``, ``pgr`` (NaN if the baseline is not better than the
        teacher), ``floor`` (:math:`\eta_T(R+\sigma^2)/2`, NaN for a tail-averaged teacher),
        ``noisy_modes``, ``k_teacher``, ``k_student``.

    Raises
    ------
    ValueError
        For bad arguments, including a step size past the stability limit.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> out = kt.w2s_spectrum()
    >>> print(f"teacher {out['teacher_risk']:.4f}, student {out['student_risk']:.4f}, "
    ...       f"gain {out['gain_over_teacher']:.3f}, noisy modes {out['noisy_modes']}")
    teacher 0.3233, student 0.2497, gain 0.228, noisy modes 223
    """
    import matplotlib.pyplot as plt
    from . import plot

    prob = power_law(d=d, alpha=alpha, beta=beta, noise=noise)
    teacher_lr_tr = as_float("teacher_lr_tr", teacher_lr_tr, low=0.0, low_open=True)
    teacher = SGD(lr=teacher_lr_tr / prob.eigs.sum(), steps=teacher_steps,
                  average=teacher_average)
    feats = tilted_features(d, tilt)
    student = SGD(lr=student_lr, steps=student_steps, features=feats)
    out = transfer(prob, teacher, student, times=[0, student.steps],
                   teacher_times=[0, teacher.steps])
    k_teacher = horizon(prob, teacher.lr, teacher.steps)
    k_student = horizon(prob, student.lr, student.steps, features=feats)
    if teacher_average == "last":
        spec = teacher_spectrum(prob, teacher)
        floor_line = float(teacher.lr * (spec.risk + noise**2) / 2)
        noisy = spec.noisy_count
    else:
        floor_line, noisy = float("nan"), 0
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))
    plot.mode_spectrum({"teacher": out.teacher.mode_error[-1],
                        "student": out.student.mode_error[-1]}, ax=ax, signal=prob,
                       horizons={r"$k_{\rm teacher}$": k_teacher,
                                 r"$k_{\rm student}$": max(k_student, 1)})
    if np.isfinite(floor_line):
        ax.axhline(floor_line, color=plot.COLORS["noise"], linestyle=":", linewidth=1.4,
                   label=r"floor $\eta_T(R+\sigma^2)/2$")
        ax.legend(loc="lower left")
    gap = out.risk_teacher - out.risk_baseline
    return {"teacher_risk": out.risk_teacher, "student_risk": out.risk_student,
            "baseline_risk": out.risk_baseline, "gain_over_teacher": out.gain_over_teacher,
            "pgr": out.pgr if gap > 0 else float("nan"), "floor": floor_line,
            "noisy_modes": noisy, "k_teacher": int(k_teacher), "k_student": int(k_student)}
