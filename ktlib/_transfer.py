r"""The teacher -> student pipeline, by exact theory or by Monte Carlo.

1. The teacher runs SGD on noisy ground truth; its error is :math:`u = w_T - w_\star`.
2. The student runs SGD on fresh inputs labelled
   :math:`\text{mix}\,\langle w_T, x\rangle + (1-\text{mix})(\langle w_\star, x\rangle + \sigma\varepsilon)`.
   Its target is :math:`w_\star + \text{mix}\,u` and its label noise is :math:`(1-\text{mix})\sigma`.
3. The baseline is the same student SGD on ground-truth labels (``mix = 0``).

Per mode, with :math:`e_S` the student's error relative to its target and :math:`k_i` its mean
factor (:func:`mean_factor`), the student's error against :math:`w_\star` is exactly

.. math::

    \mathbb E (w_{S,i} - w_{\star,i})^2 = Q_i + 2\,\text{mix}\, C_i + \text{mix}^2\, \mathbb E u_i^2,
    \qquad C_i = -k_i \bigl(w_{\star,i}\,\mathbb E u_i + \text{mix}\,\mathbb E u_i^2\bigr),

where :math:`Q_i` follows the second-moment recursion started from
:math:`\mathbb E (w_{\star,i} + \text{mix}\,u_i)^2` with label-noise variance
:math:`(1-\text{mix})^2\sigma^2`. Only :math:`\mathbb E u_i` and :math:`\mathbb E u_i^2` of the
teacher enter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem
from ._sgd import SGD
from ._simulate import Simulation, run_sgd
from ._theory import (Curve, _check_pair, _curve, check_stable, mean_factor, second_moments,
                      time_grid)
from ._validate import as_float, as_int

__all__ = ["TransferResult", "transfer", "teacher_moments", "student_mode_error",
           "stacked_student_error"]

METHODS = ("exact", "simulate")


@dataclass(frozen=True, eq=False)
class TransferResult:
    r"""Teacher, student and baseline of one knowledge-transfer experiment.

    Attributes
    ----------
    teacher, student, baseline : Curve or Simulation
        Each learner's risk over its own steps, with per-mode errors (``Curve`` for
        ``method="exact"``, ``Simulation`` for ``method="simulate"``).
    mix : float
        Weight of the teacher's labels.
    method : {"exact", "simulate"}
    """

    teacher: Curve | Simulation
    student: Curve | Simulation
    baseline: Curve | Simulation
    mix: float
    method: str

    @property
    def risk_teacher(self) -> float:
        """Final (expected or mean) excess risk of the teacher."""
        return self.teacher.final

    @property
    def risk_student(self) -> float:
        """Final excess risk of the student trained on teacher labels."""
        return self.student.final

    @property
    def risk_baseline(self) -> float:
        """Final excess risk of the baseline (the student SGD on ground-truth labels)."""
        return self.baseline.final

    @property
    def gain(self) -> float:
        r"""Relative gain over the baseline, :math:`1 - R_\text{student}/R_\text{baseline}`.

        Positive when learning from the teacher beats learning from ground truth.
        """
        return 1.0 - self.risk_student / self.risk_baseline

    @property
    def gain_over_teacher(self) -> float:
        r"""Relative gain over the teacher, :math:`1 - R_\text{student}/R_\text{teacher}`.

        Positive when the student beats its own teacher (weak-to-strong generalization).
        """
        return 1.0 - self.risk_student / self.risk_teacher

    @property
    def pgr(self) -> float:
        r"""Performance gap recovered (Burns et al. 2023),

        .. math:: \mathrm{PGR} = \frac{R_\text{teacher} - R_\text{student}}
                                      {R_\text{teacher} - R_\text{ceiling}},

        with the baseline (the student trained on ground truth) as the ceiling. 1 means the
        student closed the whole gap, 0 means it only matched its teacher.
        """
        gap = self.risk_teacher - self.risk_baseline
        if gap == 0:
            raise ValueError("PGR is undefined: the teacher and the ceiling have equal risk")
        return (self.risk_teacher - self.risk_student) / gap

    def summary(self) -> str:
        """The headline numbers, formatted for printing."""
        lines = [f"teacher  risk {self.risk_teacher:.4f}",
                 f"student  risk {self.risk_student:.4f}",
                 f"baseline risk {self.risk_baseline:.4f}",
                 f"gain over baseline {self.gain:+.1%}, over teacher {self.gain_over_teacher:+.1%}"]
        if self.risk_teacher != self.risk_baseline:
            lines.append(f"PGR {self.pgr:.3f}")
        return "\n".join(lines)

    def __repr__(self):
        return (f"TransferResult(method={self.method!r}, mix={self.mix:g}, "
                f"teacher={self.risk_teacher:.4g}, student={self.risk_student:.4g}, "
                f"baseline={self.risk_baseline:.4g})")


# ----------------------------------------------------------------------------------------
# Exact building blocks (also used by the sweeps)
# ----------------------------------------------------------------------------------------
def teacher_moments(prob, teacher):
    r"""Exact :math:`\mathbb E u_i` and :math:`\mathbb E u_i^2` of the teacher's final error.

    Parameters
    ----------
    prob : Problem
    teacher : SGD

    Returns
    -------
    mean, second : ndarray, shape (d,)
        :math:`\mathbb E u_i = -k_i(T)\, w_{\star,i}` and :math:`\mathbb E u_i^2`.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=100, noise=1.0)
    >>> teacher = kt.SGD(lr=0.2, steps=500)
    >>> mean, second = kt.teacher_moments(prob, teacher)
    >>> float(second @ prob.eigs) == kt.expected_risk(prob, teacher, times=[500]).final
    True
    """
    _check_pair(prob, teacher)
    check_stable(prob, teacher)
    speeds = teacher.lr * teacher.feature_scales(prob.d) ** 2
    times = np.array([teacher.steps])
    second = second_moments(prob.eigs, speeds[None], prob.w_star[None] ** 2, [prob.noise**2],
                            teacher.batch, teacher.steps, times, teacher.average)[0, 0]
    k = mean_factor(speeds * prob.eigs, times, teacher.average)[0]
    return -k * prob.w_star, second


def student_mode_error(prob, speeds, batch, steps, times, average, u_mean, u_second, mix):
    r"""Exact per-mode :math:`\mathbb E(w_{S,i} - w_{\star,i})^2` for ``K`` students at once.

    Parameters
    ----------
    prob : Problem
    speeds : ndarray, shape (K, d)
        :math:`\eta f_i^2` of each student.
    batch, steps : int
    times : ndarray of int, shape (T,)
    average : {"last", "tail"}
    u_mean, u_second : ndarray, shape (d,) or (K, d)
        The teacher's :math:`\mathbb E u_i` and :math:`\mathbb E u_i^2`.
    mix : float or ndarray of shape (K,)

    Returns
    -------
    ndarray, shape (K, T, d)

    Examples
    --------
    Two students at once reproduce :func:`transfer` exactly:

    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=100, noise=1.0)
    >>> teacher = kt.SGD(lr=0.2, steps=500)
    >>> u_mean, u_second = kt.teacher_moments(prob, teacher)
    >>> speeds = np.array([[0.05], [0.2]]) * np.ones(100)
    >>> err = kt.student_mode_error(prob, speeds, 1, 300, np.array([300]), "last",
    ...                             u_mean, u_second, 1.0)
    >>> out = kt.transfer(prob, teacher, kt.SGD(lr=0.2, steps=300))
    >>> bool(np.isclose(err[1, 0] @ prob.eigs, out.risk_student, rtol=1e-12))
    True
    """
    return stacked_student_error(prob.eigs, prob.w_star, prob.noise, speeds, batch, steps,
                                 times, average, u_mean, u_second, mix)


def stacked_student_error(eigs, w_star, noise, speeds, batch, steps, times, average, u_mean,
                          u_second, mix):
    r""":func:`student_mode_error` with a problem per row: ``eigs`` and ``w_star`` may have
    shape (K, d), so students of different problems (e.g. a grid of ``alpha, beta``) run in one
    recursion. Returns shape (K, T, d).

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> probs = [kt.power_law(d=50, beta=b, noise=1.0) for b in (2.0, 3.0)]
    >>> teacher = kt.SGD(lr=0.2, steps=400)
    >>> moments = [kt.teacher_moments(p, teacher) for p in probs]
    >>> err = kt.stacked_student_error(
    ...     probs[0].eigs, [p.w_star for p in probs], 1.0, 0.1 * np.ones((2, 50)), 1, 200,
    ...     np.array([200]), "last", [m[0] for m in moments], [m[1] for m in moments], 1.0)
    >>> err.shape
    (2, 1, 50)
    """
    speeds = np.atleast_2d(speeds)
    K, d = speeds.shape
    eigs = np.broadcast_to(np.asarray(eigs, dtype=float), (K, d))
    w = np.broadcast_to(np.asarray(w_star, dtype=float), (K, d))
    mix = np.broadcast_to(np.asarray(mix, dtype=float), (K,))[:, None]
    um = np.broadcast_to(u_mean, (K, d))
    u2 = np.broadcast_to(u_second, (K, d))
    q0 = w**2 + 2 * mix * w * um + mix**2 * u2
    noise2 = ((1 - mix[:, 0]) * noise) ** 2
    Q = second_moments(eigs, speeds, q0, noise2, batch, steps, times, average)
    k = mean_factor(speeds * eigs, times, average)                        # (K, T, d)
    mixk = mix[:, :, None]
    C = -k * (w[:, None, :] * um[:, None, :] + mixk * u2[:, None, :])
    return np.maximum(Q + 2 * mixk * C + mixk**2 * u2[:, None, :], 0.0)


# ----------------------------------------------------------------------------------------
# Public entry point
# ----------------------------------------------------------------------------------------
def transfer(prob, teacher, student, mix=1.0, baseline=None, method="exact", seeds=32,
             times=None, teacher_times=None, seed=0) -> TransferResult:
    r"""Run the teacher -> student pipeline and its ground-truth baseline.

    Parameters
    ----------
    prob : Problem
        The ground truth (:math:`w_\star`, spectrum, label noise).
    teacher : SGD
        The teacher's SGD, trained on noisy ground-truth labels.
    student : SGD
        The student's SGD, trained on fresh inputs with teacher labels.
    mix : float
        Weight of the teacher's labels, ``0 <= mix <= 1`` (1: pure teacher labels).
    baseline : SGD, optional
        The ground-truth learner to compare with; default: ``student`` itself. Pass a tuned
        learning rate here for a fair comparison (:func:`tune_lr`).
    method : {"exact", "simulate"}
        Exact theory (default) or Monte Carlo; ``"simulate"`` draws a new teacher per seed.
    seeds : int
        Monte Carlo runs (``method="simulate"`` only), ``>= 1``.
    times : array_like of int, optional
        Recording times of the student (and the baseline, if it has as many steps).
    teacher_times : array_like of int, optional
        Recording times of the teacher.
    seed : int or SeedSequence
        Root seed for ``method="simulate"``.

    Returns
    -------
    TransferResult

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)
    >>> out = kt.transfer(prob, teacher=kt.SGD(lr=0.3, steps=4000, average="tail"),
    ...                   student=kt.SGD(lr=0.3, steps=400))
    >>> print(f"{out.risk_teacher:.4f} {out.risk_student:.4f} {out.risk_baseline:.4f}")
    0.0582 0.0422 0.7340
    """
    _check_pair(prob, teacher)
    _check_pair(prob, student)
    baseline = student if baseline is None else baseline
    _check_pair(prob, baseline)
    mix = as_float("mix", mix, low=0.0, high=1.0)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    seeds = as_int("seeds", seeds, low=1)
    s_times = time_grid(student.steps, times)
    b_times = s_times if baseline.steps == student.steps else time_grid(
        baseline.steps, times if times is not None and np.max(times) <= baseline.steps else None)
    t_times = time_grid(teacher.steps, teacher_times)
    for sgd in (teacher, student, baseline):
        check_stable(prob, sgd)

    if method == "exact":
        return _transfer_exact(prob, teacher, student, baseline, mix, s_times, b_times, t_times)
    return _transfer_simulate(prob, teacher, student, baseline, mix, seeds, seed,
                              s_times, b_times, t_times)


def _curve_of(prob, sgd, times, q0, noise2):
    speeds = sgd.lr * sgd.feature_scales(prob.d) ** 2
    q = second_moments(prob.eigs, speeds[None], q0[None], [noise2], sgd.batch, sgd.steps,
                       times, sgd.average)[0]
    return _curve(times, q, prob.eigs)


def _transfer_exact(prob, teacher, student, baseline, mix, s_times, b_times, t_times):
    t_curve = _curve_of(prob, teacher, t_times, prob.w_star**2, prob.noise**2)
    u_mean, u_second = teacher_moments(prob, teacher)
    speeds = student.lr * student.feature_scales(prob.d) ** 2
    err = student_mode_error(prob, speeds[None], student.batch, student.steps, s_times,
                             student.average, u_mean, u_second, mix)[0]
    s_curve = _curve(s_times, err, prob.eigs)
    b_curve = _curve_of(prob, baseline, b_times, prob.w_star**2, prob.noise**2)
    return TransferResult(teacher=t_curve, student=s_curve, baseline=b_curve, mix=mix,
                          method="exact")


def _transfer_simulate(prob, teacher, student, baseline, mix, seeds, seed,
                       s_times, b_times, t_times):
    from ._simulate import spawn_generators
    roots = spawn_generators(seed, seeds)           # one root per seed ...
    triples = [r.bit_generator.seed_seq.spawn(3) for r in roots]   # ... split three ways
    rng_t = [np.random.Generator(np.random.SFC64(t[0])) for t in triples]
    rng_s = [np.random.Generator(np.random.SFC64(t[1])) for t in triples]
    rng_b = [np.random.Generator(np.random.SFC64(t[2])) for t in triples]
    start = np.broadcast_to(-prob.w_star, (seeds, prob.d))
    t_sim = run_sgd(rng_t, prob.eigs, teacher, start, prob.noise, t_times)
    u = t_sim.final_error                               # (seeds, d), one teacher per seed
    s_sim = run_sgd(rng_s, prob.eigs, student, -(prob.w_star + mix * u),
                    (1 - mix) * prob.noise, s_times, offset=mix * u)
    b_sim = run_sgd(rng_b, prob.eigs, baseline, start, prob.noise, b_times)
    return TransferResult(teacher=t_sim, student=s_sim, baseline=b_sim, mix=mix,
                          method="simulate")
