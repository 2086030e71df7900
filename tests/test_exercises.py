"""Tests of the exercise-check machinery (ktlib.exercises) on the demo exercises 0.1 and 0.2."""

import numpy as np
import pytest

import ktlib as kt
from ktlib.exercises import (CheckResult, Feedback, check, correct, exercises, expect_array,
                             expect_choice, expect_int, expect_length, expect_scalar, get, hint,
                             register)
from ktlib.exercises import _core
from ktlib.exercises.ch00 import gd_weights

NULL = kt.power_law(d=100).null_risk
W10 = gd_weights(10)
NOT_YET = "Exercise {}: not yet — {}\n"


def line(capsys, exercise_id, answer):
    """Run check and return (result, printed output)."""
    result = check(exercise_id, answer)
    return result, capsys.readouterr().out


# ---------------------------------------------------------------------------- check()
def test_pass_on_reference_prints_one_line(capsys):
    result, out = line(capsys, "0.1", NULL)
    assert out == "Exercise 0.1: correct.\n"
    assert result == True and bool(result) is True  # noqa: E712
    result, out = line(capsys, "0.2", W10)
    assert out == "Exercise 0.2: correct.\n"
    assert bool(result) is True


def test_result_is_bool_like_and_silent_in_notebooks():
    assert isinstance(CheckResult(True), int)
    assert repr(CheckResult(True)) == "True" and repr(CheckResult(False)) == "False"
    assert sum([CheckResult(True), CheckResult(True), CheckResult(False)]) == 2
    assert CheckResult(False)._ipython_display_() is None


@pytest.mark.parametrize("answer, hint_text", [
    (None, "`answer` is still None: assign your result to `answer`, then check again."),
    ("abc", "your answer is a str; expected a number."),
    ({"a": 1}, "your answer is a dict; expected a number."),
    (True, "your answer is a bool; expected a number."),
    (float("nan"), "your answer is nan; expected a finite number."),
    (float("inf"), "your answer is inf; expected a finite number."),
    ([1.0, 2.0], "your answer has shape (2,); expected a single number."),
    (1 + 2j, "your answer holds complex numbers; expected real numbers."),
    (-NULL, "your answer has the right size but the wrong sign."),
    (NULL + 1.0, "your answer looks like the population risk: it includes the noise floor "
                 "noise**2."),
    (2 * NULL, "your answer is too large by about 100% (tolerance rtol=1e-06)."),
    (NULL * (1 - 1e-4), "your answer is too small: relative error 1.0e-04 (tolerance rtol=1e-06)."),
])
def test_scalar_hints(capsys, answer, hint_text):
    result, out = line(capsys, "0.1", answer)
    assert out == NOT_YET.format("0.1", hint_text)
    assert bool(result) is False


@pytest.mark.parametrize("make_answer, hint_text", [
    (lambda: W10[:10], "your answer has shape (10,), expected one value per mode (50,)."),
    (lambda: W10[None, :], "your answer has shape (1, 50), expected one value per mode (50,)."),
    (lambda: -W10, "your answer has the right size but the wrong sign."),
    (lambda: W10 * 0.5, "your answer looks off by a factor of lr."),
    (lambda: W10 / 0.5, "your answer looks off by a factor of lr."),
    (lambda: gd_weights(9), "your answer looks off by one step."),
    (lambda: gd_weights(11), "your answer looks off by one step."),
    (lambda: W10 * 3, "your answer is proportional to the expected values but scaled by the "
                      "wrong factor (a missing or extra constant?)."),
    (lambda: np.where(np.arange(50) < 3, np.nan, W10), "your answer contains NaN (3 of 50 entries)."),
    (lambda: np.where(np.arange(50) < 2, np.inf, W10), "your answer contains inf (2 of 50 entries)."),
    (lambda: None, "`answer` is still None: assign your result to `answer`, then check again."),
    (lambda: "abc", "your answer is a str; expected an array of numbers of shape (50,)."),
    (lambda: {"w": W10}, "your answer is a dict; expected an array of numbers of shape (50,)."),
    (lambda: [[1.0], [2.0, 3.0]],
     "your answer (a list) could not be read as an array of numbers of shape (50,)."),
    (lambda: W10 > 0, "your answer holds True/False values; expected an array of numbers of "
                      "shape (50,)."),
    (lambda: len, "your answer is a builtin_function_or_method; expected an array of numbers "
                  "of shape (50,)."),
])
def test_array_hints(capsys, make_answer, hint_text):
    result, out = line(capsys, "0.2", make_answer())
    assert out == NOT_YET.format("0.2", hint_text)
    assert bool(result) is False


def test_array_generally_off_gives_error_size_not_values(capsys):
    answer = W10.copy()
    answer[:5] += 0.01
    _, out = line(capsys, "0.2", answer)
    assert out.startswith("Exercise 0.2: not yet — your answer is off: relative error ")
    assert out.endswith("(tolerance rtol=1e-06, atol=1e-12); 5 of 50 entries are outside the "
                        "tolerance.\n")
    for value in W10[:3]:                       # no reference value leaks into the hint
        assert f"{value:.3g}" not in out and f"{value:.2f}" not in out


def test_lists_and_numpy_scalars_are_accepted(capsys):
    assert check("0.2", list(W10)) and check("0.1", np.float32(NULL) * 1.0)
    assert check("0.1", np.array([NULL])) and check("0.1", np.array(NULL))
    capsys.readouterr()


def test_answer_is_not_mutated():
    answer = W10.copy()
    check("0.2", answer)
    np.testing.assert_array_equal(answer, W10)


def test_unknown_id_raises_value_error_listing_known_ids():
    with pytest.raises(ValueError, match=r"unknown exercise id '9\.9'; known ids: .*0\.1, 0\.2"):
        check("9.9", 1.0)
    with pytest.raises(ValueError, match="exercise id must be a string like '2.1'"):
        check(2.1, 1.0)


def test_no_warnings_escape(recwarn):
    check("0.2", np.full(50, np.nan))
    check("0.2", np.zeros(50))
    check("0.1", 1e308 * 10)
    assert len(recwarn) == 0


# ---------------------------------------------------------------------------- registry
def test_chapter_zero_is_discovered():
    assert [ex.id for ex in exercises(0)] == ["0.1", "0.2"]
    ex = get("0.2")
    assert ex.chapter == 0 and "rtol=1e-6" in ex.doc and ex.title == "Gradient-descent weights"
    np.testing.assert_allclose(ex.reference_answer(), W10)


def test_every_registered_reference_passes_and_none_fails():
    """Every chapter's reference answer passes its check; a stub's None fails with a hint."""
    found = exercises()
    assert {"0.1", "0.2"} <= {ex.id for ex in found}
    for ex in found:
        assert ex.evaluate(ex.reference_answer()).passed, ex.id
        feedback = ex.evaluate(None)
        assert not feedback.passed and "None" in feedback.message, ex.id
        assert ex.doc, f"{ex.id}: the check needs a docstring with its tolerances"


def test_exception_inside_a_check_becomes_a_hint(capsys):
    @register("99.1", title="broken", reference=lambda: 1.0)
    def _broken(answer, reference):
        """Raises on purpose. Tolerance: none."""
        return answer.missing_attribute

    try:
        result, out = line(capsys, "99.1", 3.0)
        assert bool(result) is False
        assert out == ("Exercise 99.1: not yet — could not check your answer (AttributeError: "
                       "'float' object has no attribute 'missing_attribute'). Is it the kind of "
                       "object the exercise asks for?\n")
    finally:
        _core._REGISTRY.pop("99.1")


def test_register_validates():
    with pytest.raises(ValueError, match="must look like '2.1'"):
        register("2-1", title="x", reference=lambda: 0)
    with pytest.raises(ValueError, match="needs a docstring"):
        register("99.2", title="x", reference=lambda: 0)(lambda answer, reference: correct())
    with pytest.raises(ValueError, match="already registered"):
        @register("0.1", title="dup", reference=lambda: 0)
        def _dup(answer, reference):
            """Duplicate."""
    assert "99.2" not in _core._REGISTRY


def test_grading_log_records_calls(capsys):
    _core._grading_log = []
    try:
        check("0.1", NULL)
        check("0.2", None)
        assert _core._grading_log == [("0.1", True), ("0.2", False)]
    finally:
        _core._grading_log = None
    capsys.readouterr()


# ---------------------------------------------------------------------------- helpers
def test_feedback_chains_with_and():
    assert (correct() and hint("b")).message == "b"
    assert (hint("a") and hint("b")).message == "a"
    assert bool(correct() and correct()) is True
    assert isinstance(correct(), Feedback)


def test_expect_int():
    assert expect_int(12, 12) and expect_int(12.0, 12) and expect_int(np.int64(12), 12)
    assert expect_int(13, 12).message == "your answer is off by one."
    assert expect_int(11, 12).message == "your answer is off by one."
    assert expect_int(20, 12).message == "your answer is too large."
    assert expect_int(2, 12).message == "your answer is too small."
    assert expect_int(12.5, 12).message == ("your answer is 12.5, not a whole number "
                                            "(round or count instead?).")
    assert expect_int(6, 12, alternatives={"like half the horizon": 6}).message == \
        "your answer looks like half the horizon."
    assert expect_int("12", 12).message == "your answer is a str; expected a whole number."
    assert expect_int([1, 2], 12).message == "your answer has shape (2,); expected a single whole number."


def test_expect_array_tolerances_and_transpose():
    ref = np.arange(6.0).reshape(2, 3) + 1
    assert expect_array(ref * (1 + 1e-7), ref, rtol=1e-6)
    assert not expect_array(ref * (1 + 1e-5), ref, rtol=1e-6)
    assert expect_array(ref + 1e-3, ref, rtol=0, atol=1e-2)
    assert expect_array(ref.T, ref).message == "your answer has shape (3, 2), expected (2, 3): transposed?"
    assert expect_array(ref, ref, what="your curve")
    assert expect_array(-ref, ref, what="your curve").message == \
        "your curve has the right size but the wrong sign."


def test_expect_scalar_alternative_callables_are_lazy():
    calls = []

    def costly():
        calls.append(1)
        return 2.0

    assert expect_scalar(1.0, 1.0, alternatives={"off": costly}) and not calls
    assert expect_scalar(2.0, 1.0, alternatives={"off by a factor of two": costly}).message == \
        "your answer looks off by a factor of two."
    assert calls == [1]


def test_expect_choice():
    opts = ("bias", "variance")
    assert expect_choice(" Variance ", "variance", options=opts)
    assert expect_choice("bias", "variance", options=opts).message == \
        "your answer 'bias' is not the right choice."
    assert expect_choice("noise", "variance", options=opts).message == \
        "your answer 'noise' is not one of 'bias', 'variance'."
    assert expect_choice(3, "variance", options=opts).message == \
        "your answer is an int; expected one of 'bias', 'variance'."


def test_expect_length():
    assert expect_length((1, 2), 2) and expect_length([1, 2, 3], 3)
    assert expect_length((1, 2), 3).message == "your answer has 2 items; expected 3."
    assert expect_length(5.0, 2).message == "your answer is a float; expected a tuple of 2 items."
    assert expect_length(None, 2).message == "your answer is a NoneType; expected a tuple of 2 items."
