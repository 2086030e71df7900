"""Machinery of the auto-checked exercises: registry, lazy chapter loading, comparison helpers.

See the docstring of :mod:`ktlib.exercises` for how to write a chapter's check module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = [
    "Feedback", "Exercise", "CheckResult", "register", "check", "evaluate", "get", "exercises",
    "chapters", "correct", "hint", "expect_array", "expect_scalar", "expect_int", "expect_choice",
    "expect_length",
]

_ID = re.compile(r"^(\d+)\.(\d+)$")
_CHAPTER_MODULE = re.compile(r"^ch(\d+)$")
_PACKAGE = __name__.rsplit(".", 1)[0]          # "ktlib.exercises"

#: Set to a list by the grader (tools/grade.py) inside the grading kernel: every call of
#: :func:`check` then appends ``(exercise_id, passed)`` to it. ``None`` in normal use.
_grading_log: list | None = None


# ----------------------------------------------------------------------------------------
# Feedback and results
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Feedback:
    """The verdict of a check: ``passed`` and, when it failed, a ``message`` (the hint).

    A ``Feedback`` is truthy iff it passed, so checks can chain with ``and``::

        return expect_int(n, 12) and expect_array(w, ref)

    returns the first failing feedback, or the last one if all pass.
    """

    passed: bool
    message: str = ""

    def __bool__(self):
        return bool(self.passed)


def correct(message: str = "") -> Feedback:
    """A passing :class:`Feedback`."""
    return Feedback(True, message)


def hint(message: str) -> Feedback:
    """A failing :class:`Feedback` whose ``message`` is shown to the student after ``not yet —``."""
    return Feedback(False, message)


class CheckResult(int):
    """What :func:`check` returns: behaves like ``True``/``False`` (``bool(r)``, ``r == True``,
    ``if r:``, ``sum(results)``), prints as ``True``/``False``, but shows nothing as the last
    line of a notebook cell, so ``kt.check("2.1", answer)`` prints only its one line."""

    def __new__(cls, passed):
        return super().__new__(cls, 1 if passed else 0)

    def __repr__(self):
        return "True" if self else "False"

    __str__ = __repr__

    def _ipython_display_(self):   # IPython: display nothing (no Out[n]: True)
        return None


# ----------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Exercise:
    """A registered coding exercise.

    Attributes
    ----------
    id : str
        ``"N.K"``: chapter ``N``, exercise ``K`` (the notebook's label is ``ex-N-K``).
    title : str
        Short title, as in the notebook's ``{exercise}`` directive.
    func : callable
        The check, ``func(answer, reference) -> Feedback``. Its docstring states the tolerances.
    reference : callable
        Zero-argument function returning the reference answer (computed once, then cached).
    """

    id: str
    title: str
    func: Callable[[Any, Any], Any]
    reference: Callable[[], Any]
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def doc(self) -> str:
        """The check's docstring (what it tests and its tolerances)."""
        import inspect
        return inspect.cleandoc(self.func.__doc__ or "")

    def reference_answer(self):
        """The reference answer (a correct submission), computed once per process."""
        if "value" not in self._cache:
            self._cache["value"] = self.reference()
        return self._cache["value"]

    def evaluate(self, answer) -> Feedback:
        """Run the check on ``answer``; never raises (any error becomes a hint)."""
        if answer is None:
            return hint("`answer` is still None: assign your result to `answer`, then check again.")
        if answer is Ellipsis:
            return hint("`answer` is still `...`: assign your result to `answer`, then check again.")
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = self.func(answer, self.reference_answer())
        except Exception as exc:  # a wrong answer must never raise in a student's notebook
            return hint(f"could not check your answer ({type(exc).__name__}: {_short(exc)}). "
                        f"Is it the kind of object the exercise asks for?")
        if isinstance(result, Feedback):
            return result
        if isinstance(result, (bool, np.bool_)):
            return correct() if result else hint("your answer does not match the reference.")
        raise TypeError(f"check of exercise {self.id} returned {_type_name(result)}, "
                        f"expected a Feedback")


_REGISTRY: dict[str, Exercise] = {}
_loaded: set[str] = set()


def _id_key(exercise_id):
    m = _ID.match(exercise_id)
    return (int(m.group(1)), int(m.group(2)))


def register(exercise_id: str, *, title: str, reference: Callable[[], Any]):
    """Decorator registering ``func(answer, reference) -> Feedback`` as the check of an exercise.

    Parameters
    ----------
    exercise_id : str
        ``"N.K"``. In ``ktlib/exercises/chNN.py`` the chapter ``N`` must equal ``NN``.
    title : str
        The exercise title.
    reference : callable
        ``reference()`` returns the reference answer: a correct ``answer`` for this exercise. It
        is computed on first use and cached, and the tests check that it passes.

    The decorated function must have a docstring stating what it checks and its tolerances.
    """
    if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
        raise ValueError(f"exercise_id must look like '2.1', got {exercise_id!r}")
    if not callable(reference):
        raise ValueError(f"reference of exercise {exercise_id} must be a zero-argument callable")

    def decorator(func):
        if not (func.__doc__ or "").strip():
            raise ValueError(f"the check of exercise {exercise_id} needs a docstring stating "
                             f"what it checks and its tolerances")
        module = getattr(func, "__module__", "") or ""
        m = _CHAPTER_MODULE.match(module.rsplit(".", 1)[-1])
        if module.startswith(_PACKAGE + ".") and m and int(m.group(1)) != _id_key(exercise_id)[0]:
            raise ValueError(f"exercise {exercise_id} is registered in {module}; "
                             f"put it in the module of chapter {_id_key(exercise_id)[0]}")
        old = _REGISTRY.get(exercise_id)
        if old is not None and (old.func.__module__, old.func.__qualname__) != \
                (module, func.__qualname__):
            raise ValueError(f"exercise {exercise_id} is already registered "
                             f"by {old.func.__module__}.{old.func.__qualname__}")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, func, reference)
        return func

    return decorator


def _chapter_modules() -> dict[int, str]:
    """Chapter number -> module name, for every ``ch*.py`` in this package."""
    pkg = importlib.import_module(_PACKAGE)
    found = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        m = _CHAPTER_MODULE.match(info.name)
        if m:
            found[int(m.group(1))] = f"{_PACKAGE}.{info.name}"
    return found


def _load(module_name):
    if module_name not in _loaded:
        importlib.import_module(module_name)
        _loaded.add(module_name)


def chapters() -> list[int]:
    """Chapter numbers that have a check module (``ktlib/exercises/chNN.py``)."""
    return sorted(_chapter_modules())


def exercises(chapter: int | None = None) -> list[Exercise]:
    """All registered exercises (of one chapter if given), in order; loads the chapter modules."""
    modules = _chapter_modules()
    for n, name in sorted(modules.items()):
        if chapter is None or n == chapter:
            _load(name)
    return [_REGISTRY[k] for k in sorted(_REGISTRY, key=_id_key)
            if chapter is None or _id_key(k)[0] == chapter]


def get(exercise_id: str) -> Exercise:
    """The :class:`Exercise` with this id; ``ValueError`` listing the known ids if there is none."""
    if not isinstance(exercise_id, str) or not _ID.match(exercise_id.strip()):
        raise ValueError(f"exercise id must be a string like '2.1', got {exercise_id!r}")
    exercise_id = exercise_id.strip()
    if exercise_id not in _REGISTRY:
        module = _chapter_modules().get(_id_key(exercise_id)[0])
        if module is not None:
            _load(module)
    if exercise_id not in _REGISTRY:
        known = ", ".join(ex.id for ex in exercises()) or "none"
        raise ValueError(f"unknown exercise id {exercise_id!r}; known ids: {known}")
    return _REGISTRY[exercise_id]


def evaluate(exercise_id: str, answer) -> Feedback:
    """Check ``answer`` without printing. Raises only ``ValueError`` for an unknown id."""
    return get(exercise_id).evaluate(answer)


def check(exercise_id: str, answer) -> CheckResult:
    """Check ``answer`` for exercise ``exercise_id`` and print one line: a pass or a hint.

    Prints ``Exercise 2.1: correct.`` or ``Exercise 2.1: not yet — <hint>``. Never raises for a
    wrong answer of any type; raises ``ValueError`` (listing the known ids) for an unknown id.

    Returns
    -------
    CheckResult
        Truthy iff the answer passed (behaves like ``True``/``False``).

    Examples
    --------
    >>> import ktlib as kt
    >>> result = kt.check("0.1", kt.power_law(d=100).null_risk)
    Exercise 0.1: correct.
    >>> bool(result)
    True
    """
    exercise = get(exercise_id)
    feedback = exercise.evaluate(answer)
    if feedback.passed:
        line = f"Exercise {exercise.id}: correct."
        if feedback.message:
            line = f"Exercise {exercise.id}: correct. {feedback.message}"
    else:
        line = f"Exercise {exercise.id}: not yet — {feedback.message}"
    print(line)
    if _grading_log is not None:
        _grading_log.append((exercise.id, bool(feedback.passed)))
    return CheckResult(feedback.passed)


# ----------------------------------------------------------------------------------------
# Comparison helpers
# ----------------------------------------------------------------------------------------
def _short(exc, n=80):
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text if len(text) <= n else text[: n - 3] + "..."


def _type_name(x):
    """``'a str'``, ``'an int'``: the type of ``x`` with its article."""
    name = type(x).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _as_float_array(answer, what, expected):
    """``(array, None)`` or ``(None, Feedback)`` if ``answer`` is not numbers."""
    if isinstance(answer, (str, bytes, dict, set, frozenset)) or callable(answer):
        return None, hint(f"{what} is {_type_name(answer)}; expected {expected}.")
    try:
        arr = np.asarray(answer)
    except Exception:
        return None, hint(f"{what} ({_type_name(answer)}) could not be read as {expected}.")
    if arr.dtype == bool:
        return None, hint(f"{what} holds True/False values; expected {expected}.")
    if np.iscomplexobj(arr):
        return None, hint(f"{what} holds complex numbers; expected real numbers.")
    if arr.dtype.kind not in "iuf":
        try:
            arr = arr.astype(float)
        except Exception:
            return None, hint(f"{what} ({_type_name(answer)}) could not be read as {expected}.")
    return arr.astype(float), None


def _resolve(alternatives):
    """Yield ``(name, float array)`` from a dict or a sequence of ``(name, value)`` pairs."""
    pairs = alternatives.items() if isinstance(alternatives, dict) else (alternatives or ())
    for name, alt in pairs:
        try:
            value = alt() if callable(alt) else alt
            yield str(name).strip(), np.asarray(value, dtype=float)
        except Exception:
            continue


def _close(a, b, rtol, atol):
    return a.shape == b.shape and bool(np.all(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)))


def _tol(rtol, atol):
    parts = []
    if rtol:
        parts.append(f"rtol={rtol:g}")
    if atol:
        parts.append(f"atol={atol:g}")
    return ", ".join(parts) or "exact"


def _mistakes(arr, ref, rtol, atol, alternatives, what):
    """Hints for known mistakes: the author's alternatives, a flipped sign, a constant factor."""
    for name, alt in _resolve(alternatives):
        if alt.shape == ref.shape and _close(arr, alt, rtol, atol) and not _close(alt, ref, rtol, atol):
            return hint(f"{what} looks {name}.")
    finite = np.isfinite(ref)
    if np.any(np.abs(ref[finite]) > atol) and _close(-arr, ref, rtol, atol):
        return hint(f"{what} has the right size but the wrong sign.")
    mask = finite & (np.abs(ref) > atol)
    if np.any(mask) and np.all(arr[~mask & finite] == 0) and np.all(arr[mask] != 0):
        ratio = arr[mask] / ref[mask]
        if ratio.size and np.allclose(ratio, ratio[0], rtol=max(rtol, 1e-12), atol=0) \
                and not np.isclose(ratio[0], 1.0, rtol=rtol) and ratio[0] != 0:
            if arr.size > 1:
                return hint(f"{what} is proportional to the expected values but scaled by the "
                            f"wrong factor (a missing or extra constant?).")
    return None


def expect_array(answer, reference, *, rtol=1e-6, atol=0.0, alternatives=None,
                 what="your answer", shape_desc=None) -> Feedback:
    """Compare an array answer with ``reference`` elementwise (``numpy.isclose(rtol, atol)``).

    Hints, in this order: not numbers (names the type); wrong shape (both shapes, and
    ``shape_desc`` such as ``"one value per mode"``); transposed; NaN or inf; a known mistake
    from ``alternatives`` (``{"off by one step": ref_t_minus_1, "off by a factor of lr": ref *
    lr}``, or a list of ``(name, value)`` pairs when a name repeats: the hint reads
    ``"<what> looks <name>."``; values may be zero-argument callables);
    flipped sign; a wrong constant factor; else the relative error ``||a - r|| / ||r||`` and how
    many entries are outside the tolerance. The reference values are never shown.
    """
    ref = np.asarray(reference, dtype=float)
    expected = f"an array of numbers of shape {ref.shape}"
    arr, bad = _as_float_array(answer, what, expected)
    if bad is not None:
        return bad
    if arr.shape != ref.shape:
        if arr.ndim == 2 and arr.shape == ref.shape[::-1]:
            return hint(f"{what} has shape {arr.shape}, expected {ref.shape}: transposed?")
        desc = f"{shape_desc} {ref.shape}" if shape_desc else f"shape {ref.shape}"
        return hint(f"{what} has shape {arr.shape}, expected {desc}.")
    bad_entries = ~np.isfinite(arr) & np.isfinite(ref)
    if np.any(bad_entries):
        kinds = " or ".join(k for k, m in (("NaN", np.isnan(arr)), ("inf", np.isinf(arr)))
                            if np.any(m & bad_entries))
        return hint(f"{what} contains {kinds} ({int(bad_entries.sum())} of {arr.size} entries).")
    if _close(arr, ref, rtol, atol):
        return correct()
    mistake = _mistakes(arr, ref, rtol, atol, alternatives, what)
    if mistake is not None:
        return mistake
    ok = np.isfinite(ref)
    diff = np.linalg.norm((arr - ref)[ok])
    scale = np.linalg.norm(ref[ok])
    n_off = int(np.sum(~np.isclose(arr, ref, rtol=rtol, atol=atol, equal_nan=True)))
    err = f"relative error {diff / scale:.1e}" if scale > 0 else f"absolute error {diff:.1e}"
    return hint(f"{what} is off: {err} (tolerance {_tol(rtol, atol)}); "
                f"{n_off} of {arr.size} entries are outside the tolerance.")


def expect_scalar(answer, reference, *, rtol=1e-6, atol=0.0, alternatives=None,
                  what="your answer") -> Feedback:
    """Compare a real number with ``reference`` (``numpy.isclose(rtol, atol)``).

    Accepts Python and numpy numbers, 0-d and one-element arrays. Hints: not a number (names
    the type), an array of several values, NaN/inf, a known mistake from ``alternatives`` (as in
    :func:`expect_array`), flipped sign, else "too large/too small by about X%".
    """
    ref = float(reference)
    if isinstance(answer, (bool, np.bool_)):
        return hint(f"{what} is a bool; expected a number.")
    arr, bad = _as_float_array(answer, what, "a number")
    if bad is not None:
        return bad
    if arr.size != 1:
        return hint(f"{what} has shape {arr.shape}; expected a single number.")
    value = float(arr.reshape(()))
    if not np.isfinite(value):
        return hint(f"{what} is {value}; expected a finite number.")
    if np.isclose(value, ref, rtol=rtol, atol=atol):
        return correct()
    mistake = _mistakes(np.array(value), np.array(ref), rtol, atol, alternatives, what)
    if mistake is not None:
        return mistake
    direction = "too large" if value > ref else "too small"
    if ref != 0:
        rel = abs(value - ref) / abs(ref)
        size = f" by about {rel:.0%}" if rel >= 0.01 else f": relative error {rel:.1e}"
        return hint(f"{what} is {direction}{size} (tolerance {_tol(rtol, atol)}).")
    return hint(f"{what} is {direction} (absolute error {abs(value - ref):.1e}, "
                f"tolerance {_tol(rtol, atol)}).")


def expect_int(answer, reference, *, alternatives=None, what="your answer") -> Feedback:
    """Compare a whole number with ``reference`` exactly.

    Accepts ints, numpy integers, and floats or one-element arrays holding a whole number.
    Hints: not a number, not a whole number, a known mistake from ``alternatives`` (values are
    ints), off by one, else too large / too small.
    """
    ref = int(reference)
    if isinstance(answer, (bool, np.bool_)):
        return hint(f"{what} is a bool; expected a whole number.")
    arr, bad = _as_float_array(answer, what, "a whole number")
    if bad is not None:
        return bad
    if arr.size != 1:
        return hint(f"{what} has shape {arr.shape}; expected a single whole number.")
    value = float(arr.reshape(()))
    if not np.isfinite(value):
        return hint(f"{what} is {value}; expected a whole number.")
    if value != np.round(value):
        return hint(f"{what} is {value:g}, not a whole number (round or count instead?).")
    value = int(np.round(value))
    if value == ref:
        return correct()
    for name, alt in _resolve(alternatives):
        if alt.size == 1 and value == int(alt.reshape(())) and int(alt.reshape(())) != ref:
            return hint(f"{what} looks {name}.")
    if abs(value - ref) == 1:
        return hint(f"{what} is off by one.")
    return hint(f"{what} is {'too large' if value > ref else 'too small'}.")


def expect_choice(answer, reference, *, options, what="your answer") -> Feedback:
    """Compare a choice among ``options`` (strings, compared case- and space-insensitively)."""
    norm = {str(o).strip().lower(): o for o in options}
    listed = ", ".join(repr(o) for o in options)
    if not isinstance(answer, str):
        return hint(f"{what} is {_type_name(answer)}; expected one of {listed}.")
    key = answer.strip().lower()
    if key not in norm:
        return hint(f"{what} {answer!r} is not one of {listed}.")
    if key == str(reference).strip().lower():
        return correct()
    return hint(f"{what} {norm[key]!r} is not the right choice.")


def expect_length(answer, n, *, what="your answer") -> Feedback:
    """Check that ``answer`` is a tuple or list of ``n`` items (for answers with several parts).

    Use it before unpacking::

        fb = expect_length(answer, 2)
        if not fb:
            return fb
        horizon, risk = answer
    """
    if not isinstance(answer, (tuple, list)):
        return hint(f"{what} is {_type_name(answer)}; expected a tuple of {n} items.")
    if len(answer) != n:
        return hint(f"{what} has {len(answer)} items; expected {n}.")
    return correct()
