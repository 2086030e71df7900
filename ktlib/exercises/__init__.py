r"""Auto-checked exercises: ``kt.check("2.1", answer)`` prints a pass or a hint.

For students
------------
In a chapter notebook, store your result in ``answer`` and run ``kt.check("2.1", answer)``.
It prints exactly one line, either ``Exercise 2.1: correct.`` or
``Exercise 2.1: not yet — <hint>``, where the hint says what is off (type, shape, NaN, sign, a
factor of ``lr``, off by one step, the size of the error) without showing the answer. It never
raises for a wrong answer, whatever its type; an unknown exercise id raises ``ValueError``
listing the known ids.

For chapter authors: writing ``ktlib/exercises/chNN.py``
--------------------------------------------------------
One module per chapter, ``ktlib/exercises/ch02.py`` for chapter 2 (the file name pattern
``ch<number>.py`` is how modules are found; they are imported lazily on the first
``kt.check`` of that chapter, so they may ``import ktlib as kt`` at the top). Each coding
exercise registers one check::

    '''Checks for chapter 2 (SGD's implicit bias).'''
    import numpy as np
    import ktlib as kt
    from ktlib.exercises import register, expect_array, expect_scalar, expect_int

    _PROB = dict(d=200, alpha=1.5, beta=2.5, noise=0.5)

    def _mode_risk(lr, steps):
        prob = kt.power_law(**_PROB)
        return kt.expected_risk(prob, kt.SGD(lr=lr, steps=steps), times=[steps]).mode_risk[-1]

    @register("2.1", title="Per-mode risk after T steps",
              reference=lambda: _mode_risk(lr=0.5, steps=100))
    def check_2_1(answer, reference):
        '''Per-mode expected excess risk after T=100 steps, shape (200,).
        Tolerance: rtol=1e-6 elementwise. Recognises: off by one step (T=99 or 101).'''
        return expect_array(
            answer, reference, rtol=1e-6, shape_desc="one value per mode",
            alternatives=[("off by one step", lambda: _mode_risk(0.5, 99)),
                          ("off by one step", lambda: _mode_risk(0.5, 101)),
                          ("off by a factor of lr", lambda: 0.5 * reference)])

Rules:

* ``@register(id, title=..., reference=...)``: ``id`` is ``"N.K"`` and matches the notebook's
  label ``ex-N-K`` and its ``kt.check("N.K", answer)`` call; in ``chNN.py`` the chapter ``N``
  must be ``NN``. ``reference`` is a **zero-argument callable** that returns a correct answer
  (the same computation as the notebook's solution cell); it runs once, on first use, and is
  cached. The tests feed it to the check and require a pass, so keep it fast (well under a
  second or two).
* The check is ``func(answer, reference) -> Feedback``; ``reference`` is the cached value.
  It **must have a docstring** stating what it checks and its tolerances (the instructors page
  and ``tools`` show it). Return a helper's result, or ``correct()`` / ``hint("message")``.
  Chain several conditions with ``and`` (a ``Feedback`` is truthy iff it passed)::

      return expect_int(answer[0], 12, what="your horizon") and expect_array(answer[1], ref)

* Nothing in a check needs try/except: ``None`` and ``...`` are answered before the check
  runs, any exception inside it becomes the hint ``could not check your answer (...)``, and
  numpy warnings are silenced.
* Alternatives: a dict ``{"<mistake>": value_or_callable}`` or a list of ``("<mistake>",
  value_or_callable)`` pairs (use the list when a phrase repeats, as above). If the answer
  matches a value (within the same tolerance) the hint is ``"<what> looks <mistake>."``, e.g.
  ``{"off by a factor of lr": ref * lr, "off by one step": lambda: f(steps - 1)}``. Use
  callables for anything costly: they are evaluated only when the answer is wrong. Phrase the
  mistake so that "your answer looks ..." reads well.

Helpers (all return :class:`Feedback`; ``what`` is how the hint names the answer):

``expect_array(answer, reference, *, rtol=1e-6, atol=0.0, alternatives=None, what="your answer", shape_desc=None)``
    Elementwise ``numpy.isclose``. Hints, in order: not numbers (names the type), wrong shape
    (``your answer has shape (10,), expected one value per mode (500,).``), transposed, NaN/inf
    (with a count), an alternative, flipped sign, proportional but wrong constant factor, else
    ``your answer is off: relative error 3.2e-01 (tolerance rtol=1e-06); 17 of 500 entries are
    outside the tolerance.``
``expect_scalar(answer, reference, *, rtol=1e-6, atol=0.0, alternatives=None, what="your answer")``
    A real number (Python/numpy scalar, 0-d or one-element array). Hints: not a number, several
    values, NaN/inf, an alternative, flipped sign, else ``too large by about 30%``.
``expect_int(answer, reference, *, alternatives=None, what="your answer")``
    A whole number, exactly (``12.0`` is accepted). Hints: not a whole number, an alternative,
    ``off by one``, else too large / too small.
``expect_choice(answer, reference, *, options, what="your answer")``
    One of a few strings (case- and space-insensitive).
``expect_length(answer, n, *, what="your answer")``
    A tuple or list of ``n`` items: for answers in several parts, check it before unpacking
    (``fb = expect_length(answer, 2)``; ``if not fb: return fb``; ``k, risk = answer``), then
    check each part with ``what="your horizon"`` etc.

Other API: ``check(id, answer)`` (prints, returns a bool-like :class:`CheckResult` that does
not echo ``True`` in notebooks), ``evaluate(id, answer) -> Feedback`` (no printing),
``get(id) -> Exercise``, ``exercises(chapter=None) -> list[Exercise]``, ``chapters()``.
An :class:`Exercise` has ``id``, ``title``, ``chapter``, ``doc`` (the check's docstring),
``reference_answer()`` and ``evaluate(answer)``.

The notebook side (see CONTRIBUTING.md, "Exercises"): the solution is one code cell tagged
``solution`` that assigns ``answer`` and ends with ``kt.check("N.K", answer)``, between the
``{solution-start} ex-N-K`` and ``{solution-end}`` markdown cells. ``make student`` turns it
into a stub (``answer = None``; ``raise NotImplementedError("Exercise N.K: ...")``; the check
line) and ``make grade`` re-checks the answer each exercise cell passes to ``kt.check``.

Example (the demo exercise of ``ch00.py``)
------------------------------------------
>>> import ktlib as kt
>>> from ktlib.exercises import check
>>> ok = check("0.1", kt.power_law(d=100).null_risk)
Exercise 0.1: correct.
>>> bool(ok)
True
>>> ok = check("0.1", "abc")
Exercise 0.1: not yet — your answer is a str; expected a number.
>>> ok = check("0.1", -kt.power_law(d=100).null_risk)
Exercise 0.1: not yet — your answer has the right size but the wrong sign.
"""

from ._core import (CheckResult, Exercise, Feedback, chapters, check, correct, evaluate,
                    exercises, expect_array, expect_choice, expect_int, expect_length,
                    expect_scalar, get, hint, register)

__all__ = ["check", "evaluate", "register", "get", "exercises", "chapters", "Exercise",
           "Feedback", "CheckResult", "correct", "hint", "expect_array", "expect_scalar",
           "expect_int", "expect_choice", "expect_length"]
