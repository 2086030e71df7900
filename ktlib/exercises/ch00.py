"""Demo checks (chapter 0): used by the tests, the fixture notebook and the instructors page.

0.1  The excess risk of the zero predictor on ``kt.power_law(d=100)`` (a scalar).
0.2  The weights after ``T = 10`` steps of full-batch gradient descent from ``w = 0`` on
     ``kt.power_law(d=50)`` with ``lr = 0.5``:
     :math:`w_{T,i} = w_{\\star,i}\\,(1 - (1 - \\eta\\lambda_i)^{T})` (an array).
"""

import numpy as np

import ktlib as kt

from ._core import expect_array, expect_scalar, register

LR, STEPS, D2 = 0.5, 10, 50


def gd_weights(steps, lr=LR, d=D2):
    """Weights after ``steps`` steps of population gradient descent from zero, shape ``(d,)``."""
    prob = kt.power_law(d=d)
    return prob.w_star * (1.0 - (1.0 - lr * prob.eigs) ** steps)


@register("0.1", title="The null risk", reference=lambda: kt.power_law(d=100).null_risk)
def check_0_1(answer, reference):
    """The excess risk of ``w = 0`` on ``kt.power_law(d=100)``, a number.

    Tolerance: rtol=1e-6. Recognises: the population risk (adds ``noise**2``) and the default
    dimension ``d=1000`` instead of ``d=100``.
    """
    prob = kt.power_law(d=100)
    return expect_scalar(answer, reference, rtol=1e-6, alternatives={
        "like the population risk: it includes the noise floor noise**2":
            reference + prob.noise ** 2,
        "like it was computed with the default d=1000 instead of d=100": lambda: kt.power_law().null_risk,
    })


@register("0.2", title="Gradient-descent weights", reference=lambda: gd_weights(STEPS))
def check_0_2(answer, reference):
    """The weights after ``T=10`` gradient-descent steps, shape ``(50,)``.

    Tolerance: rtol=1e-6, atol=1e-12, elementwise. Recognises: off by one step (T=9 or 11),
    off by a factor of lr, the error ``w_T - w_star`` instead of the weights.
    """
    return expect_array(answer, reference, rtol=1e-6, atol=1e-12, shape_desc="one value per mode",
                        alternatives=[
                            ("off by one step", lambda: gd_weights(STEPS - 1)),
                            ("off by one step", lambda: gd_weights(STEPS + 1)),
                            ("off by a factor of lr", reference * LR),
                            ("off by a factor of lr", reference / LR),
                            ("like the error w_T - w_star rather than the weights w_T",
                             lambda: reference - kt.power_law(d=D2).w_star),
                        ])


__all__ = ["gd_weights", "np"]
