r"""The book's figure vocabulary.

Every figure in the course is drawn by a function in this module, so that the same idea
always looks the same: exact theory is a line, Monte Carlo is markers with a
:math:`\pm 2` standard-error band, the teacher is orange, the student blue, the baseline
green, the signal :math:`w_{\star,i}^2` a grey reference line, and a horizon a dashed
vertical line. Colours come from the colourblind-safe Okabe--Ito palette.

Conventions
-----------
* Every function takes an optional ``ax`` (or ``axes``), draws on it (or on a new figure),
  never calls ``plt.show()``, and returns what it drew on.
* Axes are labelled in the book's notation (``steps $t$``, ``excess risk $R(w_t)$``,
  ``mode $i$``); pass ``ax.set_xlabel(...)`` afterwards to change a label.
* Only numpy and matplotlib are used.

Call :func:`use_style` once, in a chapter's setup cell.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import ktlib as kt
>>> kt.plot.use_style()
>>> prob = kt.power_law(d=100, noise=0.5)
>>> curve = kt.expected_risk(prob, kt.SGD(lr=0.3, steps=500))
>>> ax = kt.plot.risk_curve(curve, label="theory")
>>> ax.get_xlabel(), ax.get_xscale()
('steps $t$', 'log')
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import colors as mcolors
from matplotlib import ticker as mticker
from matplotlib import transforms as mtransforms
from matplotlib.lines import Line2D

__all__ = ["OKABE_ITO", "COLORS", "CYCLE", "LABELS", "use_style", "color_for", "risk_curve",
           "mode_spectrum", "label_horizon", "filter_plot", "transfer_summary", "risk_bars",
           "heatmap", "reference_slope", "theory_sim_legend"]

# ----------------------------------------------------------------------------------------
# Colours
# ----------------------------------------------------------------------------------------
#: The Okabe--Ito palette (Okabe & Ito 2008), safe for the common forms of colour blindness.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#8C8C8C",
}

#: One colour per concept of the book. Use these names, never raw colours, in chapters.
COLORS = {
    "theory": OKABE_ITO["black"],            # exact expected risk (lines)
    "simulation": OKABE_ITO["vermillion"],   # Monte Carlo (markers and bands)
    "teacher": OKABE_ITO["orange"],
    "student": OKABE_ITO["blue"],
    "baseline": OKABE_ITO["bluish_green"],   # the student trained on ground truth
    "signal": OKABE_ITO["grey"],             # w_star_i^2 (or eigs_i w_star_i^2)
    "noise": OKABE_ITO["reddish_purple"],    # label noise and optimization-noise floors
    "horizon_opt": OKABE_ITO["vermillion"],  # optimization horizon (lr t)^(1/alpha)
    "horizon_stat": OKABE_ITO["reddish_purple"],  # statistical horizon (n/noise^2)^(1/beta)
    "horizon_teacher": OKABE_ITO["orange"],
    "ridge": OKABE_ITO["sky_blue"],
    "gain": OKABE_ITO["bluish_green"],
    "loss": OKABE_ITO["vermillion"],
}

#: The default colour cycle (Okabe--Ito without yellow, which is too pale on white).
CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "reddish_purple",
                                  "orange", "sky_blue", "black", "grey")]

#: Axis labels in the book's notation.
LABELS = {
    "steps": r"steps $t$",
    "risk": r"excess risk $R(w_t)$",
    "mode": r"mode $i$",
    "error": r"$\mathbb{E}(w_i - w_{\star,i})^2$",
    "mode_risk": r"$\lambda_i\,\mathbb{E}(w_i - w_{\star,i})^2$",
    "filter": r"fraction of mode $i$ learned",
}

_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "figure.constrained_layout.use": True,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "savefig.dpi": 150,
    "savefig.format": "png",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#1a1a1a",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.which": "major",
    "axes.axisbelow": True,
    "axes.titlesize": 12,
    "axes.titleweight": "normal",
    "axes.labelsize": 11,
    "axes.formatter.use_mathtext": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "grid.alpha": 1.0,
    "font.size": 10.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "lines.linewidth": 1.8,
    "lines.markersize": 4.5,
    "image.cmap": "viridis",
    "mathtext.fontset": "dejavusans",
}


def use_style() -> None:
    """Set the book's matplotlib style (rcParams); call once in a chapter's setup cell.

    White figure, axes and saved-figure backgrounds (so figures read well in a dark-mode
    browser too), the Okabe--Ito colour cycle :data:`CYCLE`, readable font sizes, a light
    grid, ``figure.dpi = 100``, a ``(6.4, 4)`` inch figure and constrained layout. Calling
    it again changes nothing.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> kt.plot.use_style()
    >>> matplotlib.rcParams["axes.facecolor"], matplotlib.rcParams["savefig.facecolor"]
    ('white', 'white')
    """
    mpl.rcParams.update(_STYLE)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=CYCLE)


def color_for(label, index=0) -> str:
    """The colour of a concept named in ``label``, or the ``index``-th colour of :data:`CYCLE`.

    A label that contains a key of :data:`COLORS` (``"teacher"``, ``"student"``, ...;
    case-insensitive) gets that colour, so "teacher (N = 200,000)" is always orange. When
    several concepts appear, the one named first wins: "baseline (direct student)" is a
    baseline.

    Examples
    --------
    >>> import ktlib as kt
    >>> kt.plot.color_for("KD student") == kt.plot.COLORS["student"]
    True
    >>> kt.plot.color_for("baseline (direct student)") == kt.plot.COLORS["baseline"]
    True
    >>> kt.plot.color_for("something else", 1) == kt.plot.CYCLE[1]
    True
    """
    text = str(label).lower()
    found = [(text.find(key), key) for key in ("teacher", "student", "baseline", "ridge",
                                                "signal", "noise", "theory", "simulation")
             if key in text]
    if found:
        return COLORS[min(found)[1]]
    if "stat" in text:                       # "statistical horizon", "$k_{\\rm stat}$"
        return COLORS["horizon_stat"]
    if "opt" in text:                        # "optimization horizon", "$k_{\\rm opt}$"
        return COLORS["horizon_opt"]
    return CYCLE[index % len(CYCLE)]


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------
def _get_ax(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _positive(y):
    """y with non-positive or non-finite entries masked (they cannot show on a log axis)."""
    y = np.asarray(y, dtype=float)
    return np.where(np.isfinite(y) & (y > 0), y, np.nan)


def _mean_sem(sim):
    """Mean and standard error (None for one seed) of a Simulation-like object's ``risk``."""
    risk = np.atleast_2d(np.asarray(sim.risk, dtype=float))
    mean = risk.mean(axis=0)
    if risk.shape[0] < 2:
        return mean, None
    return mean, risk.std(axis=0, ddof=1) / np.sqrt(risk.shape[0])


def _band(ax, t, mean, sem, band, color, alpha):
    """Shade mean +- band * sem on a log axis (a lower edge at or below 0 is cut at mean/1000)."""
    lo = mean - band * sem
    lo = np.where(lo > 0, lo, 1e-3 * mean)
    ax.fill_between(t, _positive(lo), _positive(mean + band * sem), color=color, alpha=alpha,
                    linewidth=0, zorder=2)


def _final_errors(x):
    """(d,) per-mode errors from an array, a Curve or a Simulation (its last recorded time)."""
    if hasattr(x, "mode_error"):
        return np.asarray(x.mode_error, dtype=float)[-1]
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"per-mode errors must be 1-d arrays of length d, got shape {arr.shape}")
    return arr


def _is_simulation(x):
    return np.ndim(getattr(x, "risk", 0)) == 2


# ----------------------------------------------------------------------------------------
# Risk curves
# ----------------------------------------------------------------------------------------
def risk_curve(curve=None, sim=None, ax=None, label=None, color=None, band=2.0, marker="o"):
    r"""Excess risk against steps on log-log axes: theory as a line, Monte Carlo as markers.

    The exact curve :math:`\mathbb E R(w_t)` is a solid line; the Monte Carlo mean is drawn as
    markers with a shaded band of :math:`\pm\,\text{band}` standard errors (no band for a
    single seed). The point :math:`t = 0` cannot show on a log axis and is dropped; so are
    non-positive risks. Where the lower edge of the band would reach zero it is cut at a
    thousandth of the mean.

    Parameters
    ----------
    curve : Curve, optional
        Exact theory (anything with ``.times`` and ``.risk`` of shape (T,)).
    sim : Simulation, optional
        Monte Carlo runs (anything with ``.times`` and ``.risk`` of shape (seeds, T)).
    ax : matplotlib Axes, optional
    label : str, optional
        Legend label. With both ``curve`` and ``sim`` it goes on the theory line and the
        markers stay unlabelled (add :func:`theory_sim_legend` to explain the glyphs). Without
        a label, the line is labelled "theory" and the markers "simulation".
    color : color, optional
        One colour for both line and markers; by default the line is ``COLORS["theory"]``
        and the markers ``COLORS["simulation"]``. Pass a colour per setting to draw several
        settings on one axes.
    band : float
        Half-width of the shaded band in standard errors; 0 turns it off.
    marker : str
        Marker of the Monte Carlo mean.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=50, noise=0.5)
    >>> sgd = kt.SGD(lr=0.3, steps=200)
    >>> ax = kt.plot.risk_curve(kt.expected_risk(prob, sgd), kt.simulate(prob, sgd, seeds=4))
    >>> ax.get_legend_handles_labels()[1]
    ['theory', 'simulation, mean $\\pm$ 2 s.e.']
    """
    if curve is None and sim is None:
        raise ValueError("risk_curve needs a curve, a sim, or both")
    ax = _get_ax(ax)
    line_color = COLORS["theory"] if color is None else color
    sim_color = COLORS["simulation"] if color is None else color
    if curve is not None:
        t = np.asarray(curve.times)
        keep = t > 0
        ax.plot(t[keep], _positive(np.asarray(curve.risk)[keep]), color=line_color,
                label="theory" if label is None else label, zorder=3)
    if sim is not None:
        t = np.asarray(sim.times)
        keep = t > 0
        mean, sem = _mean_sem(sim)
        if label is None:
            sim_label = "simulation"
            if sem is not None and band > 0:
                sim_label += rf", mean $\pm$ {band:g} s.e."
        else:
            sim_label = None if curve is not None else label
        if sem is not None and band > 0:
            _band(ax, t[keep], mean[keep], sem[keep], band, sim_color, alpha=0.18)
        ax.plot(t[keep], _positive(mean[keep]), linestyle="none", marker=marker,
                color=sim_color, markerfacecolor=sim_color, markeredgecolor="white",
                markeredgewidth=0.6, label=sim_label, zorder=4)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(LABELS["steps"])
    ax.set_ylabel(LABELS["risk"])
    return ax


def theory_sim_legend(ax, band=2.0, **kwargs):
    """A legend that adds two neutral glyphs, "theory" (line) and "simulation" (markers).

    Use it when several settings share one axes, each in its own colour, and the lines and
    markers need explaining once. Extra keyword arguments go to ``ax.legend``.

    Returns
    -------
    matplotlib Legend
    """
    handles, labels = ax.get_legend_handles_labels()
    handles += [Line2D([], [], color="#555555", label="theory (exact)"),
                Line2D([], [], color="#555555", linestyle="none", marker="o",
                       markeredgecolor="white",
                       label=rf"simulation, mean $\pm$ {band:g} s.e." if band else "simulation")]
    labels += [h.get_label() for h in handles[len(labels):]]
    return ax.legend(handles, labels, **kwargs)


def reference_slope(ax, slope, x, y0, label=None, color="#555555"):
    r"""A dashed power-law guide :math:`y = y_0 (t/t_0)^{\text{slope}}` from ``x[0]`` to ``x[1]``.

    Use it to show a predicted rate, e.g. ``slope = -(beta - 1) / alpha``.

    Parameters
    ----------
    ax : matplotlib Axes or None
        Usually a log-log risk plot; None draws on a new figure.
    slope : float
    x : (float, float)
        Start and end of the guide, :math:`t_0 = x_0`.
    y0 : float
        Height at ``x[0]``.
    label : str, optional
        Legend label, e.g. ``r"$t^{-(\beta-1)/\alpha}$"``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> ax = kt.plot.reference_slope(None, -0.5, (10, 1000), 1.0, label=r"$t^{-1/2}$")
    >>> float(ax.get_lines()[0].get_ydata()[-1])
    0.1
    """
    ax = _get_ax(ax)
    x0, x1 = float(x[0]), float(x[1])
    if not (x0 > 0 and x1 > 0 and y0 > 0):
        raise ValueError("reference_slope needs x[0], x[1] > 0 and y0 > 0 (a log-log guide)")
    xs = np.geomspace(x0, x1, 50)
    ax.plot(xs, y0 * (xs / x0) ** slope, linestyle=(0, (4, 3)), color=color, linewidth=1.2,
            label=label, zorder=1)
    return ax


# ----------------------------------------------------------------------------------------
# Spectra
# ----------------------------------------------------------------------------------------
def label_horizon(ax, k, label=None, color=None, y=0.96):
    """Mark a horizon: a dashed vertical line at mode ``k`` with a label along it.

    Parameters
    ----------
    ax : matplotlib Axes
    k : float
        Mode index (the number of modes inside the horizon).
    label : str, optional
        Written vertically next to the line, near its top (at ``y`` in axes fraction).
    color : color, optional
        Default: from :func:`color_for` applied to ``label``.
    y : float
        Height of the label's top, as a fraction of the axes height.

    Returns
    -------
    matplotlib Axes
    """
    color = color_for(label or "", 6) if color is None else color
    ax.axvline(k, color=color, linestyle="--", linewidth=1.3, zorder=1)
    if label:
        trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
        offset = mtransforms.offset_copy(trans, fig=ax.figure, x=3, y=0, units="points")
        ax.text(k, y, label, transform=offset, rotation=90, ha="left", va="top",
                color=color, fontsize=9, zorder=5,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.0))
    return ax


def _signal_array(signal):
    """w_star**2 from an array or from a Problem-like object (with .w_star)."""
    if hasattr(signal, "w_star"):
        return np.asarray(signal.w_star, dtype=float) ** 2
    return np.asarray(signal, dtype=float)


def _draw_horizons(ax, horizons):
    for label, k in (horizons or {}).items():
        color = None
        if isinstance(k, tuple):
            k, color = k
        label_horizon(ax, k, label, color=color)


def mode_spectrum(errors, ax=None, eigs=None, kind="error", horizons=None, signal=None):
    r"""Per-mode error spectra on log-log axes, against the mode index :math:`i = 1, \dots, d`.

    ``kind="error"`` draws :math:`\mathbb E(w_i - w_{\star,i})^2`, the error in parameter
    space, where the signal is :math:`w_{\star,i}^2`. ``kind="risk"`` multiplies by
    :math:`\lambda_i` and draws each mode's share of the excess risk,
    :math:`\lambda_i\,\mathbb E(w_i - w_{\star,i})^2`, where the signal is
    :math:`\lambda_i w_{\star,i}^2`. A mode whose error lies below the grey signal line is
    learned; a mode on the line is untouched (its error is its whole signal).

    Parameters
    ----------
    errors : dict
        ``label -> (d,)`` array of per-mode errors :math:`\mathbb E(w_i - w_{\star,i})^2`
        (a Curve or Simulation also works: its last recorded time is used). Labels that name
        a concept ("teacher", "student", "baseline", ...) get its colour.
    ax : matplotlib Axes, optional
    eigs : array_like, shape (d,), optional
        :math:`\lambda_i`; needed for ``kind="risk"`` unless every entry of ``errors`` is a
        Curve or Simulation (which carry their ``eigs``).
    kind : {"error", "risk"}
    horizons : dict, optional
        ``label -> mode index`` (or ``label -> (mode index, colour)``), each drawn by
        :func:`label_horizon`.
    signal : array_like of shape (d,) or Problem, optional
        :math:`w_{\star,i}^2` (or a Problem, whose ``w_star`` is used), drawn as a grey
        reference line (times :math:`\lambda_i` for ``kind="risk"``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=100, noise=0.5)
    >>> curve = kt.expected_risk(prob, kt.SGD(lr=0.3, steps=500))
    >>> ax = kt.plot.mode_spectrum({"SGD": curve}, signal=prob, horizons={"horizon": 20})
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('mode $i$', '$\\mathbb{E}(w_i - w_{\\star,i})^2$')
    """
    if kind not in ("error", "risk"):
        raise ValueError(f"kind must be 'error' or 'risk', got {kind!r}")
    if not isinstance(errors, Mapping):
        raise ValueError("errors must be a dict label -> (d,) array of per-mode errors")
    ax = _get_ax(ax)
    if kind == "risk" and eigs is None:
        carried = [getattr(v, "eigs", None) for v in errors.values()]
        if not carried or any(c is None for c in carried):
            raise ValueError("kind='risk' needs eigs (the per-mode errors are multiplied by them)")
        eigs = carried[0]
    lam = None if kind == "error" else np.asarray(eigs, dtype=float)
    if signal is not None and lam is None and hasattr(signal, "eigs") and kind == "risk":
        lam = np.asarray(signal.eigs, dtype=float)

    def scaled(v):
        return v if lam is None else lam * v

    if signal is not None:
        s = scaled(_signal_array(signal))
        i = np.arange(1, s.size + 1)
        ax.plot(i, _positive(s), color=COLORS["signal"], linewidth=2.4, alpha=0.55,
                label=r"signal $w_{\star,i}^2$" if kind == "error"
                else r"signal $\lambda_i w_{\star,i}^2$", zorder=1)
    for n, (label, values) in enumerate(errors.items()):
        e = scaled(_final_errors(values))
        i = np.arange(1, e.size + 1)
        thin = _is_simulation(values)          # Monte Carlo spectra are noisy: lighter lines
        ax.plot(i, _positive(e), color=color_for(label, n), label=label, zorder=3,
                linewidth=1.1 if thin else None, alpha=0.9 if thin else None)
    _draw_horizons(ax, horizons)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(LABELS["mode"])
    ax.set_ylabel(LABELS["error"] if kind == "error" else LABELS["mode_risk"])
    ax.legend(loc="best")
    return ax


def filter_plot(filters, ax=None, horizons=None):
    r"""Spectral filters: the fraction of each mode learned, in :math:`[0, 1]`, against :math:`i`.

    A learner acts on the target mode by mode; its filter is the fraction of mode :math:`i`
    it has learned (e.g. :math:`1 - (1 - g_i)^t` for the mean of SGD). The mode axis is
    logarithmic, the fraction linear.

    Parameters
    ----------
    filters : dict
        ``label -> (d,)`` array of fractions.
    ax : matplotlib Axes, optional
    horizons : dict, optional
        ``label -> mode index`` (or ``label -> (mode index, colour)``), each drawn by
        :func:`label_horizon`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, ktlib as kt
    >>> i = np.arange(1, 101)
    >>> ax = kt.plot.filter_plot({"student": 1 - (1 - 0.5 * i**-1.5) ** 100})
    >>> ax.get_xscale(), ax.get_ylabel()
    ('log', 'fraction of mode $i$ learned')
    """
    if not isinstance(filters, Mapping):
        raise ValueError("filters must be a dict label -> (d,) array of fractions")
    ax = _get_ax(ax)
    for n, (label, values) in enumerate(filters.items()):
        f = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, f.size + 1), f, color=color_for(label, n), label=label, zorder=3)
    _draw_horizons(ax, horizons)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.06)
    ax.set_xlabel(LABELS["mode"])
    ax.set_ylabel(LABELS["filter"])
    ax.legend(loc="lower left")
    return ax


# ----------------------------------------------------------------------------------------
# Teacher -> student
# ----------------------------------------------------------------------------------------
_LEARNERS = ("teacher", "student", "baseline")


def _signal_of(out, learners):
    """w_star**2 for a transfer result: from ``out.prob`` if it has one, else from the error of
    a ground-truth learner at t = 0 (which is w_star**2 exactly, since SGD starts at 0)."""
    for attr in ("prob", "problem"):
        if getattr(out, attr, None) is not None:
            return getattr(out, attr)
    for name in ("baseline", "teacher"):
        res = learners.get(name)
        if res is not None and np.asarray(res.times)[0] == 0:
            return np.asarray(res.mode_error)[0]
    return None


def transfer_summary(out, axes=None, band=2.0, signal=None, horizons=None):
    r"""A two-panel summary of a teacher -> student transfer.

    Left: the risk curves of the teacher, the student and the baseline, each against its own
    steps (theory lines; for a simulated transfer, the Monte Carlo mean with a
    :math:`\pm\,\text{band}` standard-error band). Right: the per-mode errors of the three at
    their last step, with the signal :math:`w_{\star,i}^2`.

    Parameters
    ----------
    out : TransferResult
        From :func:`ktlib.transfer` (``.teacher``, ``.student``, ``.baseline``; a missing or
        ``None`` learner is skipped).
    axes : sequence of two matplotlib Axes, optional
        Default: a new ``(11, 4)`` inch figure with two panels.
    band : float
        Band half-width in standard errors for simulated learners.
    signal : array_like of shape (d,) or Problem, optional
        :math:`w_{\star,i}^2`. Default: the error of the baseline (or teacher) at
        :math:`t = 0`, which is exactly :math:`w_{\star,i}^2` since SGD starts from zero.
    horizons : dict, optional
        ``label -> mode index`` marked on the right panel.

    Returns
    -------
    ndarray of two matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> prob = kt.power_law(d=100, noise=1.0)
    >>> out = kt.transfer(prob, teacher=kt.SGD(lr=0.2, steps=2000),
    ...                   student=kt.SGD(lr=0.01, steps=500))
    >>> left, right = kt.plot.transfer_summary(out)
    >>> [line.get_label() for line in left.get_lines()]
    ['teacher', 'student', 'baseline']
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes = np.asarray(axes).ravel()
    if axes.size != 2:
        raise ValueError(f"axes must hold two Axes, got {axes.size}")
    left, right = axes
    learners = {name: getattr(out, name, None) for name in _LEARNERS}
    learners = {k: v for k, v in learners.items() if v is not None}
    if not learners:
        raise ValueError("out has none of .teacher, .student, .baseline")
    for name, res in learners.items():
        color = COLORS[name]
        t = np.asarray(res.times)
        keep = t > 0
        if _is_simulation(res):
            mean, sem = _mean_sem(res)
            if sem is not None and band > 0:
                _band(left, t[keep], mean[keep], sem[keep], band, color, alpha=0.2)
            left.plot(t[keep], _positive(mean[keep]), color=color, marker="o", markersize=3,
                      markeredgecolor="white", markeredgewidth=0.5, label=name)
        else:
            left.plot(t[keep], _positive(np.asarray(res.risk)[keep]), color=color, label=name)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel(r"steps $t$ (each learner's own)")
    left.set_ylabel(LABELS["risk"])
    left.legend()
    if signal is None:
        signal = _signal_of(out, learners)
    mode_spectrum({name: res for name, res in learners.items()}, ax=right, signal=signal,
                  horizons=horizons)
    right.set_ylabel(LABELS["error"] + " at the last step")
    return axes


def risk_bars(values, ax=None, fmt="{:.4f}", ylabel=r"excess risk $R$", log=False, colors=None):
    """A bar chart of a few numbers (e.g. risks of teacher, student, baseline), each annotated.

    Parameters
    ----------
    values : dict
        ``label -> number``; labels that name a concept get its colour.
    ax : matplotlib Axes, optional
    fmt : str
        Format of the annotations.
    ylabel : str
    log : bool
        Logarithmic value axis.
    colors : dict or list, optional
        Bar colours (``label -> colour`` or one per bar); default: :func:`color_for`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import ktlib as kt
    >>> ax = kt.plot.risk_bars({"teacher": 0.326, "student": 0.252, "baseline": 0.27})
    >>> [t.get_text() for t in ax.texts]
    ['0.3260', '0.2520', '0.2700']
    """
    if not isinstance(values, Mapping) or not values:
        raise ValueError("values must be a non-empty dict label -> number")
    ax = _get_ax(ax)
    labels = [str(k) for k in values]
    heights = np.array([float(v) for v in values.values()])
    x = np.arange(len(labels))
    if colors is None:
        colors = [color_for(k, n) for n, k in enumerate(labels)]
    elif isinstance(colors, Mapping):
        colors = [colors.get(k, color_for(k, n)) for n, k in enumerate(labels)]
    ax.bar(x, heights, color=list(colors), width=0.62, zorder=2)
    if log:
        ax.set_yscale("log")
    for xi, h in zip(x, heights):
        ax.annotate(fmt.format(h), (xi, h), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9.5)
    ax.set_xticks(x, labels)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)
    ax.margins(y=0.12)
    return ax


# ----------------------------------------------------------------------------------------
# Phase diagrams
# ----------------------------------------------------------------------------------------
def _edges(c, log):
    """Cell edges around centres ``c`` (geometric midpoints on a log axis)."""
    c = np.asarray(c, dtype=float)
    if c.size == 1:
        return np.array([c[0] / 1.5, c[0] * 1.5]) if log else np.array([c[0] - 0.5, c[0] + 0.5])
    if log:
        if np.any(c <= 0):
            raise ValueError("log-scaled coordinates must be > 0")
        lc = np.log(c)
        mid = 0.5 * (lc[1:] + lc[:-1])
        return np.exp(np.concatenate([[2 * lc[0] - mid[0]], mid, [2 * lc[-1] - mid[-1]]]))
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])


def _short(v):
    """A compact tick label: 0.05, 120, 1.3e3, 2e-4."""
    text = f"{v:.2g}" if (v != 0 and not 1e-2 <= abs(v) < 1e4) else f"{v:.3g}"
    return text.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def _grid_ticks(axis, centres, most=8):
    """Ticks at (some of) the grid values, written compactly, on a log-scaled heatmap axis."""
    every = int(np.ceil(len(centres) / most))
    ticks = np.asarray(centres)[::every]
    axis.set_major_locator(mticker.FixedLocator(ticks))
    axis.set_major_formatter(mticker.FixedFormatter([_short(v) for v in ticks]))
    axis.set_minor_locator(mticker.NullLocator())


def heatmap(Z, x, y, ax=None, xlabel=None, ylabel=None, cbar_label=None, xlog=False,
            ylog=False, cmap="RdBu", contour=0.0, vmax=None, annotate=None):
    """A phase diagram: ``Z[j, i]`` at ``(x[i], y[j])``, diverging colours centred at 0.

    Positive values are blue, negative red (with the default ``cmap="RdBu"``), zero is white,
    and a black contour marks ``Z = contour`` when ``Z`` crosses it. Use it for a transfer gain
    over two parameters: blue where the student beats its baseline.

    Parameters
    ----------
    Z : array_like, shape (len(y), len(x))
    x, y : array_like
        Cell centres (need not be evenly spaced).
    ax : matplotlib Axes, optional
    xlabel, ylabel, cbar_label : str, optional
    xlog, ylog : bool
        Logarithmic axes (cells then span geometric midpoints).
    cmap : str or Colormap
    contour : float or None
        Level of the contour line; None for none.
    vmax : float, optional
        Colour range is ``[-vmax, vmax]``; default: ``max |Z|``.
    annotate : str, optional
        A format such as ``"{:.2f}"`` to write each value in its cell.

    Returns
    -------
    matplotlib Axes
        The colour bar is ``ax.colorbar_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, ktlib as kt
    >>> x, y = np.linspace(1, 3, 5), np.linspace(1, 3, 4)
    >>> ax = kt.plot.heatmap(y[:, None] - x[None, :], x, y, xlabel=r"$\\alpha$",
    ...                      ylabel=r"$\\beta$", cbar_label="gain")
    >>> ax.colorbar_.ax.get_ylabel()
    'gain'
    """
    Z = np.asarray(Z, dtype=float)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if Z.shape != (y.size, x.size):
        raise ValueError(f"Z must have shape (len(y), len(x)) = ({y.size}, {x.size}), "
                         f"got {Z.shape}")
    ax = _get_ax(ax)
    finite = Z[np.isfinite(Z)]
    if vmax is None:
        vmax = float(np.max(np.abs(finite))) if finite.size else 1.0
        vmax = vmax if vmax > 0 else 1.0
    norm = mcolors.Normalize(vmin=-vmax, vmax=vmax)
    mesh = ax.pcolormesh(_edges(x, xlog), _edges(y, ylog), np.ma.masked_invalid(Z), cmap=cmap,
                         norm=norm, shading="flat")
    if xlog:
        ax.set_xscale("log")
        _grid_ticks(ax.xaxis, x, most=5)
    if ylog:
        ax.set_yscale("log")
        _grid_ticks(ax.yaxis, y)
    if (contour is not None and finite.size and finite.min() < contour < finite.max()
            and Z.shape[0] > 1 and Z.shape[1] > 1):
        ax.contour(x, y, Z, levels=[contour], colors="black", linewidths=1.2)
    if annotate:
        for j in range(y.size):
            for i in range(x.size):
                if np.isfinite(Z[j, i]):
                    dark = abs(Z[j, i]) > 0.6 * vmax
                    ax.text(x[i], y[j], annotate.format(Z[j, i]), ha="center", va="center",
                            fontsize=8, color="white" if dark else "black")
    cbar = ax.figure.colorbar(mesh, ax=ax)
    if cbar_label:
        cbar.set_label(cbar_label)
    ax.colorbar_ = cbar
    ax.grid(False)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax
