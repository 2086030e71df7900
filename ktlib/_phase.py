r"""The unified view: the student as a filter, and phase diagrams of transfer gain (chapter 6).

**The filter equation.** Write :math:`\phi_i = 1 - k_i` for the fraction of its target that the
student's mean has reached in mode :math:`i` (for the last iterate of batch-1 SGD,
:math:`\phi_i = 1 - (1 - g_i)^n`, the learned fraction of :func:`ktlib.learned_fraction`) and
:math:`\psi_i` for the teacher's, so that :math:`\mathbb E w_{T,i} = \psi_i w_{\star,i}` and
:math:`\mathbb E u_i = -(1-\psi_i) w_{\star,i}`. Conditioned on the teacher, the student's mean is
:math:`\phi_i (w_{\star,i} + \text{mix}\,u_i)`; adding the student's own SGD fluctuation
:math:`V_i \ge 0` gives, exactly,

.. math::

    \mathbb E (w_{S,i} - w_{\star,i})^2
    = \underbrace{(1 - \phi_i \bar\psi_i)^2 w_{\star,i}^2}_{\text{signal not passed}}
    + \underbrace{\phi_i^2\,\text{mix}^2 \operatorname{Var} u_i}_{\text{teacher noise copied}}
    + \underbrace{V_i}_{\text{student's own noise}},
    \qquad \bar\psi_i = 1 - \text{mix}\,(1 - \psi_i).

The signal passes two filters in series (the teacher's :math:`\psi`, then the student's
:math:`\phi`); the teacher's noise passes only the student's. Dropping the cross term gives the
two-term reading :math:`(1-\phi_i)^2 w_{\star,i}^2 + \phi_i^2\,\text{mix}^2\,\mathbb E u_i^2`,
accurate where the teacher has learned the mode (:math:`\psi_i \approx 1`). See
:func:`filter_terms`.

**Phase diagrams.** :func:`transfer_phase` (one problem; teachers x student step sizes) and
:func:`spectra_phase` (a grid of power-law problems :math:`(\alpha, \beta)`; fixed
:class:`Recipe` for teacher and student) compute, by exact theory and in one vectorized pass
per learner, the risks of the teacher, the student and the best tuned ground-truth baseline,
and the two gains

.. math::

    G_\text{base} = 1 - R_\text{student}/R_\text{baseline}, \qquad
    G_\text{teacher} = 1 - R_\text{student}/R_\text{teacher} .

A student that beats the best ground-truth learner with its sample budget must have used the
teacher where noisy labels cannot get as close: mostly past the statistical horizon (horizon
expansion, the KD mechanism), and inside it only by the constant factor of label noise removed.
A student that beats its teacher must have left out some of the teacher's noise, since its
filter :math:`\phi_i \le 1` cannot add signal (denoising, the W2S mechanism).
:meth:`PhaseGrid.mechanism` labels each cell by which of the two happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem, power_law
from ._sgd import AVERAGES, SGD
from ._theory import (_check_pair, _stability_sum, check_stable, mean_factor, second_moments,
                      stability_limit)
from ._transfer import stacked_student_error, teacher_moments, transfer
from ._validate import as_float, as_int

__all__ = ["MECHANISMS", "classify", "Recipe", "PhaseGrid", "spectra_phase", "transfer_phase",
           "phase_plot", "FilterTerms", "filter_terms", "Readout", "spectral_readout",
           "SpotCheck", "spot_check"]

#: Names of the four outcomes of a transfer, indexed by the codes of :meth:`PhaseGrid.mechanism`:
#: 0 no gain, 1 beats the tuned baseline only, 2 beats its teacher only, 3 both.
MECHANISMS = ("none", "expansion", "denoising", "both")


def classify(gain, gain_over_teacher, tol=0.01):
    r"""Name the outcome of a transfer from its two gains.

    ``"expansion"`` if only :math:`G_\text{base} > \text{tol}` (the student beats the best
    ground-truth learner: the KD-like outcome), ``"denoising"`` if only
    :math:`G_\text{teacher} > \text{tol}` (it beats its teacher: the W2S-like outcome),
    ``"both"``, or ``"none"``.

    Parameters
    ----------
    gain : float
        :math:`1 - R_\text{student}/R_\text{baseline}`.
    gain_over_teacher : float
        :math:`1 - R_\text{student}/R_\text{teacher}`.
    tol : float
        Smallest gain that counts, ``>= 0``.

    Returns
    -------
    str
        One of :data:`MECHANISMS`.

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.classify(0.8, -0.2), kt.classify(-5.0, 0.2), kt.classify(0.005, -0.1)
    ('expansion', 'denoising', 'none')
    """
    gain = as_float("gain", gain)
    gain_over_teacher = as_float("gain_over_teacher", gain_over_teacher)
    tol = as_float("tol", tol, low=0.0)
    return MECHANISMS[int(gain > tol) + 2 * int(gain_over_teacher > tol)]


# ----------------------------------------------------------------------------------------
# Recipes
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipe:
    r"""How to train a learner on any problem: steps, batch, averaging and a step-size rule.

    The step size is ``lr_frac`` times the problem's stability limit
    :math:`\eta_{\max}` (:func:`ktlib.stability_limit` at this batch), or, with
    ``lr_frac=None``, tuned by exact theory over ``num`` log-spaced fractions from ``low`` to
    0.95 of :math:`\eta_{\max}`. A fraction of the limit, not a fixed number, is what keeps a
    recipe meaningful across spectra: :math:`\eta_{\max} \approx 2/\operatorname{tr} H` changes
    with :math:`\alpha`.

    Parameters
    ----------
    steps : int
        SGD steps :math:`T \ge 1` (sample size ``steps * batch``).
    batch : int
    lr_frac : float or None
        In ``(0, 1)``; ``None`` means tuned.
    average : {"last", "tail"}

    Examples
    --------
    >>> import ktlib as kt
    >>> weak = kt.Recipe(steps=2000, lr_frac=0.35)
    >>> sgd = weak.sgd(kt.power_law(d=100, alpha=1.5, beta=2.5))
    >>> sgd.steps, round(sgd.lr / kt.stability_limit(kt.power_law(d=100)), 2)
    (2000, 0.35)
    """

    steps: int
    batch: int = 1
    lr_frac: float | None = None
    average: str = "last"

    def __post_init__(self):
        object.__setattr__(self, "steps", as_int("steps", self.steps, low=1))
        object.__setattr__(self, "batch", as_int("batch", self.batch, low=1))
        if self.lr_frac is not None:
            object.__setattr__(self, "lr_frac", as_float("lr_frac", self.lr_frac, low=0.0,
                                                         high=1.0, low_open=True,
                                                         high_open=True))
        if self.average not in AVERAGES:
            raise ValueError(f"average must be one of {AVERAGES}, got {self.average!r}")

    @property
    def tuned(self) -> bool:
        """True if the step size is tuned (``lr_frac is None``)."""
        return self.lr_frac is None

    def fractions(self, num=10, low=1e-3) -> np.ndarray:
        """The fractions of the stability limit this recipe tries (one if it is fixed)."""
        if self.lr_frac is not None:
            return np.array([self.lr_frac])
        return np.geomspace(low, 0.95, num)

    def sgd(self, prob, lr_frac=None) -> SGD:
        """The learner on ``prob`` at ``lr_frac`` (default: the recipe's own) of the limit."""
        frac = self.lr_frac if lr_frac is None else lr_frac
        if frac is None:
            raise ValueError("this recipe tunes its step size: pass lr_frac, or use the "
                             "step size a phase diagram reports")
        return SGD(lr=frac * stability_limit(prob, self.batch), steps=self.steps,
                   batch=self.batch, average=self.average)


# ----------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PhaseGrid:
    r"""Risks of teacher, student and tuned baseline on a 2-d grid of settings.

    Every array has shape ``(ny, nx)``: row ``j`` is ``y[j]``, column ``i`` is ``x[i]``
    (the layout of :func:`ktlib.plot.heatmap`).

    Attributes
    ----------
    x, y : ndarray, shapes (nx,), (ny,)
        The axes.
    xlabel, ylabel : str
        Their labels (matplotlib mathtext).
    risk_teacher, risk_student, risk_baseline : ndarray
        Exact expected excess risks. The baseline is the student's SGD on ground-truth labels,
        with the best step size and averaging (``"last"`` or ``"tail"``) of its grid.
    lr_teacher, lr_student, lr_baseline : ndarray
        The step sizes used.
    average_baseline : ndarray of str
        The baseline's averaging.
    k_stat : ndarray of int
        The statistical horizon at the student's sample size :math:`n`,
        :math:`\#\{i: \lambda_i w_{\star,i}^2 > \sigma^2/n\}`.
    k_student, k_teacher : ndarray of int
        Optimization horizons :math:`\#\{i: g_i T \ge 1\}` of the student and the teacher.
    mix : float
    settings : ndarray of object, shape (ny, nx, 4)
        ``(prob, teacher, student, baseline)`` of each cell; see :meth:`setting`.
    """

    x: np.ndarray
    y: np.ndarray
    xlabel: str
    ylabel: str
    risk_teacher: np.ndarray
    risk_student: np.ndarray
    risk_baseline: np.ndarray
    lr_teacher: np.ndarray
    lr_student: np.ndarray
    lr_baseline: np.ndarray
    average_baseline: np.ndarray
    k_stat: np.ndarray
    k_student: np.ndarray
    k_teacher: np.ndarray
    mix: float
    settings: np.ndarray

    @property
    def shape(self) -> tuple:
        """``(ny, nx)``."""
        return self.risk_student.shape

    @property
    def gain(self) -> np.ndarray:
        r""":math:`G_\text{base} = 1 - R_\text{student}/R_\text{baseline}`."""
        return 1.0 - self.risk_student / self.risk_baseline

    @property
    def gain_over_teacher(self) -> np.ndarray:
        r""":math:`G_\text{teacher} = 1 - R_\text{student}/R_\text{teacher}`."""
        return 1.0 - self.risk_student / self.risk_teacher

    @property
    def log_gain(self) -> np.ndarray:
        r""":math:`\log_{10}(R_\text{baseline}/R_\text{student})`, positive where the student
        wins."""
        return np.log10(self.risk_baseline / self.risk_student)

    @property
    def log_gain_over_teacher(self) -> np.ndarray:
        r""":math:`\log_{10}(R_\text{teacher}/R_\text{student})`."""
        return np.log10(self.risk_teacher / self.risk_student)

    @property
    def pgr(self) -> np.ndarray:
        r"""Performance gap recovered with the tuned baseline as ceiling,
        :math:`(R_T - R_S)/(R_T - R_B)`; NaN where :math:`R_T \le R_B` (no gap to recover)."""
        gap = self.risk_teacher - self.risk_baseline
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(gap > 0, (self.risk_teacher - self.risk_student)
                            / np.where(gap > 0, gap, 1.0), np.nan)

    def mechanism(self, tol=0.01) -> np.ndarray:
        r"""Outcome codes, shape ``(ny, nx)``; ``MECHANISMS[code]`` names each (see
        :func:`classify`).

        ``code = [G_base > tol] + 2 [G_teacher > tol]``.
        """
        tol = as_float("tol", tol, low=0.0)
        return (self.gain > tol).astype(int) + 2 * (self.gain_over_teacher > tol).astype(int)

    def counts(self, tol=0.01) -> dict:
        """How many cells have each outcome: ``{name: count}`` over :data:`MECHANISMS`."""
        codes = self.mechanism(tol)
        return {name: int(np.sum(codes == c)) for c, name in enumerate(MECHANISMS)}

    def best_x(self) -> np.ndarray:
        """For each row, the ``x`` of the lowest student risk, shape (ny,)."""
        return self.x[np.argmin(self.risk_student, axis=1)]

    def setting(self, j, i) -> tuple:
        """``(prob, teacher, student, baseline)`` of cell ``(j, i)``, for :func:`ktlib.transfer`.

        ``kt.transfer(prob, teacher, student, mix=grid.mix, baseline=baseline)`` reproduces the
        cell's three risks.
        """
        return tuple(self.settings[j, i])

    def summary(self, j, i) -> str:
        """The numbers of one cell, formatted for printing."""
        return (f"{self.ylabel} = {self.y[j]:.3g}, {self.xlabel} = {self.x[i]:.3g}: "
                f"teacher {self.risk_teacher[j, i]:.4f}, student {self.risk_student[j, i]:.4f}, "
                f"baseline {self.risk_baseline[j, i]:.4f} -> G_base {self.gain[j, i]:+.2f}, "
                f"G_teacher {self.gain_over_teacher[j, i]:+.2f} "
                f"({MECHANISMS[self.mechanism()[j, i]]})")

    def __repr__(self):
        ny, nx = self.shape
        return f"PhaseGrid({ny} x {nx}, mix={self.mix:g})"


# ----------------------------------------------------------------------------------------
# Engines over stacked problems
# ----------------------------------------------------------------------------------------
def _ground_truth(eigs, w, noise, lrs, batch, steps, average):
    """Final E e_i^2 of SGD on ground truth for K stacked (problem, lr) rows, shape (K, d)."""
    K = lrs.size
    speeds = np.broadcast_to(lrs[:, None], eigs.shape)
    return second_moments(eigs, speeds, w**2, np.full(K, noise**2), batch, steps,
                          np.array([steps]), average)[:, 0]


def _student_error(eigs, w, noise, lrs, f2, batch, steps, average, u_mean, u_second, mix):
    r"""Exact final :math:`\mathbb E(w_{S,i} - w_{\star,i})^2` for K stacked rows, shape (K, d).

    :func:`ktlib.stacked_student_error` at the last step, with a problem (``eigs``, ``w``) per row.
    """
    speeds = lrs[:, None] * np.broadcast_to(f2, (eigs.shape[-1],))
    return stacked_student_error(eigs, w, noise, speeds, batch, steps, np.array([steps]),
                                 average, u_mean, u_second, mix)[:, 0]


def _count(mask):
    return np.sum(mask, axis=-1).astype(int)


def _check_averages(averages):
    averages = (averages,) if isinstance(averages, str) else tuple(averages)
    if not averages:
        raise ValueError("baseline_averages must name at least one of ('last', 'tail')")
    for a in averages:
        if a not in AVERAGES:
            raise ValueError(f"baseline_averages must be drawn from {AVERAGES}, got {a!r}")
    return averages


def _axis(name, values):
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty 1-d array of finite numbers")
    return arr


def _object_grid(rows):
    """An object array of shape (ny, nx, 4) from nested lists of 4-tuples."""
    ny, nx = len(rows), len(rows[0])
    out = np.empty((ny, nx, 4), dtype=object)
    for j in range(ny):
        for i in range(nx):
            for m in range(4):
                out[j, i, m] = rows[j][i][m]
    return out


# ----------------------------------------------------------------------------------------
# Phase diagram over spectra
# ----------------------------------------------------------------------------------------
def spectra_phase(alphas, betas, teacher, student, *, d=400, noise=1.0, mix=1.0, num=10,
                  low=1e-3, baseline_averages=("last", "tail")):
    r"""Transfer gain over a grid of power-law problems :math:`(\alpha, \beta)`, by exact theory.

    For every problem :func:`ktlib.power_law` ``(d, alpha, beta, noise)``: the teacher follows
    its :class:`Recipe` on noisy ground truth (step size tuned for its own risk if the recipe
    says so); the student follows its recipe on the teacher's labels (tuned for its own risk,
    given the teacher); the baseline is the student's SGD on ground truth, tuned over ``num``
    step-size fractions from ``low`` to 0.95 of the stability limit and over
    ``baseline_averages``. All :math:`P = n_\alpha n_\beta` problems and all step sizes run
    side by side: :func:`ktlib.second_moments` takes one spectrum per row, so one recursion per
    learner (and per baseline averaging) covers the whole diagram. Several teacher recipes
    share one baseline computation.

    Parameters
    ----------
    alphas, betas : array_like
        The axes (:math:`\alpha > 1`, :math:`\beta > 1`): ``x = alphas``, ``y = betas``.
    teacher : Recipe or sequence of Recipe
    student : Recipe
    d : int
    noise : float
    mix : float
        Weight of the teacher's labels.
    num : int
        Step sizes per tuned learner.
    low : float
        Smallest step size of a tuning grid, as a fraction of the stability limit.
    baseline_averages : sequence of {"last", "tail"}

    Returns
    -------
    PhaseGrid, or a tuple of PhaseGrid (one per teacher recipe) if ``teacher`` is a sequence

    Examples
    --------
    >>> import ktlib as kt
    >>> strong = kt.Recipe(steps=200, batch=100)              # tuned step size
    >>> weak = kt.Recipe(steps=500, lr_frac=0.35)             # last iterate, large step
    >>> kd, w2s = kt.spectra_phase([1.5, 2.5], [1.5, 2.5], [strong, weak],
    ...                            kt.Recipe(steps=500), d=100, num=6)
    >>> print(kd.gain.round(2).tolist(), w2s.gain_over_teacher.round(2).tolist())
    [[0.02, 0.02], [0.68, 0.26]] [[-0.18, -0.12], [0.16, -0.05]]
    """
    alphas = _axis("alphas", alphas)
    betas = _axis("betas", betas)
    several = not isinstance(teacher, Recipe)
    recipes = list(teacher) if several and isinstance(teacher, (list, tuple)) else [teacher]
    if not recipes or not all(isinstance(r, Recipe) for r in recipes) \
            or not isinstance(student, Recipe):
        raise ValueError("teacher must be a ktlib.Recipe (or a non-empty sequence of them) "
                         "and student a ktlib.Recipe")
    d = as_int("d", d, low=1)
    noise = as_float("noise", noise, low=0.0)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    num = as_int("num", num, low=2)
    low = as_float("low", low, low=0.0, high=0.95, low_open=True, high_open=True)
    averages = _check_averages(baseline_averages)
    flat = [power_law(d=d, alpha=a, beta=b, noise=noise) for b in betas for a in alphas]
    P = len(flat)
    eigs = np.array([p.eigs for p in flat])                    # (P, d)
    w = np.array([p.w_star for p in flat])
    lim_s = np.array([stability_limit(p, student.batch) for p in flat])
    rows_p = np.arange(P)

    def rows(arr, L):
        return np.repeat(arr, L, axis=0)

    # baseline: the student's SGD on ground truth, tuned over step size and averaging
    lrs_b = lim_s[:, None] * np.geomspace(low, 0.95, num)[None, :]
    risk_b = np.full(P, np.inf)
    lr_b = np.zeros(P)
    avg_b = np.array([averages[0]] * P, dtype=object)
    for a in averages:
        qb = _ground_truth(rows(eigs, num), rows(w, num), noise, lrs_b.ravel(), student.batch,
                           student.steps, a)
        rb = np.einsum("kd,kd->k", rows(eigs, num), qb).reshape(P, num)
        j = np.argmin(rb, axis=1)
        better = rb[rows_p, j] < risk_b
        risk_b = np.where(better, rb[rows_p, j], risk_b)
        lr_b = np.where(better, lrs_b[rows_p, j], lr_b)
        avg_b[better] = a

    n = student.steps * student.batch
    k_stat = _count(eigs * w**2 > noise**2 / n)
    shape = (betas.size, alphas.size)
    fs = student.fractions(num, low)
    Ls = fs.size
    lrs_s = lim_s[:, None] * fs[None, :]
    grids = []
    for rec in recipes:
        # teacher: tuned (or fixed) on ground truth
        lim_t = np.array([stability_limit(p, rec.batch) for p in flat])
        ft = rec.fractions(num, low)
        Lt = ft.size
        lrs_t = lim_t[:, None] * ft[None, :]                   # (P, Lt)
        qt = _ground_truth(rows(eigs, Lt), rows(w, Lt), noise, lrs_t.ravel(), rec.batch,
                           rec.steps, rec.average)
        rt = np.einsum("kd,kd->k", rows(eigs, Lt), qt).reshape(P, Lt)
        bt = np.argmin(rt, axis=1)
        lr_t = lrs_t[rows_p, bt]
        u_second = qt[rows_p * Lt + bt]
        k_t = mean_factor(lr_t[:, None] * eigs, np.array([rec.steps]), rec.average)[:, 0]
        u_mean = -k_t * w
        risk_t = rt[rows_p, bt]

        # student: tuned (or fixed) on the teacher's labels
        es = _student_error(rows(eigs, Ls), rows(w, Ls), noise, lrs_s.ravel(), 1.0,
                            student.batch, student.steps, student.average, rows(u_mean, Ls),
                            rows(u_second, Ls), mix)
        rs = np.einsum("kd,kd->k", rows(eigs, Ls), es).reshape(P, Ls)
        bs = np.argmin(rs, axis=1)
        lr_s = lrs_s[rows_p, bs]
        risk_s = rs[rows_p, bs]

        k_student = _count(lr_s[:, None] * eigs * student.steps >= 1.0 - 1e-12)
        k_teacher = _count(lr_t[:, None] * eigs * rec.steps >= 1.0 - 1e-12)
        cells = []
        for p, prob in enumerate(flat):
            cells.append((prob,
                          SGD(lr=float(lr_t[p]), steps=rec.steps, batch=rec.batch,
                              average=rec.average),
                          SGD(lr=float(lr_s[p]), steps=student.steps, batch=student.batch,
                              average=student.average),
                          SGD(lr=float(lr_b[p]), steps=student.steps, batch=student.batch,
                              average=avg_b[p])))
        nx = alphas.size
        grids.append(PhaseGrid(
            x=alphas, y=betas, xlabel=r"capacity $\alpha$", ylabel=r"source $\beta$",
            risk_teacher=risk_t.reshape(shape), risk_student=risk_s.reshape(shape),
            risk_baseline=risk_b.reshape(shape), lr_teacher=lr_t.reshape(shape),
            lr_student=lr_s.reshape(shape), lr_baseline=lr_b.reshape(shape),
            average_baseline=np.array(avg_b.tolist(), dtype=str).reshape(shape),
            k_stat=k_stat.reshape(shape), k_student=k_student.reshape(shape),
            k_teacher=k_teacher.reshape(shape), mix=mix,
            settings=_object_grid([cells[j * nx:(j + 1) * nx] for j in range(betas.size)])))
    return tuple(grids) if several else grids[0]


# ----------------------------------------------------------------------------------------
# Phase diagram over teachers x student horizons on one problem
# ----------------------------------------------------------------------------------------
def transfer_phase(prob, teachers, steps, student_lrs=None, *, y=None,
                   ylabel="teacher", batch=1, average="last", features=None, mix=1.0, num=10,
                   low=1e-3, baseline_num=40, baseline_averages=("last", "tail")) -> PhaseGrid:
    r"""Transfer gain over (teacher) x (student step size) on one problem, by exact theory.

    Row ``j`` is the teacher ``teachers[j]``; column ``i`` is a student running ``steps`` steps
    of SGD with step size ``student_lrs[i]`` on that teacher's labels. The x-axis is the
    student's horizon in time units, :math:`x_i = \eta_i\,T` (its horizon in modes is about
    :math:`(\eta_i T)^{1/\alpha}` for :math:`f = 1`). All ``ny * nx`` students run in one call
    of the exact recursion. The baseline is one number: the same SGD on ground truth, tuned
    over ``baseline_num`` step sizes (from ``1e-4`` to 0.95 of the stability limit) and over
    ``baseline_averages``.

    Parameters
    ----------
    prob : Problem
    teachers : sequence of SGD
        One teacher per row (e.g. one batch size each: a noisier or a quieter teacher with
        the same horizon).
    steps : int
        The student's steps :math:`T` (its sample size is ``steps * batch``).
    student_lrs : array_like, optional
        Student step sizes; default ``num`` log-spaced values from ``low`` to 0.95 of the
        stability limit. Every value must be stable.
    y : array_like, optional
        The row coordinates (default ``0, 1, ...``), e.g. the teachers' batch sizes.
    ylabel : str
    batch, average, features
        The student's SGD (features: shape (d,)).
    mix : float
    num, low : int, float
        The default student grid.
    baseline_num : int
    baseline_averages : sequence of {"last", "tail"}

    Returns
    -------
    PhaseGrid

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> teachers = [kt.SGD(lr=0.15, steps=1000, batch=B) for B in (1, 64)]
    >>> grid = kt.transfer_phase(prob, teachers, 2000, [0.002, 0.02, 0.2], y=[1, 64])
    >>> print(grid.best_x().tolist(), grid.mechanism().tolist())
    [40.0, 400.0] [[2, 2, 2], [0, 1, 1]]
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    teachers = [teachers] if isinstance(teachers, SGD) else list(teachers)
    if not teachers:
        raise ValueError("teachers must hold at least one ktlib.SGD")
    for t in teachers:
        _check_pair(prob, t)
        check_stable(prob, t)
    steps = as_int("steps", steps, low=1)
    batch = as_int("batch", batch, low=1)
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    mix = as_float("mix", mix, low=0.0, high=1.0)
    averages = _check_averages(baseline_averages)
    probe = SGD(lr=1.0, steps=steps, batch=batch, features=features, average=average)
    f2 = probe.feature_scales(prob.d) ** 2
    limit = stability_limit(prob, batch, features)
    if student_lrs is None:
        num = as_int("num", num, low=2)
        low = as_float("low", low, low=0.0, high=0.95, low_open=True, high_open=True)
        student_lrs = np.geomspace(low, 0.95, num) * limit
    lrs = _axis("student_lrs", student_lrs)
    if np.any(lrs <= 0):
        raise ValueError("student_lrs must be > 0")
    if np.any(_stability_sum(lrs[:, None] * f2 * prob.eigs, batch) >= 1):
        raise ValueError(f"every student lr must be below the stability limit "
                         f"lr < {limit:.6g} (batch={batch})")
    ny, nx = len(teachers), lrs.size
    y = np.arange(ny, dtype=float) if y is None else _axis("y", y)
    if y.size != ny:
        raise ValueError(f"y must have one value per teacher ({ny}), got {y.size}")

    moms = [teacher_moments(prob, t) for t in teachers]
    u_mean = np.array([m[0] for m in moms])                   # (ny, d)
    u_second = np.array([m[1] for m in moms])
    risk_t = u_second @ prob.eigs
    K = ny * nx
    eigs = np.broadcast_to(prob.eigs, (K, prob.d))
    w = np.broadcast_to(prob.w_star, (K, prob.d))
    err = _student_error(eigs, w, prob.noise, np.tile(lrs, ny), f2, batch, steps, average,
                         np.repeat(u_mean, nx, axis=0), np.repeat(u_second, nx, axis=0), mix)
    risk_s = (err @ prob.eigs).reshape(ny, nx)

    blrs = np.geomspace(1e-4, 0.95, as_int("baseline_num", baseline_num, low=2)) * limit
    best_b, lr_b, avg_b = np.inf, None, None
    for a in averages:
        q = second_moments(prob.eigs, blrs[:, None] * f2, prob.w_star**2,
                           np.full(blrs.size, prob.noise**2), batch, steps, np.array([steps]),
                           a)[:, 0]
        r = q @ prob.eigs
        j = int(np.argmin(r))
        if r[j] < best_b:
            best_b, lr_b, avg_b = float(r[j]), float(blrs[j]), a

    n = steps * batch
    k_stat = int(np.sum(prob.signal > prob.noise**2 / n))
    g = lrs[:, None] * f2 * prob.eigs
    k_student = _count(g * steps >= 1.0 - 1e-12)               # (nx,)
    k_teacher = np.array([int(np.sum(t.speeds(prob.eigs) * t.steps >= 1.0 - 1e-12))
                          for t in teachers])
    baseline = SGD(lr=lr_b, steps=steps, batch=batch, features=features, average=avg_b)
    cells = [[(prob, t, SGD(lr=float(lr), steps=steps, batch=batch, features=features,
                            average=average), baseline) for lr in lrs] for t in teachers]
    shape = (ny, nx)
    return PhaseGrid(x=lrs * steps, y=y, xlabel=r"student's $\eta T$", ylabel=ylabel,
                     risk_teacher=np.broadcast_to(risk_t[:, None], shape).copy(),
                     risk_student=risk_s, risk_baseline=np.full(shape, best_b),
                     lr_teacher=np.broadcast_to(np.array([t.lr for t in teachers])[:, None],
                                                shape).copy(),
                     lr_student=np.broadcast_to(lrs[None, :], shape).copy(),
                     lr_baseline=np.full(shape, lr_b), average_baseline=np.full(shape, avg_b),
                     k_stat=np.full(shape, k_stat),
                     k_student=np.broadcast_to(k_student[None, :], shape).copy(),
                     k_teacher=np.broadcast_to(k_teacher[:, None], shape).copy(), mix=mix,
                     settings=_object_grid(cells))


# ----------------------------------------------------------------------------------------
# Drawing a phase diagram
# ----------------------------------------------------------------------------------------
_NAMES = {"expansion": "expansion\n(KD-like)", "denoising": "denoising\n(W2S-like)",
          "both": "both", "none": "no gain"}


def phase_plot(grid, which="baseline", ax=None, tol=0.01, vmax=None, xlog=False, ylog=False,
               labels=True, annotate=None):
    r"""Draw one gain of a :class:`PhaseGrid` with :func:`ktlib.plot.heatmap`, regions named.

    The colour is :math:`\log_{10}(R_\text{ref}/R_\text{student})` (blue: the student wins),
    with ``ref`` the tuned baseline (``which="baseline"``) or the teacher
    (``which="teacher"``); a solid black contour marks where this gain is zero and a dashed
    one where the other gain is zero. Each outcome of :meth:`PhaseGrid.mechanism` present on
    the grid is written at the cell of its region nearest the region's centre.

    Parameters
    ----------
    grid : PhaseGrid
    which : {"baseline", "teacher"}
    ax : matplotlib Axes, optional
    tol : float
        Passed to :meth:`PhaseGrid.mechanism`.
    vmax : float, optional
        Colour range :math:`[-v, v]` of the log ratio (default: its largest magnitude).
    xlog, ylog : bool
    labels : bool
        Write the outcome names.
    annotate : str, optional
        Format of per-cell values (passed to :func:`ktlib.plot.heatmap`).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> grid = kt.transfer_phase(prob, [kt.SGD(lr=0.15, steps=1000, batch=B) for B in (1, 64)],
    ...                          2000, [0.002, 0.02, 0.2], y=[1, 64])
    >>> ax = kt.phase_plot(grid, xlog=True, ylog=True)
    >>> sorted(t.get_text().split()[0] for t in ax.texts)
    ['denoising', 'expansion', 'no']
    """
    from . import plot

    if not isinstance(grid, PhaseGrid):
        raise ValueError(f"grid must be a PhaseGrid, got {type(grid).__name__}")
    if which not in ("baseline", "teacher"):
        raise ValueError(f"which must be 'baseline' or 'teacher', got {which!r}")
    Z = grid.log_gain if which == "baseline" else grid.log_gain_over_teacher
    other = grid.log_gain_over_teacher if which == "baseline" else grid.log_gain
    ref = "baseline" if which == "baseline" else "teacher"
    ax = plot.heatmap(Z, grid.x, grid.y, ax=ax, xlabel=grid.xlabel, ylabel=grid.ylabel,
                      cbar_label=rf"$\log_{{10}}(R_{{\rm {ref}}}/R_{{\rm student}})$",
                      xlog=xlog, ylog=ylog, vmax=vmax, annotate=annotate)
    finite = other[np.isfinite(other)]
    if finite.size and finite.min() < 0 < finite.max() and min(grid.shape) > 1:
        ax.contour(grid.x, grid.y, other, levels=[0.0], colors="black", linewidths=1.0,
                   linestyles="dashed")
    if labels:
        codes = grid.mechanism(tol)
        X = np.log(grid.x) if xlog else grid.x
        Y = np.log(grid.y) if ylog else grid.y
        sx = np.ptp(X) or 1.0
        sy = np.ptp(Y) or 1.0
        for c, name in enumerate(MECHANISMS):
            jj, ii = np.nonzero(codes == c)
            if jj.size == 0:
                continue
            cx, cy = X[ii].mean(), Y[jj].mean()
            k = int(np.argmin(((X[ii] - cx) / sx) ** 2 + ((Y[jj] - cy) / sy) ** 2))
            ax.text(grid.x[ii[k]], grid.y[jj[k]], _NAMES[name], ha="center", va="center",
                    fontsize=8.5, color="black",
                    bbox=dict(boxstyle="round,pad=0.25", facecolor="white", alpha=0.8,
                              edgecolor="none"))
    return ax


# ----------------------------------------------------------------------------------------
# The filter
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FilterTerms:
    r"""The student's exact per-mode error, read as a filter on the teacher (all shape (d,)).

    Attributes
    ----------
    phi : ndarray
        The student's filter :math:`\phi_i = 1 - k_i` (its mean reaches :math:`\phi_i` of its
        target; :math:`1 - (1-g_i)^n` for the last iterate).
    psi : ndarray
        The teacher's filter: :math:`\mathbb E w_{T,i} = \psi_i w_{\star,i}`.
    signal : ndarray
        :math:`w_{\star,i}^2`.
    teacher_error : ndarray
        :math:`\mathbb E u_i^2`.
    teacher_var : ndarray
        :math:`\operatorname{Var} u_i`.
    exact : ndarray
        :math:`\mathbb E (w_{S,i} - w_{\star,i})^2` (as :func:`ktlib.transfer`).
    mix : float
    eigs : ndarray
    """

    phi: np.ndarray
    psi: np.ndarray
    signal: np.ndarray
    teacher_error: np.ndarray
    teacher_var: np.ndarray
    exact: np.ndarray
    mix: float
    eigs: np.ndarray

    @property
    def missed(self) -> np.ndarray:
        r"""Signal not passed, :math:`(1 - \phi_i\bar\psi_i)^2 w_{\star,i}^2`,
        :math:`\bar\psi_i = 1 - \text{mix}(1-\psi_i)`."""
        psi_bar = 1.0 - self.mix * (1.0 - self.psi)
        return (1.0 - self.phi * psi_bar) ** 2 * self.signal

    @property
    def copied(self) -> np.ndarray:
        r"""Teacher noise copied, :math:`\phi_i^2\,\text{mix}^2 \operatorname{Var} u_i`."""
        return self.phi**2 * self.mix**2 * self.teacher_var

    @property
    def filter(self) -> np.ndarray:
        r"""The filter reading ``missed + copied``: the exact error of the student's mean path."""
        return self.missed + self.copied

    @property
    def fluctuation(self) -> np.ndarray:
        r"""The student's own SGD noise :math:`V_i` = ``exact - filter`` (:math:`\ge 0`)."""
        return np.maximum(self.exact - self.filter, 0.0)

    @property
    def simple(self) -> np.ndarray:
        r"""The two-term reading
        :math:`(1-\phi_i)^2 w_{\star,i}^2 + \phi_i^2\,\text{mix}^2\,\mathbb E u_i^2`."""
        return (1.0 - self.phi) ** 2 * self.signal + self.phi**2 * self.mix**2 * self.teacher_error

    def risk(self, part="exact") -> float:
        r""":math:`\sum_i \lambda_i\,(\text{part})_i` for a part named above (or ``"exact"``)."""
        parts = ("exact", "filter", "missed", "copied", "fluctuation", "simple", "teacher_error",
                 "signal")
        if part not in parts:
            raise ValueError(f"part must be one of {parts}, got {part!r}")
        return float(self.eigs @ getattr(self, part))

    def __repr__(self):
        return (f"FilterTerms(d={self.phi.size}, exact={self.risk():.4g}, "
                f"filter={self.risk('filter'):.4g}, simple={self.risk('simple'):.4g})")


def filter_terms(prob, teacher, student, mix=1.0) -> FilterTerms:
    r"""The student's final per-mode error split into the filter terms of the module docstring.

    .. math::

        \mathbb E (w_{S,i} - w_{\star,i})^2
        = (1 - \phi_i \bar\psi_i)^2 w_{\star,i}^2 + \phi_i^2\,\text{mix}^2\operatorname{Var} u_i
          + V_i .

    The first two terms are the error of the student's mean path given the teacher (a
    deterministic per-mode filter of :math:`w_T`); :math:`V_i` is what the student's own SGD
    adds, and it vanishes as the student's batch grows.

    Parameters
    ----------
    prob : Problem
    teacher, student : SGD
    mix : float

    Returns
    -------
    FilterTerms

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> ft = kt.filter_terms(prob, kt.SGD(lr=0.2, steps=2000), kt.SGD(lr=0.005, steps=2000))
    >>> print(f"exact {ft.risk():.4f}, filter {ft.risk('filter'):.4f}, "
    ...       f"simple {ft.risk('simple'):.4f}")
    exact 0.2937, filter 0.2931, simple 0.2930
    >>> bool(np.allclose(ft.phi, kt.learned_fraction(prob, 0.005, 2000)))
    True
    """
    _check_pair(prob, teacher)
    _check_pair(prob, student)
    check_stable(prob, teacher)
    check_stable(prob, student)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    u_mean, u_second = teacher_moments(prob, teacher)
    w = prob.w_star
    k_s = mean_factor(student.speeds(prob.eigs), np.array([student.steps]), student.average)[0]
    k_t = mean_factor(teacher.speeds(prob.eigs), np.array([teacher.steps]), teacher.average)[0]
    err = _student_error(prob.eigs[None], w[None], prob.noise, np.array([student.lr]),
                         student.feature_scales(prob.d) ** 2, student.batch, student.steps,
                         student.average, u_mean[None], u_second[None], mix)[0]
    return FilterTerms(phi=1.0 - k_s, psi=1.0 - k_t, signal=w**2, teacher_error=u_second,
                       teacher_var=np.maximum(u_second - u_mean**2, 0.0), exact=err, mix=mix,
                       eigs=prob.eigs)


# ----------------------------------------------------------------------------------------
# Reading a spectrum
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Readout:
    r"""What a teacher's error spectrum says about transfer, before any student is trained.

    All arrays have shape (d,).

    Attributes
    ----------
    signal : ndarray
        :math:`w_{\star,i}^2`.
    eigs : ndarray
        :math:`\lambda_i`.
    psi : ndarray
        The teacher's filter, :math:`\mathbb E w_{T,i} = \psi_i w_{\star,i}`.
    teacher_var : ndarray
        :math:`\operatorname{Var} u_i`.
    noise : float
    n : int
        The student's sample size.
    k_stat : int
        Statistical horizon at :math:`n`, :math:`\#\{i : \lambda_i w_{\star,i}^2 > \sigma^2/n\}`.
    k_teacher : int
        The teacher's optimization horizon.
    """

    signal: np.ndarray
    eigs: np.ndarray
    psi: np.ndarray
    teacher_var: np.ndarray
    noise: float
    n: int
    k_stat: int
    k_teacher: int

    @property
    def teacher_error(self) -> np.ndarray:
        r""":math:`\mathbb E u_i^2 = (1-\psi_i)^2 w_{\star,i}^2 + \operatorname{Var} u_i`."""
        return (1.0 - self.psi) ** 2 * self.signal + self.teacher_var

    @property
    def teacher_rel(self) -> np.ndarray:
        r"""The teacher's relative error :math:`r_i = \mathbb E u_i^2 / w_{\star,i}^2`
        (below 1: copying mode :math:`i` beats leaving it at zero)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.signal > 0, self.teacher_error
                            / np.where(self.signal > 0, self.signal, 1.0), np.inf)

    @property
    def direct_rel(self) -> np.ndarray:
        r"""The best relative error of a ground-truth learner with :math:`n` samples,
        :math:`\min(1, \sigma^2 / (n \lambda_i w_{\star,i}^2))`: estimate the mode at variance
        :math:`\sigma^2/(n\lambda_i)`, or leave it at zero."""
        sig = self.eigs * self.signal
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sig > 0, np.minimum(1.0, self.noise**2
                                                / (self.n * np.where(sig > 0, sig, 1.0))), 1.0)

    @property
    def ideal_filter(self) -> np.ndarray:
        r"""The best per-mode filter :math:`\phi^\star_i \in [0, 1]` of the teacher's weights,

        .. math::  \phi^\star_i = \min\Bigl(1, \frac{\psi_i w_{\star,i}^2}
                   {\psi_i^2 w_{\star,i}^2 + \operatorname{Var} u_i}\Bigr),

        the minimiser of the filter error :math:`(1-\phi\psi_i)^2 w_{\star,i}^2 + \phi^2
        \operatorname{Var} u_i` over :math:`\phi \in [0, 1]`, the mean factors of an SGD
        student from zero whose speeds satisfy :math:`g_i \le 1` (every stable batch-1 student,
        last iterate or tail average); 0 where the teacher's weight is always 0."""
        den = self.psi**2 * self.signal + self.teacher_var
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.where(den > 0, self.psi * self.signal / np.where(den > 0, den, 1.0), 0.0)
        return np.clip(phi, 0.0, 1.0)

    @property
    def filter_bound(self) -> float:
        r"""Risk of the ideal filter, :math:`\sum_i \lambda_i [(1-\phi^\star_i\psi_i)^2
        w_{\star,i}^2 + \phi^{\star 2}_i \operatorname{Var} u_i]`: no student trained from zero
        on pure teacher labels with speeds :math:`g_i \le 1` (every stable batch-1 student) does
        better, whatever its step size, steps, features or averaging (its own SGD noise only
        adds)."""
        phi = self.ideal_filter
        err = (1.0 - phi * self.psi) ** 2 * self.signal + phi**2 * self.teacher_var
        return float(self.eigs @ err)

    @property
    def risk_teacher(self) -> float:
        r"""The teacher's risk :math:`\sum_i \lambda_i \mathbb E u_i^2`."""
        return float(self.eigs @ self.teacher_error)

    @property
    def noisy_modes(self) -> int:
        """Learned modes of the teacher (:math:`i \\le k_T`) with more noise than signal
        (:math:`r_i > 1`)."""
        i = np.arange(1, self.signal.size + 1)
        return int(np.sum((self.teacher_rel > 1.0) & (i <= self.k_teacher)))

    @property
    def first_noisy(self) -> int:
        """The first learned mode with :math:`r_i > 1`, counted from 1 (0 if there is none)."""
        i = np.arange(1, self.signal.size + 1)
        hit = np.flatnonzero((self.teacher_rel > 1.0) & (i <= self.k_teacher))
        return int(hit[0] + 1) if hit.size else 0

    def summary(self) -> str:
        """The readout, formatted for printing."""
        return (f"k_stat {self.k_stat:3d}, teacher horizon {self.k_teacher:3d}, noisy learned "
                f"modes {self.noisy_modes:3d} (from mode {self.first_noisy}), teacher risk "
                f"{self.risk_teacher:.4f}, filter bound {self.filter_bound:.4f}")

    def __repr__(self):
        return f"Readout(n={self.n}, k_stat={self.k_stat}, k_teacher={self.k_teacher})"


def spectral_readout(prob, teacher, n) -> Readout:
    r"""Read a teacher's error spectrum against what :math:`n` ground-truth samples can give.

    Per mode, in units of the signal :math:`w_{\star,i}^2`: the teacher's error
    :math:`r_i = \mathbb E u_i^2 / w_{\star,i}^2` and the best direct error
    :math:`\min(1, \sigma^2/(n\lambda_i w_{\star,i}^2))`; copying pays where the first is below
    the second. The ideal filter :math:`\phi^\star` and its risk (:attr:`Readout.filter_bound`)
    say how much any student on pure teacher labels could gain: distillation can beat the
    tuned baseline only if the bound is below the baseline's risk, and the student can beat its
    teacher by at most :math:`R_T - \text{bound}`.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    n : int
        The student's sample size.

    Returns
    -------
    Readout

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=300, alpha=1.5, beta=2.5, noise=1.0)
    >>> for B in (1, 32):
    ...     ro = kt.spectral_readout(prob, kt.SGD(lr=0.18, steps=1000, batch=B), 2000)
    ...     print(B, ro.k_stat, ro.k_teacher, ro.noisy_modes, ro.first_noisy,
    ...           f"{ro.risk_teacher:.4f} {ro.filter_bound:.4f}")
    1 20 31 23 9 0.3102 0.2243
    32 20 31 0 0 0.0088 0.0087
    """
    _check_pair(prob, teacher)
    check_stable(prob, teacher)
    n = as_int("n", n, low=1)
    u_mean, u_second = teacher_moments(prob, teacher)
    k_t = mean_factor(teacher.speeds(prob.eigs), np.array([teacher.steps]), teacher.average)[0]
    k_stat = int(np.sum(prob.signal > prob.noise**2 / n))
    k_teacher = int(np.sum(teacher.speeds(prob.eigs) * teacher.steps >= 1.0 - 1e-12))
    return Readout(signal=prob.w_star**2, eigs=prob.eigs, psi=1.0 - k_t,
                   teacher_var=np.maximum(u_second - u_mean**2, 0.0), noise=prob.noise, n=n,
                   k_stat=k_stat, k_teacher=k_teacher)


# ----------------------------------------------------------------------------------------
# Theory against Monte Carlo at one point
# ----------------------------------------------------------------------------------------
_LEARNERS = ("teacher", "student", "baseline")


@dataclass(frozen=True, eq=False)
class SpotCheck:
    r"""Exact risks and Monte Carlo means of one transfer, learner by learner (arrays of shape 3).

    Attributes
    ----------
    theory : ndarray
        Exact expected excess risks of teacher, student, baseline.
    mean, sem : ndarray
        Monte Carlo mean over ``seeds`` runs and its standard error.
    seeds : int
    """

    theory: np.ndarray
    mean: np.ndarray
    sem: np.ndarray
    seeds: int

    @property
    def z(self) -> np.ndarray:
        r""":math:`z = (\bar R - \mathbb E R)/\mathrm{se}` for teacher, student, baseline."""
        return (self.mean - self.theory) / self.sem

    @property
    def max_abs_z(self) -> float:
        """The largest :math:`|z|` of the three."""
        return float(np.max(np.abs(self.z)))

    def table(self) -> str:
        """One line per learner: theory, Monte Carlo mean +- s.e., and :math:`|z|`."""
        lines = []
        for name, t, m, s, z in zip(_LEARNERS, self.theory, self.mean, self.sem, self.z):
            lines.append(f"{name:8s} theory {t:.4f}   MC {m:.4f} +- {s:.4f}   |z| = {abs(z):.2f}")
        return "\n".join(lines)

    def __repr__(self):
        return f"SpotCheck(seeds={self.seeds}, max|z|={self.max_abs_z:.2f})"


def spot_check(prob, teacher, student, baseline=None, mix=1.0, seeds=32, seed=0) -> SpotCheck:
    r"""Put the exact risks of one transfer next to a Monte Carlo estimate.

    Runs :func:`ktlib.transfer` twice, ``method="exact"`` and ``method="simulate"`` (one fresh
    teacher per seed), recording only the final step of each learner. The standard error is
    estimated from the runs, so :math:`|z|` is meaningful only when the per-run risk is not too
    heavy-tailed: a last-iterate teacher with a large step size (and its student) needs many
    more seeds than a mini-batch or averaged one.

    Parameters
    ----------
    prob : Problem
    teacher, student : SGD
    baseline : SGD, optional
        Default: ``student``.
    mix : float
    seeds : int
        Monte Carlo runs, ``>= 2``.
    seed : int
        Root seed.

    Returns
    -------
    SpotCheck

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=100, alpha=1.5, beta=2.5, noise=1.0)
    >>> sc = kt.spot_check(prob, kt.SGD(lr=0.05, steps=500, batch=4),
    ...                    kt.SGD(lr=0.05, steps=500), seeds=16, seed=1)
    >>> print(sc.theory.round(4).tolist(), bool(sc.max_abs_z < 3))
    [0.0266, 0.0364, 0.0716] True
    """
    seeds = as_int("seeds", seeds, low=2)
    baseline = student if baseline is None else baseline
    kw = dict(mix=mix, baseline=baseline, times=[student.steps], teacher_times=[teacher.steps])
    exact = transfer(prob, teacher, student, **kw)
    sim = transfer(prob, teacher, student, method="simulate", seeds=seeds, seed=seed, **kw)
    theory = np.array([getattr(exact, n).final for n in _LEARNERS])
    mean = np.array([getattr(sim, n).final for n in _LEARNERS])
    sem = np.array([float(getattr(sim, n).sem[-1]) for n in _LEARNERS])
    return SpotCheck(theory=theory, mean=mean, sem=sem, seeds=seeds)
