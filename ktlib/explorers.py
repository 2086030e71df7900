r"""The plain functions behind the chapters' interactive explorers.

Each function here takes the explorer's parameters as keyword arguments with the chapter's
default setting, draws one figure (on ``ax`` or a new one), and returns a small dict of the
numbers it shows. It prints nothing and never calls ``plt.show()``: the notebook prints and
shows. :func:`ktlib.widgets.explorer` turns any of them into sliders; the chapter's static
figure calls the same function with its defaults. None of them imports ipywidgets.

Add a chapter's explorer at the end of the module, under a ``# Chapter N`` banner, with a
test in ``tests/test_explorers.py``. Keep each call fast (well under a second): explorers
re-run on every slider move.
"""

from __future__ import annotations

from ._problem import power_law
from ._sgd import SGD
from ._theory import expected_risk, stability_limit
from ._diagnostics import horizon, statistical_horizon
from . import plot

__all__ = ["sgd_spectrum"]


# ----------------------------------------------------------------------------------------
# Chapter 2: SGD's implicit bias
# ----------------------------------------------------------------------------------------
def sgd_spectrum(alpha=1.5, beta=2.5, noise=1.0, lr=None, steps=2000, d=500, ax=None):
    r"""The exact per-mode error of one-pass SGD, with its two horizons.

    On the power-law problem (:func:`ktlib.power_law`), runs the exact theory
    (:func:`ktlib.expected_risk`) for ``steps`` steps of batch-1 SGD from zero and draws
    :math:`\mathbb E(w_{T,i} - w_{\star,i})^2` against the mode index, with the signal
    :math:`w_{\star,i}^2`, the optimization horizon :math:`k_{\rm opt}` (modes with
    :math:`\eta\lambda_i T \ge 1`, :func:`ktlib.horizon`) and the statistical horizon
    :math:`k_{\rm stat}` (modes with :math:`\lambda_i w_{\star,i}^2 > \sigma^2/T`,
    :func:`ktlib.statistical_horizon`). A dotted line marks the flat error that the noise of
    constant-step SGD leaves in every learned mode, :math:`\eta\,(R + \sigma^2)/2` (the
    stationary point of the second-moment recursion for :math:`g_i \ll 1`).

    Parameters
    ----------
    alpha, beta : float
        Capacity and source exponents, both ``> 1``.
    noise : float
        Label-noise standard deviation :math:`\sigma \ge 0`.
    lr : float, optional
        Step size :math:`\eta`, below :func:`ktlib.stability_limit`; ``None`` means half the
        limit.
    steps : int
        Number of SGD steps :math:`T` (= samples, batch 1).
    d : int
        Dimension.
    ax : matplotlib Axes, optional

    Returns
    -------
    dict
        ``lr`` (the step size used), ``risk`` (expected excess risk :math:`\mathbb E R(w_T)`),
        ``k_opt`` and ``k_stat`` (the two horizons, in modes) and ``floor``
        (:math:`\eta\,(R + \sigma^2)/2`).

    Raises
    ------
    ValueError
        For a bad argument, including an ``lr`` at or past the stability limit (before
        anything is drawn).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from ktlib.explorers import sgd_spectrum
    >>> out = sgd_spectrum()
    >>> print(f"lr {out['lr']:.4f}, risk {out['risk']:.4f}, "
    ...       f"k_opt {out['k_opt']}, k_stat {out['k_stat']}")
    lr 0.2649, risk 0.6078, k_opt 65, k_stat 20
    """
    prob = power_law(d=d, alpha=alpha, beta=beta, noise=noise)
    if lr is None:
        lr = 0.5 * stability_limit(prob)
    sgd = SGD(lr=lr, steps=steps)
    curve = expected_risk(prob, sgd, times=[steps])          # raises past the stability limit
    k_opt = horizon(prob, sgd.lr, steps)
    k_stat = statistical_horizon(prob, steps) if steps > 0 else 0

    floor = sgd.lr * (curve.final + prob.noise**2) / 2

    horizons = {}
    if k_stat >= 1:
        horizons[rf"$k_{{\rm stat}}$ = {k_stat}"] = k_stat
    if k_opt >= 1:
        horizons[rf"$k_{{\rm opt}}$ = {k_opt}"] = k_opt
    ax = plot.mode_spectrum({rf"SGD after $T$ = {steps:,} steps": curve.mode_error[-1]},
                            ax=ax, signal=prob, horizons=horizons)
    ax.axhline(floor, color=plot.COLORS["noise"], linestyle=":", linewidth=1.4, zorder=2,
               label=r"SGD noise floor $\eta\,(R + \sigma^2)/2$")
    ax.legend(loc="lower left")
    ax.set_title(rf"$\alpha$ = {alpha:g}, $\beta$ = {beta:g}, $\sigma$ = {noise:g}, "
                 rf"$\eta$ = {sgd.lr:.3g}:  $R(w_T)$ = {curve.final:.4f}", fontsize=10.5)
    return {"lr": sgd.lr, "risk": curve.final, "k_opt": int(k_opt), "k_stat": int(k_stat),
            "floor": floor}
