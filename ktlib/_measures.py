r"""Measuring transfer: theory against Monte Carlo, fair comparisons, misfit and gain (chapter 3).

Four groups of tools.

* **Theory against simulation.** :func:`z_scores` and :func:`max_abs_z` put a Monte Carlo mean
  next to its exact expectation in units of its standard error,
  :math:`z_t = (\bar R_t - \mathbb E R_t)/\mathrm{se}_t`.
* **Fair comparisons.** :func:`compare` runs the teacher -> student pipeline with two
  ground-truth baselines, one at the student's own step size and one whose step size is tuned
  by exact theory, and tabulates the risks, the gains and the performance gap recovered (PGR)
  against both; :func:`plot_comparison` draws the baseline's risk over its step size.
* **Where the student's error comes from.** :func:`student_error_parts` splits the exact
  per-mode error of the student into the signal it has not learned, the teacher error it has
  copied, a cross term, and its own SGD fluctuation; :func:`band_risk` sums per-mode errors
  over bands of modes.
* **Misfit and gain.** :func:`misfit_gain` and :func:`expected_misfit_gain` measure the
  student's risk, the teacher's risk and the *misfit* :math:`\lVert w_S - w_T\rVert_H^2`
  (the student's squared error on the teacher's labels, without label noise). For a
  projection student and a realizable target (:func:`realizable`) they obey
  :math:`R(w_S) = R(w_T) - \lVert w_S - w_T\rVert_H^2` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._diagnostics import LrSweep, tune_lr
from ._problem import Problem
from ._sgd import SGD
from ._simulate import Simulation, simulate
from ._theory import (Curve, _check_pair, check_stable, expected_risk, mean_factor,
                      second_moments)
from ._transfer import TransferResult, teacher_moments, transfer
from ._validate import as_float, as_int

__all__ = ["z_scores", "max_abs_z", "Comparison", "compare", "ErrorParts",
           "student_error_parts", "MisfitGain", "misfit_gain", "expected_misfit_gain",
           "project_modes", "realizable", "band_risk", "plot_comparison"]

_LEARNERS = ("teacher", "student", "baseline")


# ----------------------------------------------------------------------------------------
# Theory against simulation
# ----------------------------------------------------------------------------------------
def z_scores(theory, simulation) -> np.ndarray:
    r"""Monte Carlo mean minus exact expectation, in standard errors, at each recorded time.

    .. math::  z_t = \frac{\bar R_t - \mathbb E R(w_t)}{\mathrm{se}_t},\qquad
               \mathrm{se}_t = \frac{s_t}{\sqrt{S}},

    with :math:`\bar R_t` and :math:`s_t` the mean and standard deviation of the risk over
    the :math:`S` seeds. If theory is right, each :math:`z_t` is roughly standard normal.
    At a time where every run has the same risk (e.g. :math:`t = 0`, where all runs start
    from :math:`w = 0`) the spread is zero up to rounding; there :math:`z_t` is 0 if mean and
    theory agree to 1e-9 relative precision, and :math:`\pm\infty` otherwise.

    Parameters
    ----------
    theory : Curve
        Exact expected risk (``.times``, ``.risk`` of shape (T,)).
    simulation : Simulation
        Monte Carlo runs on the same times (``.risk`` of shape (seeds, T)), ``seeds >= 2``.

    Returns
    -------
    ndarray, shape (T,)

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=50, noise=0.5)
    >>> sgd = kt.SGD(lr=0.3, steps=200)
    >>> z = kt.z_scores(kt.expected_risk(prob, sgd, times=[0, 100, 200]),
    ...                 kt.simulate(prob, sgd, seeds=200, times=[0, 100, 200], seed=1))
    >>> z.shape, float(z[0]), bool(abs(z).max() < 4)
    ((3,), 0.0, True)
    """
    times_c = np.asarray(getattr(theory, "times", None))
    times_s = np.asarray(getattr(simulation, "times", None))
    risk_c = np.asarray(getattr(theory, "risk", None), dtype=float)
    risk_s = np.asarray(getattr(simulation, "risk", None), dtype=float)
    if risk_c.ndim != 1:
        raise ValueError("theory must be a Curve (exact risk of shape (T,)), "
                         f"got risk of shape {risk_c.shape}")
    if risk_s.ndim != 2:
        raise ValueError("simulation must be a Simulation (risk of shape (seeds, T)), "
                         f"got risk of shape {risk_s.shape}")
    if times_c.shape != times_s.shape or np.any(times_c != times_s):
        raise ValueError("theory and simulation must be recorded at the same times")
    if risk_s.shape[0] < 2:
        raise ValueError("simulation needs seeds >= 2 for a standard error")
    mean = risk_s.mean(axis=0)
    sem = risk_s.std(axis=0, ddof=1) / np.sqrt(risk_s.shape[0])
    diff = mean - risk_c
    scale = np.maximum(np.abs(risk_c), np.abs(mean))
    degenerate = sem <= 1e-12 * np.maximum(scale, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(degenerate, 0.0, diff / np.where(degenerate, 1.0, sem))
    off = degenerate & (np.abs(diff) > 1e-9 * scale)
    z[off] = np.sign(diff[off]) * np.inf
    return z


def max_abs_z(theory, simulation) -> float:
    r"""The worst :math:`|z_t|` of :func:`z_scores` over all recorded times.

    Accepts either a ``(Curve, Simulation)`` pair or a pair of :class:`TransferResult` (one
    from ``method="exact"``, one from ``method="simulate"``), in which case the maximum runs
    over the teacher, the student and the baseline.

    Parameters
    ----------
    theory : Curve or TransferResult
    simulation : Simulation or TransferResult

    Returns
    -------
    float

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=60, noise=0.5)
    >>> args = (prob, kt.SGD(lr=0.3, steps=400), kt.SGD(lr=0.3, steps=100))
    >>> exact = kt.transfer(*args, times=[0, 50, 100], teacher_times=[0, 400])
    >>> mc = kt.transfer(*args, times=[0, 50, 100], teacher_times=[0, 400],
    ...                  method="simulate", seeds=200, seed=3)
    >>> bool(kt.max_abs_z(exact, mc) < 4)
    True
    """
    if isinstance(theory, TransferResult) or isinstance(simulation, TransferResult):
        if not (isinstance(theory, TransferResult) and isinstance(simulation, TransferResult)):
            raise ValueError("pass two TransferResults (exact, simulate) or a Curve and a "
                             "Simulation")
        return max(max_abs_z(getattr(theory, k), getattr(simulation, k)) for k in _LEARNERS)
    return float(np.max(np.abs(z_scores(theory, simulation))))


# ----------------------------------------------------------------------------------------
# Fair comparisons
# ----------------------------------------------------------------------------------------
def _final_sem(res):
    return float(res.sem[-1]) if isinstance(res, Simulation) else None


@dataclass(frozen=True, eq=False)
class Comparison:
    r"""Teacher, student and two baselines of one transfer experiment, on the same runs.

    Attributes
    ----------
    result : TransferResult
        The transfer measured against the **tuned** baseline (or, with
        ``tune_baseline=False``, against the untuned one).
    untuned : Curve or Simulation
        The student's SGD (same step size, same number of samples) on ground-truth labels.
    sweep : LrSweep or None
        The step-size sweep that tuned the baseline (None without tuning).
    student_lr : float
        The student's step size (also the untuned baseline's).

    The three numbers that measure transfer, each for both baselines:

    * gain over the teacher :math:`1 - R_S/R_T` (no baseline needed);
    * gain over the baseline :math:`1 - R_S/R_B`;
    * :math:`\mathrm{PGR} = (R_T - R_S)/(R_T - R_B)` (Burns et al. 2023).
    """

    result: TransferResult
    untuned: Curve | Simulation
    sweep: LrSweep | None
    student_lr: float

    @property
    def risk_teacher(self) -> float:
        """Final risk of the teacher."""
        return self.result.risk_teacher

    @property
    def risk_student(self) -> float:
        """Final risk of the student trained on teacher labels."""
        return self.result.risk_student

    @property
    def risk_baseline(self) -> float:
        """Final risk of the (tuned) baseline in :attr:`result`."""
        return self.result.risk_baseline

    @property
    def risk_untuned(self) -> float:
        """Final risk of the student's SGD on ground truth at the student's own step size."""
        return float(self.untuned.final)

    @property
    def gain_over_teacher(self) -> float:
        r""":math:`1 - R_S/R_T`."""
        return self.result.gain_over_teacher

    @property
    def gain(self) -> float:
        r""":math:`1 - R_S/R_B` against the (tuned) baseline."""
        return self.result.gain

    @property
    def gain_untuned(self) -> float:
        r""":math:`1 - R_S/R_B` against the untuned baseline."""
        return 1.0 - self.risk_student / self.risk_untuned

    @property
    def pgr(self) -> float:
        """PGR with the (tuned) baseline as the ceiling."""
        return self.result.pgr

    @property
    def pgr_untuned(self) -> float:
        """PGR with the untuned baseline as the ceiling."""
        gap = self.risk_teacher - self.risk_untuned
        if gap == 0:
            raise ValueError("PGR is undefined: the teacher and the ceiling have equal risk")
        return (self.risk_teacher - self.risk_student) / gap

    @property
    def kept(self) -> float:
        r"""Share of the teacher's advantage over the (tuned) baseline that the student keeps,
        :math:`(R_B - R_S)/(R_B - R_T) = 1 - \mathrm{PGR}`; the natural measure when the
        teacher is the stronger model (knowledge distillation)."""
        return 1.0 - self.pgr

    def table(self) -> str:
        """The risks and the three measures, for both baselines, as a printable table.

        A PGR marked ``*`` is one whose teacher beats that baseline (a strong teacher): its
        denominator is negative and it reads as one minus the share of the teacher's advantage
        that the student keeps.
        """
        r = self.result
        sem = {k: _final_sem(getattr(r, k)) for k in _LEARNERS}
        sem["untuned"] = _final_sem(self.untuned)

        def risk(value, key):
            s = sem[key]
            return f"{value:.4f}" + (f" ± {s:.4f}" if s is not None else "")

        def pgr(value_of, ceiling):
            text = _fmt_pgr(value_of)
            return text + ("*" if self.risk_teacher < ceiling else " ")

        tuned_name = (f"baseline, tuned lr {self.sweep.best_lr:.3g}" if self.sweep is not None
                      else f"baseline, lr {self.student_lr:.3g}")
        rows = [("teacher", risk(self.risk_teacher, "teacher"), "", ""),
                ("student", risk(self.risk_student, "student"), "", ""),
                (tuned_name, risk(self.risk_baseline, "baseline"), f"{self.gain:+.1%}",
                 pgr(lambda: self.pgr, self.risk_baseline)),
                (f"baseline, student's lr {self.student_lr:.3g}",
                 risk(self.risk_untuned, "untuned"), f"{self.gain_untuned:+.1%}",
                 pgr(lambda: self.pgr_untuned, self.risk_untuned))]
        head = ("learner", "excess risk", "student's gain over it", "PGR")
        w0 = max(len(head[0]), *(len(row[0]) for row in rows))
        w1 = max(len(head[1]), *(len(row[1]) for row in rows))
        w2, w3 = len(head[2]), 8
        lines = [f"{head[0]:<{w0}}  {head[1]:>{w1}}  {head[2]:>{w2}}  {head[3]:>{w3 - 1}}",
                 "-" * (w0 + w1 + w2 + w3 + 6)]
        for name, rk, g, p in rows:
            lines.append(f"{name:<{w0}}  {rk:>{w1}}  {g:>{w2}}  {p:>{w3}}".rstrip())
        lines.append(f"student's gain over its teacher: {self.gain_over_teacher:+.1%}")
        if any(row[3].endswith("*") for row in rows):
            lines.append("* the teacher beats this baseline: PGR = 1 - (share of the teacher's "
                         "advantage the student keeps)")
        return "\n".join(lines)

    def __repr__(self):
        return (f"Comparison(teacher={self.risk_teacher:.4g}, student={self.risk_student:.4g}, "
                f"baseline={self.risk_baseline:.4g}, untuned={self.risk_untuned:.4g})")


def _fmt_pgr(func):
    try:
        return f"{func():.3f}"
    except ValueError:
        return "n/a"


def compare(prob, teacher, student, mix=1.0, tune_baseline=True, method="exact", seeds=32,
            seed=0, lrs=None, times=None, teacher_times=None) -> Comparison:
    r"""Measure a transfer against an untuned and a tuned ground-truth baseline, on the same runs.

    The student's gain depends on what it is compared with. The natural first choice, the
    same SGD (same step size ``student.lr``) on ground-truth labels, is unfair to the
    baseline: a step size chosen for the teacher's labels is tuned for the wrong noise level
    (far too large for noisy labels in distillation, often too small in weak-to-strong
    settings). The fair baseline has its own step size, tuned by exact theory (:func:`tune_lr`)
    for the same number of steps and batch. Both are reported.

    Parameters
    ----------
    prob : Problem
    teacher, student : SGD
        As in :func:`transfer`.
    mix : float
        Weight of the teacher's labels, ``0 <= mix <= 1``.
    tune_baseline : bool
        Tune the baseline's step size (default). If False, both baselines are the untuned one.
    method : {"exact", "simulate"}
        Exact theory or Monte Carlo (one teacher per seed, as in :func:`transfer`).
    seeds, seed : int
        Monte Carlo runs and root seed (``method="simulate"``), ``seeds >= 1``, ``seed >= 0``.
    lrs : array_like, optional
        Step-size grid for the tuning (default: that of :func:`tune_lr`).
    times, teacher_times : array_like of int, optional
        Recording times, as in :func:`transfer`.

    Returns
    -------
    Comparison
        ``.result`` (the transfer with the tuned baseline), ``.untuned``, ``.sweep`` and
        ``.table()``.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> cmp = kt.compare(prob, teacher=kt.SGD(lr=0.3, steps=4000, average="tail"),
    ...                  student=kt.SGD(lr=0.3, steps=400))
    >>> print(f"{cmp.risk_student:.4f} vs untuned {cmp.risk_untuned:.4f}, "
    ...       f"tuned {cmp.risk_baseline:.4f}")
    0.0422 vs untuned 0.7340, tuned 0.0601
    """
    _check_pair(prob, teacher)
    _check_pair(prob, student)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    if method not in ("exact", "simulate"):
        raise ValueError(f"method must be 'exact' or 'simulate', got {method!r}")
    seeds = as_int("seeds", seeds, low=1)
    seed = as_int("seed", seed, low=0)
    sweep = tune_lr(prob, student, lrs) if tune_baseline else None
    baseline = sweep.sgd if tune_baseline else student
    result = transfer(prob, teacher, student, mix=mix, baseline=baseline, method=method,
                      seeds=seeds, seed=seed, times=times, teacher_times=teacher_times)
    s_times = result.student.times
    if not tune_baseline:
        untuned = result.baseline
    elif method == "exact":
        untuned = expected_risk(prob, student, times=s_times)
    else:   # a separate stream from the transfer's own seeds
        untuned = simulate(prob, student, seeds=seeds, times=s_times,
                           seed=np.random.SeedSequence([seed, 3]))
    return Comparison(result=result, untuned=untuned, sweep=sweep, student_lr=student.lr)


def plot_comparison(cmp, ax=None, title=None):
    r"""The baseline's risk against its step size, with the student and the teacher for scale.

    Draws the exact final risk of the ground-truth baseline over the step-size grid of
    ``cmp.sweep`` (a green line), marks the tuned baseline (filled circle) and the untuned one
    at the student's step size (open circle), and draws the risks of the student (blue) and
    the teacher (orange) as horizontal lines. The student's gain over "the baseline" is the
    distance between the blue line and a point of the green curve: only its minimum gives a
    fair comparison.

    Parameters
    ----------
    cmp : Comparison
        From :func:`compare` with ``tune_baseline=True``.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=100, noise=1.0)
    >>> cmp = kt.compare(prob, kt.SGD(lr=0.3, steps=1000), kt.SGD(lr=0.01, steps=200))
    >>> ax = kt.plot_comparison(cmp)
    >>> ax.get_xscale(), ax.get_xlabel()
    ('log', 'step size $\\eta$ of the baseline')
    """
    import matplotlib.pyplot as plt
    from .plot import COLORS

    if not isinstance(cmp, Comparison) or cmp.sweep is None:
        raise ValueError("cmp must be a Comparison from compare(..., tune_baseline=True)")
    if ax is None:
        _, ax = plt.subplots()
    sweep = cmp.sweep
    ax.plot(sweep.lrs, sweep.risk, color=COLORS["baseline"],
            label="baseline (ground truth) at step size $\\eta$")
    ax.plot([sweep.best_lr], [cmp.risk_baseline], "o", color=COLORS["baseline"],
            label=f"tuned baseline, $\\eta$ = {sweep.best_lr:.3g}", zorder=4)
    ax.plot([cmp.student_lr], [cmp.risk_untuned], "o", markerfacecolor="white",
            color=COLORS["baseline"], markeredgewidth=1.5,
            label=f"baseline at the student's $\\eta$ = {cmp.student_lr:.3g}", zorder=4)
    ax.axhline(cmp.risk_student, color=COLORS["student"], label="student (teacher labels)")
    ax.axhline(cmp.risk_teacher, color=COLORS["teacher"], linestyle="--", label="teacher")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step size $\\eta$ of the baseline")
    ax.set_ylabel("final excess risk $R$")
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize=8.5)
    return ax


# ----------------------------------------------------------------------------------------
# The student's per-mode error, term by term
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ErrorParts:
    r"""The exact per-mode error of a student, split into its sources (all shape (d,)).

    With :math:`k_i` the student's mean factor, :math:`u` the teacher's error and
    :math:`v = w_\star + \text{mix}\,u` the student's target,

    .. math::

        \mathbb E(w_{S,i} - w_{\star,i})^2
        = \underbrace{k_i^2 w_{\star,i}^2}_{\text{unlearned}}
        \;\underbrace{-\,2k_i(1-k_i)\,\text{mix}\,w_{\star,i}\mathbb E u_i}_{\text{cross}}
        + \underbrace{(1-k_i)^2\,\text{mix}^2\,\mathbb E u_i^2}_{\text{copied}}
        + \underbrace{V_i}_{\text{fluctuation}},

    the first three being :math:`\mathbb E(-k_i w_{\star,i} + (1-k_i)\,\text{mix}\,u_i)^2`, the
    error of the student's *mean* path, and :math:`V_i = Q_i - k_i^2\,\mathbb E v_i^2 \ge 0`
    the variance that the student's own SGD adds.

    Attributes
    ----------
    unlearned, cross, copied, fluctuation, total : ndarray
        The four terms and their sum :math:`\mathbb E(w_{S,i} - w_{\star,i})^2`.
    teacher : ndarray
        The teacher's own error :math:`\mathbb E u_i^2`.
    teacher_mean : ndarray
        :math:`\mathbb E u_i`.
    copied_fraction : ndarray
        :math:`1 - k_i`, the fraction of its target the student's mean has reached.
    misfit : ndarray
        :math:`\mathbb E(w_{S,i} - w_{T,i})^2`, the student's error against its teacher.
    eigs : ndarray
    """

    unlearned: np.ndarray
    cross: np.ndarray
    copied: np.ndarray
    fluctuation: np.ndarray
    teacher: np.ndarray
    teacher_mean: np.ndarray
    copied_fraction: np.ndarray
    misfit: np.ndarray
    eigs: np.ndarray

    @property
    def total(self) -> np.ndarray:
        r""":math:`\mathbb E(w_{S,i} - w_{\star,i})^2`, shape (d,)."""
        return self.unlearned + self.cross + self.copied + self.fluctuation

    def risk(self, part="total") -> float:
        r"""The risk share :math:`\sum_i \lambda_i\,(\text{part})_i` of one term (or the total)."""
        if part not in ("total", "unlearned", "cross", "copied", "fluctuation", "teacher",
                        "misfit"):
            raise ValueError(f"unknown part {part!r}")
        return float(self.eigs @ getattr(self, part))


def _student_pieces(prob, teacher, student, mix):
    """k, Q, E u, E u^2 for the final iterate of the student (exact)."""
    _check_pair(prob, teacher)
    _check_pair(prob, student)
    check_stable(prob, student)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    u_mean, u_second = teacher_moments(prob, teacher)
    w = prob.w_star
    speeds = student.lr * student.feature_scales(prob.d) ** 2
    times = np.array([student.steps])
    v2 = w**2 + 2 * mix * w * u_mean + mix**2 * u_second          # E v_i^2
    Q = second_moments(prob.eigs, speeds[None], v2[None], [((1 - mix) * prob.noise) ** 2],
                       student.batch, student.steps, times, student.average)[0, 0]
    k = mean_factor(speeds * prob.eigs, times, student.average)[0]
    return mix, k, Q, v2, u_mean, u_second


def student_error_parts(prob, teacher, student, mix=1.0) -> ErrorParts:
    r"""Exact per-mode error of the student after ``student.steps`` steps, term by term.

    See :class:`ErrorParts` for the decomposition. Conditioning on the teacher, the student
    is plain SGD towards :math:`v = w_\star + \text{mix}\,u` with label noise
    :math:`(1-\text{mix})\sigma`; its mean reaches :math:`(1-k_i) v_i` and its second moment
    :math:`Q_i` follows the recursion of :func:`second_moments` started from
    :math:`\mathbb E v_i^2`. The misfit is

    .. math::  \mathbb E(w_{S,i} - w_{T,i})^2 = Q_i + 2(1-\text{mix})\,k_i\bigl(w_{\star,i}
               \mathbb E u_i + \text{mix}\,\mathbb E u_i^2\bigr) + (1-\text{mix})^2\,
               \mathbb E u_i^2 ,

    which is :math:`Q_i` itself for ``mix = 1``.

    Parameters
    ----------
    prob : Problem
    teacher, student : SGD
    mix : float

    Returns
    -------
    ErrorParts

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=200, noise=1.0)
    >>> teacher, student = kt.SGD(lr=0.3, steps=3000), kt.SGD(lr=0.01, steps=500)
    >>> parts = kt.student_error_parts(prob, teacher, student)
    >>> exact = kt.transfer(prob, teacher, student).student.mode_error[-1]
    >>> bool(np.allclose(parts.total, exact, rtol=1e-9, atol=1e-15))
    True
    """
    mix, k, Q, v2, u_mean, u_second = _student_pieces(prob, teacher, student, mix)
    w = prob.w_star
    fluct = np.maximum(Q - k**2 * v2, 0.0)
    misfit = Q + 2 * (1 - mix) * k * (w * u_mean + mix * u_second) + (1 - mix) ** 2 * u_second
    return ErrorParts(unlearned=k**2 * w**2,
                      cross=-2 * k * (1 - k) * mix * w * u_mean,
                      copied=(1 - k) ** 2 * mix**2 * u_second,
                      fluctuation=fluct,
                      teacher=u_second,
                      teacher_mean=u_mean,
                      copied_fraction=1 - k,
                      misfit=np.maximum(misfit, 0.0),
                      eigs=prob.eigs)


def band_risk(mode_error, eigs, edges) -> np.ndarray:
    r"""Risk shares of consecutive bands of modes: :math:`\sum_{a < i \le b} \lambda_i e_i`.

    Parameters
    ----------
    mode_error : array_like, shape (d,), or Curve / Simulation
        Per-mode errors :math:`e_i = \mathbb E(w_i - w_{\star,i})^2` (a Curve or Simulation
        contributes its last recorded time).
    eigs : array_like, shape (d,)
    edges : sequence of int
        Mode counts :math:`0 \le k_1 \le k_2 \le \dots \le d`; the bands are
        :math:`(0, k_1], (k_1, k_2], \dots, (k_m, d]` (mode :math:`i` is 1-based).

    Returns
    -------
    ndarray, shape (len(edges) + 1,)
        Sums to the total risk.

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.band_risk([1.0, 1.0, 1.0, 1.0], [4.0, 3.0, 2.0, 1.0], [1, 3]).tolist()
    [4.0, 5.0, 1.0]
    """
    if hasattr(mode_error, "mode_error"):
        mode_error = np.asarray(mode_error.mode_error)[-1]
    e = np.asarray(mode_error, dtype=float)
    lam = np.asarray(eigs, dtype=float)
    if e.ndim != 1 or e.shape != lam.shape:
        raise ValueError(f"mode_error and eigs must be 1-d of the same length, got {e.shape} "
                         f"and {lam.shape}")
    edges = [as_int("edges", k, low=0, high=e.size) for k in np.atleast_1d(edges)]
    if any(b < a for a, b in zip(edges, edges[1:])):
        raise ValueError("edges must be non-decreasing")
    cuts = [0, *edges, e.size]
    share = lam * e
    return np.array([share[a:b].sum() for a, b in zip(cuts, cuts[1:])])


# ----------------------------------------------------------------------------------------
# Misfit and gain
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MisfitGain:
    r"""Risks of teacher and student and their misfit :math:`\lVert w_S - w_T\rVert_H^2`.

    For a student that is the :math:`H`-orthogonal projection of the teacher onto a subspace
    that contains :math:`w_\star`, Pythagoras gives :math:`R_S = R_T - \text{misfit}`
    exactly; :attr:`gap` measures how far a student is from that identity.

    Attributes
    ----------
    risk_teacher, risk_student, misfit : float or ndarray
        One value per realization (from :func:`misfit_gain`) or expectations (from
        :func:`expected_misfit_gain`).
    """

    risk_teacher: float | np.ndarray
    risk_student: float | np.ndarray
    misfit: float | np.ndarray

    @property
    def predicted(self):
        r"""The student's risk if the identity held: :math:`R_T - \text{misfit}`."""
        return self.risk_teacher - self.misfit

    @property
    def gap(self):
        r""":math:`R_S - (R_T - \text{misfit})`: zero for a projection student."""
        return self.risk_student - self.predicted

    def summary(self) -> str:
        """The mean (over realizations) of each quantity, formatted for printing."""
        m = {k: float(np.mean(getattr(self, k)))
             for k in ("risk_teacher", "risk_student", "misfit", "predicted", "gap")}
        if abs(m["gap"]) <= 1e-12 * max(1.0, abs(m["risk_teacher"])):
            m["gap"] = 0.0          # rounding only: the identity holds exactly
        return (f"R(teacher) {m['risk_teacher']:.4f}, misfit {m['misfit']:.4f}, "
                f"R(teacher) - misfit {m['predicted']:.4f}, R(student) {m['risk_student']:.4f}, "
                f"gap {m['gap']:+.2e}")

    def __repr__(self):
        return f"MisfitGain({self.summary()})"


def _weights(name, w, d):
    arr = np.asarray(w, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != d:
        raise ValueError(f"{name} must have last dimension d={d}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def misfit_gain(prob, w_teacher, w_student) -> MisfitGain:
    r"""Risks and misfit of given teacher and student weights (one or many realizations).

    .. math::

        R_T = \lVert w_T - w_\star\rVert_H^2,\quad R_S = \lVert w_S - w_\star\rVert_H^2,\quad
        \text{misfit} = \lVert w_S - w_T\rVert_H^2
        = \mathbb E_x \langle w_S - w_T, x\rangle^2,

    with :math:`\lVert a\rVert_H^2 = \sum_i \lambda_i a_i^2`.

    Parameters
    ----------
    prob : Problem
    w_teacher, w_student : array_like, shape (..., d)
        Weights (not errors) of the teacher and the student.

    Returns
    -------
    MisfitGain

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.realizable(kt.power_law(d=6), M=3)      # w_star lives on modes 1..3
    >>> w_teacher = prob.w_star + np.array([0.3, -0.2, 0.1, 0.4, -0.5, 0.2])
    >>> out = kt.misfit_gain(prob, w_teacher, kt.project_modes(w_teacher, M=3))
    >>> print(f"{out.risk_student:.6f} = {out.predicted:.6f}")
    0.106067 = 0.106067
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    wt = _weights("w_teacher", w_teacher, prob.d)
    ws = _weights("w_student", w_student, prob.d)
    rt, rs = prob.risk(wt), prob.risk(ws)
    mis = np.sum(prob.eigs * (ws - wt) ** 2, axis=-1)
    as_out = (lambda x: float(x)) if np.ndim(rt) == 0 and np.ndim(rs) == 0 else np.asarray
    return MisfitGain(risk_teacher=as_out(rt), risk_student=as_out(rs), misfit=as_out(mis))


def expected_misfit_gain(prob, teacher, student, mix=1.0) -> MisfitGain:
    r"""Exact expected risks and misfit for an SGD teacher and an SGD or projection student.

    Parameters
    ----------
    prob : Problem
    teacher : SGD
    student : SGD or int
        An SGD student trained on teacher labels (exact theory, as in :func:`transfer`), or
        an integer ``M``: the projection student :math:`w_S = P_M w_T` that copies the
        teacher's first ``M`` modes exactly and sets the rest to zero (the limit of a student
        with features :math:`f_i = 1_{i \le M}` trained to convergence on noiseless teacher
        labels). For the projection,

        .. math::  \mathbb E R_S = \sum_{i\le M}\lambda_i \mathbb E u_i^2
                   + \sum_{i>M} \lambda_i w_{\star,i}^2,\qquad
                   \mathbb E\,\text{misfit} = \sum_{i>M}\lambda_i \mathbb E (w_{\star,i}+u_i)^2.
    mix : float
        Weight of the teacher labels (SGD student only).

    Returns
    -------
    MisfitGain
        Floats.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.realizable(kt.power_law(d=300, noise=1.0), M=20)
    >>> out = kt.expected_misfit_gain(prob, kt.SGD(lr=0.05, steps=2000), 20)
    >>> print(f"{out.risk_student:.4f} {out.predicted:.4f} {abs(out.gap) < 1e-12}")
    0.0596 0.0596 True
    """
    _check_pair(prob, teacher)
    check_stable(prob, teacher)
    t_curve = expected_risk(prob, teacher, times=[teacher.steps])
    if isinstance(student, SGD):
        parts = student_error_parts(prob, teacher, student, mix)
        return MisfitGain(risk_teacher=t_curve.final, risk_student=parts.risk("total"),
                          misfit=parts.risk("misfit"))
    M = as_int("student (a number of modes M)", student, low=0, high=prob.d)
    u_mean, u_second = teacher_moments(prob, teacher)
    w, lam = prob.w_star, prob.eigs
    rs = float(lam[:M] @ u_second[:M] + lam[M:] @ w[M:] ** 2)
    mis = float(lam[M:] @ (w[M:] ** 2 + 2 * w[M:] * u_mean[M:] + u_second[M:]))
    return MisfitGain(risk_teacher=t_curve.final, risk_student=rs, misfit=mis)


def project_modes(w, M) -> np.ndarray:
    r"""The projection student: copy the first ``M`` coordinates of ``w``, zero the rest.

    Because :math:`H` is diagonal, this coordinate projection is the :math:`H`-orthogonal
    projection onto :math:`\operatorname{span}(e_1, \dots, e_M)`: it is the minimiser of
    :math:`\lVert w_S - w\rVert_H^2` over students with :math:`w_{S,i} = 0` for :math:`i > M`.

    Parameters
    ----------
    w : array_like, shape (..., d)
    M : int
        ``0 <= M <= d``.

    Returns
    -------
    ndarray, shape (..., d)

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.project_modes([1.0, 2.0, 3.0], M=2).tolist()
    [1.0, 2.0, 0.0]
    """
    arr = np.array(w, dtype=float)
    if arr.ndim == 0:
        raise ValueError("w must have at least one dimension (the modes)")
    M = as_int("M", M, low=0, high=arr.shape[-1])
    arr[..., M:] = 0.0
    return arr


def realizable(prob, M) -> Problem:
    r"""The same problem with :math:`w_\star` cut to its first ``M`` modes.

    :math:`w_{\star,i}` is kept for :math:`i \le M` and set to 0 beyond, so :math:`w_\star`
    lies in the hypothesis class of a student that can only use modes :math:`1, \dots, M`
    (a *realizable* student). The spectrum and the label noise are unchanged.

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.realizable(kt.power_law(d=4, alpha=2.0, beta=2.0), M=2).w_star.tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    if not isinstance(prob, Problem):
        raise ValueError(f"prob must be a ktlib.Problem, got {type(prob).__name__}")
    M = as_int("M", M, low=0, high=prob.d)
    return Problem(prob.eigs, project_modes(prob.w_star, M), prob.noise)
