"""Argument checks shared by every public function.

Each check raises :class:`ValueError` naming the argument and its allowed
range, before any work starts.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_int", "as_float", "as_vector"]


def as_int(name, value, *, low=None, high=None):
    """Return ``value`` as a Python int in ``[low, high]``, or raise ValueError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, numbers.Real)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if not np.isfinite(value) or float(value) != int(value):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    _check_range(name, value, low, high, low_open=False, high_open=False)
    return value


def as_float(name, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a finite float in the given range, or raise ValueError."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite real number, got {value!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    _check_range(name, value, low, high, low_open=low_open, high_open=high_open)
    return value


def as_vector(name, value, *, length=None, nonnegative=False):
    """Return a finite 1-d float array (a private copy), or raise ValueError."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-d array of real numbers") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d array, got shape {arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have length d={length}, got length {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 everywhere (allowed range [0, inf)), "
                         f"got min {arr.min():.3g}")
    arr.setflags(write=False)
    return arr


def _check_range(name, value, low, high, *, low_open, high_open):
    lo_br = "(" if low_open else "["
    hi_br = ")" if high_open else "]"
    rng = f"{lo_br}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi_br}"
    bad = (low is not None and (value <= low if low_open else value < low)) or (
        high is not None and (value >= high if high_open else value > high))
    if bad:
        raise ValueError(f"{name}={value!r} is out of range; allowed range is {rng}")
