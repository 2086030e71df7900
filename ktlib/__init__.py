"""ktlib: exact theory and Monte Carlo for knowledge transfer with SGD in linear regression."""
from ._problem import Problem, power_law
from ._sgd import SGD
from ._theory import Curve, expected_risk, time_grid, stability_limit, mean_factor
from ._simulate import Simulation, simulate, spawn_generators
