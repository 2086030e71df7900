r"""ktlib: the simulator of the course *Knowledge transfer, spectrally*.

Exact theory and Monte Carlo for one-pass SGD in high-dimensional linear regression, and for
the teacher -> student pipeline behind knowledge distillation and weak-to-strong
generalization.

>>> import ktlib as kt
>>> prob = kt.power_law(d=1000, alpha=1.5, beta=2.5, noise=1.0)
>>> sgd = kt.SGD(lr=0.1, steps=2000)
>>> curve = kt.expected_risk(prob, sgd)          # exact theory
>>> runs = kt.simulate(prob, sgd, seeds=8)      # Monte Carlo
>>> curve.times.tolist() == runs.times.tolist()
True
"""

from ._problem import Problem, power_law
from ._sgd import SGD
from ._theory import Curve, expected_risk, mean_factor, second_moments, stability_limit, time_grid
from ._simulate import Simulation, run_sgd, simulate, spawn_generators
from ._transfer import (TransferResult, stacked_student_error, student_mode_error,
                        teacher_moments, transfer)
from ._diagnostics import (LrSweep, effective_dimension, horizon, learned_fraction,
                           statistical_horizon, tune_lr, fit_slope)
# chapter-level tools; each module lists its public names in its own __all__
from ._ridge import *    # noqa: F401,F403  (chapter 1)
from ._rates import *    # noqa: F401,F403  (chapter 2)
from ._measures import * # noqa: F401,F403  (chapter 3)
from ._kd import *       # noqa: F401,F403  (chapter 4)
from ._w2s import *      # noqa: F401,F403  (chapter 5)
from ._phase import *    # noqa: F401,F403  (chapter 6)
from . import _ridge, _rates, _measures, _kd, _w2s, _phase
# the figure vocabulary, the interactive explorers and the exercise checks
from . import plot, widgets, explorers
from .exercises import check

__version__ = "0.1.0"

__all__ = [
    # the model
    "Problem", "power_law", "SGD",
    # exact theory and Monte Carlo
    "Curve", "expected_risk", "time_grid", "stability_limit",
    "Simulation", "simulate", "spawn_generators",
    # knowledge transfer
    "TransferResult", "transfer",
    # diagnostics
    "horizon", "learned_fraction", "statistical_horizon", "effective_dimension",
    "LrSweep", "tune_lr", "fit_slope",
    # figures, explorers, exercises
    "plot", "widgets", "explorers", "check",
    # engines, for vectorized sweeps
    "second_moments", "mean_factor", "run_sgd", "teacher_moments", "student_mode_error",
    "stacked_student_error",
]
__all__ += _ridge.__all__ + _rates.__all__ + _measures.__all__ + _kd.__all__ + _w2s.__all__ + _phase.__all__
