r"""Monte Carlo: run one-pass SGD for many independent seeds at once.

The runs are vectorized across seeds: each seed keeps its own random stream (spawned from one
:class:`numpy.random.SeedSequence`), but the SGD arithmetic of all seeds is done together.
Inputs are drawn in chunks of steps, so memory never holds a ``steps x d`` array.

Two exact changes of variables keep the arithmetic lean:

* In whitened, speed-scaled coordinates :math:`u_i = e_i / \sqrt{\eta f_i^2}` with
  :math:`\zeta_i = \sqrt{g_i}\, z_i` (:math:`z \sim \mathcal N(0, I)`) the update is
  :math:`r = \sigma\varepsilon - \langle\zeta, u\rangle`, :math:`u \leftarrow u + \zeta r`.
* A mode that cannot move (:math:`g_i = 0`) keeps its initial error :math:`e_{0,i}`; its part
  of every residual, :math:`-x_i e_{0,i}`, is fresh Gaussian noise of variance
  :math:`\lambda_i e_{0,i}^2`, independent of everything else. So frozen modes are folded into
  the label noise instead of being drawn one by one. This is an identity in distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem
from ._sgd import SGD
from ._theory import _check_pair, check_stable, time_grid
from ._validate import as_int

__all__ = ["Simulation", "simulate", "spawn_generators"]

_CHUNK_FLOATS = 1 << 21          # about 16 MB of inputs per chunk


def spawn_generators(seed, n):
    """``n`` independent generators spawned from ``SeedSequence(seed)``.

    ``seed`` may be an int, a :class:`numpy.random.SeedSequence` or None (fresh entropy).
    The bit generator is SFC64, numpy's fastest high-quality generator (Gaussian draws are
    the floor of every Monte Carlo run here).

    Examples
    --------
    >>> import ktlib as kt
    >>> a, b = kt.spawn_generators(0, 2)
    >>> a.standard_normal() == kt.spawn_generators(0, 2)[0].standard_normal()
    True
    >>> a.standard_normal() == b.standard_normal()
    False
    """
    n = as_int("seeds", n, low=1)
    if isinstance(seed, np.random.SeedSequence):
        ss = seed
    elif seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
                          and seed >= 0):
        ss = np.random.SeedSequence(seed)
    else:
        raise ValueError(f"seed must be a non-negative int, a SeedSequence or None, got {seed!r}")
    return [np.random.Generator(np.random.SFC64(child)) for child in ss.spawn(n)]


class SeedStatistics:
    """Summaries over independent runs, for results with ``risk`` of shape (seeds, ...) and
    ``mode_error`` / ``eigs`` (shared by :class:`Simulation` and the ridge simulation)."""

    @property
    def seeds(self) -> int:
        """Number of independent runs."""
        return int(self.risk.shape[0])

    @property
    def mean(self) -> np.ndarray:
        """Mean risk over seeds."""
        return self.risk.mean(axis=0)

    @property
    def sem(self) -> np.ndarray:
        """Standard error of :attr:`mean`; needs at least two seeds."""
        if self.seeds < 2:
            raise ValueError("sem needs seeds >= 2 (one run has no spread to estimate)")
        return self.risk.std(axis=0, ddof=1) / np.sqrt(self.seeds)

    @property
    def mode_risk(self) -> np.ndarray:
        """Per-mode risk contributions averaged over seeds, ``eigs * mode_error``."""
        return self.eigs * self.mode_error


@dataclass(frozen=True, eq=False)
class Simulation(SeedStatistics):
    r"""Monte Carlo SGD runs.

    Attributes
    ----------
    times : ndarray of int, shape (T,)
        Recording times.
    risk : ndarray, shape (seeds, T)
        Excess risk of each run at each time.
    mode_error : ndarray, shape (T, d)
        Per-mode squared error :math:`(w_{t,i} - w_{\star,i})^2`, averaged over seeds.
    final_error : ndarray, shape (seeds, d)
        :math:`w - w_\star` of each run's reported iterate at the last step.
    eigs : ndarray, shape (d,)
    """

    times: np.ndarray
    risk: np.ndarray
    mode_error: np.ndarray
    final_error: np.ndarray
    eigs: np.ndarray

    @property
    def final(self) -> float:
        """Mean risk at the last recorded time."""
        return float(self.mean[-1])

    def __repr__(self):
        return (f"Simulation(seeds={self.seeds}, T={self.times.size}, "
                f"mean risk {self.mean[0]:.4g} -> {self.mean[-1]:.4g})")


def simulate(prob, sgd, seeds=32, times=None, seed=0) -> Simulation:
    r"""Monte Carlo estimate of the risk of one-pass SGD: ``seeds`` independent runs.

    Parameters
    ----------
    prob : Problem
    sgd : SGD
    seeds : int
        Number of independent runs, ``>= 1``.
    times : array_like of int, optional
        Recording times in ``[0, sgd.steps]`` (default as in :func:`expected_risk`).
    seed : int or SeedSequence
        Root seed; the runs use streams spawned from it, so the same seed gives
        bit-identical results.

    Returns
    -------
    Simulation
        ``.times``, ``.risk`` (shape (seeds, T)), ``.mean``, ``.sem``, ``.mode_error``.

    Examples
    --------
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=100, noise=0.5)
    >>> sim = kt.simulate(prob, kt.SGD(lr=0.3, steps=500), seeds=8, times=[0, 500])
    >>> sim.risk.shape
    (8, 2)
    >>> float(sim.risk[0, 0]) == prob.null_risk
    True
    """
    _check_pair(prob, sgd)
    seeds = as_int("seeds", seeds, low=1)
    times = time_grid(sgd.steps, times)
    check_stable(prob, sgd)
    rngs = spawn_generators(seed, seeds)
    e0 = np.broadcast_to(-prob.w_star, (seeds, prob.d))
    return run_sgd(rngs, prob.eigs, sgd, e0, prob.noise, times)


def run_sgd(rngs, eigs, sgd, e0, noise, times, offset=None) -> Simulation:
    r"""Run SGD for ``len(rngs)`` seeds from initial errors ``e0`` (relative to the target).

    The engine behind :func:`simulate` and :func:`transfer`. The labels are
    :math:`\langle \text{target}, x\rangle + \text{noise}\cdot\varepsilon`; the recorded error is
    :math:`w - \text{target} + \text{offset}` (use ``offset`` to measure risk against
    :math:`w_\star` when the target differs from it).

    Parameters
    ----------
    rngs : list of numpy.random.Generator, length S
    eigs : ndarray, shape (d,)
    sgd : SGD
    e0 : ndarray, shape (S, d)
        Initial errors ``w_0 - target = -target``.
    noise : float or ndarray of shape (S,)
        Label-noise standard deviation relative to the target.
    times : ndarray of int
    offset : ndarray, shape (S, d), optional

    Examples
    --------
    >>> import numpy as np, ktlib as kt
    >>> prob = kt.power_law(d=20, noise=0.5)
    >>> start = np.tile(-prob.w_star, (3, 1))        # w_0 = 0: error -w_star for each run
    >>> sim = kt.run_sgd(kt.spawn_generators(0, 3), prob.eigs, kt.SGD(lr=0.2, steps=50),
    ...                  start, prob.noise, np.array([0, 50]))
    >>> sim.risk.shape, bool(np.allclose(sim.risk[:, 0], prob.null_risk))
    ((3, 2), True)
    """
    S = len(rngs)
    d = eigs.size
    batch, steps, tail = sgd.batch, sgd.steps, sgd.average == "tail"
    speeds = sgd.lr * sgd.feature_scales(d) ** 2
    g = speeds * eigs
    moving = np.flatnonzero(g > 0)
    frozen = np.flatnonzero(g == 0)
    dm = moving.size
    e0 = np.ascontiguousarray(e0, dtype=float)
    offset = np.zeros((S, d)) if offset is None else np.asarray(offset, dtype=float)

    # frozen modes act as extra label noise (exact in distribution)
    noise2 = np.broadcast_to(np.asarray(noise, dtype=float) ** 2, (S,))
    noise_eff = np.sqrt(noise2 + (e0[:, frozen] ** 2) @ eigs[frozen])
    scale = np.sqrt(speeds[moving])             # e = scale * u on moving modes
    sqrt_g = np.sqrt(g[moving])
    u = np.ascontiguousarray(e0[:, moving] / scale)

    times = np.asarray(times, dtype=int)
    want = {}
    for j, t in enumerate(times):
        want.setdefault(int(t), []).append(j)
    risk = np.empty((S, times.size))
    mode_error = np.empty((times.size, d))
    final_error = np.empty((S, d))
    if tail:
        csum = u.copy()                          # C(s) = sum_{r<=s} u_r
        snaps = {int(t) // 2 for t in times if t > 0} | {steps // 2}
        saved = {}

    def reported(t):
        if not tail or t == 0:
            return u
        return (csum - saved[t // 2]) / (t - t // 2)

    def record(t):
        err = np.array(e0, copy=True)
        err[:, moving] = scale * reported(t)
        err += offset
        sq = err**2
        if t in want:
            r = sq @ eigs
            m = sq.mean(axis=0)
            for j in want[t]:
                risk[:, j] = r
                mode_error[j] = m
        if t == steps:
            final_error[:] = err

    L = max(1, min(steps, _CHUNK_FLOATS // max(1, S * batch * max(dm, 1))))
    raw = np.empty((S, L, batch, dm))
    eps = np.empty((S, L, batch))
    tmp = np.empty((S, dm))
    pair = np.empty((S, 2))
    cross = np.empty(S)
    if tail and 0 in snaps:
        saved[0] = csum.copy()
    t = 0
    while True:
        if t in want or t == steps:
            record(t)
        if t == steps:
            break
        n = min(L, steps - t)
        for s, rng in enumerate(rngs):
            rng.standard_normal(out=raw[s, :n])
            rng.standard_normal(out=eps[s, :n])
        raw *= sqrt_g                      # zeta = sqrt(g) * z, in place
        label_noise = eps * noise_eff[:, None, None]                          # (S, L, B)
        l = 0
        while l < n:
            if batch == 1 and not tail and l + 1 < n and (t + 1) not in want:
                # two steps at once (exact algebra, fewer passes over memory):
                # r0 = e0 - <z0, u>,  r1 = e1 - <z1, u> - r0 <z1, z0>,  u += z0 r0 + z1 r1
                Z = raw[:, l:l + 2, 0]                                        # (S, 2, dm)
                np.einsum("sld,sd->sl", Z, u, out=pair)
                np.einsum("sd,sd->s", Z[:, 1], Z[:, 0], out=cross)
                pair[:, 0] = label_noise[:, l, 0] - pair[:, 0]
                pair[:, 1] = label_noise[:, l + 1, 0] - pair[:, 1] - pair[:, 0] * cross
                np.einsum("sl,sld->sd", pair, Z, out=tmp)
                u += tmp
                l += 2
                t += 2
            elif batch == 1:
                z = raw[:, l, 0]                                              # (S, dm)
                r = label_noise[:, l, 0] - np.einsum("sd,sd->s", z, u)
                np.multiply(z, r[:, None], out=tmp)
                u += tmp
                l += 1
                t += 1
            else:
                z = raw[:, l]                                                 # (S, B, dm)
                r = label_noise[:, l] - np.einsum("sbd,sd->sb", z, u)          # (S, B)
                r /= batch
                u += np.einsum("sb,sbd->sd", r, z)
                l += 1
                t += 1
            if tail:
                csum += u
                if t in snaps:
                    saved[t] = csum.copy()
            if l < n and (t in want):
                record(t)
    if not (np.all(np.isfinite(risk)) and np.all(np.isfinite(final_error))):
        raise FloatingPointError("SGD diverged in simulation (non-finite weights); lower lr")
    return Simulation(times=times, risk=risk, mode_error=mode_error,
                      final_error=final_error, eigs=eigs)
