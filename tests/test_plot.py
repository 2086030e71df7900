"""Tests of ktlib.plot: every function draws what it says, on small inputs, with the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection, QuadMesh  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import ktlib as kt  # noqa: E402
from ktlib import plot  # noqa: E402

WHITE = to_rgba("white")


@pytest.fixture(autouse=True)
def _style_and_cleanup():
    with matplotlib.rc_context():
        plot.use_style()
        yield
    plt.close("all")


@pytest.fixture(scope="module")
def prob():
    return kt.power_law(d=60, alpha=1.5, beta=2.5, noise=0.5)


@pytest.fixture(scope="module")
def sgd():
    return kt.SGD(lr=0.3, steps=300)


def _white(ax):
    return to_rgba(ax.get_facecolor()) == WHITE and to_rgba(ax.figure.get_facecolor()) == WHITE


def _bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


# ----------------------------------------------------------------------------------------
# palette and style
# ----------------------------------------------------------------------------------------
def test_okabe_ito_palette_is_exact():
    expected = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                "#CC79A7"}
    assert expected <= {v.upper() for v in plot.OKABE_ITO.values()}


def test_semantic_colors_cover_the_book_and_are_distinct_where_it_matters():
    needed = {"theory", "simulation", "teacher", "student", "baseline", "signal", "noise",
              "horizon_opt", "horizon_stat", "horizon_teacher", "ridge"}
    assert needed <= set(plot.COLORS)
    trio = {to_hex(plot.COLORS[k]) for k in ("teacher", "student", "baseline")}
    assert len(trio) == 3
    assert to_hex(plot.COLORS["theory"]) != to_hex(plot.COLORS["simulation"])
    assert to_hex(plot.COLORS["horizon_opt"]) != to_hex(plot.COLORS["horizon_stat"])
    assert len(set(plot.CYCLE)) == len(plot.CYCLE) >= 6
    palette = {v.upper() for v in plot.OKABE_ITO.values()}
    assert all(c.upper() in palette for c in list(plot.COLORS.values()) + plot.CYCLE)


def test_use_style_sets_white_backgrounds_cycle_and_layout():
    rc = matplotlib.rcParams
    for key in ("figure.facecolor", "axes.facecolor", "savefig.facecolor"):
        assert to_rgba(rc[key]) == WHITE, key
    assert [to_hex(c) for c in rc["axes.prop_cycle"].by_key()["color"]] == \
        [to_hex(c) for c in plot.CYCLE]
    assert rc["figure.dpi"] == 100
    assert tuple(rc["figure.figsize"]) == (6.4, 4.0)
    assert rc["figure.constrained_layout.use"] is True
    assert rc["axes.grid"] is True


def test_use_style_is_idempotent():
    before = dict(matplotlib.rcParams)
    plot.use_style()
    after = dict(matplotlib.rcParams)
    assert before == after


def test_color_for_names_concepts():
    assert plot.color_for("teacher (N = 200,000)") == plot.COLORS["teacher"]
    assert plot.color_for("KD Student") == plot.COLORS["student"]
    assert plot.color_for(r"$k_{\rm stat}$ = 20") == plot.COLORS["horizon_stat"]
    assert plot.color_for("optimization horizon") == plot.COLORS["horizon_opt"]
    assert plot.color_for("lr = 0.1", 2) == plot.CYCLE[2]


# ----------------------------------------------------------------------------------------
# risk_curve
# ----------------------------------------------------------------------------------------
def test_risk_curve_theory_drops_t0_and_is_loglog(prob, sgd):
    curve = kt.expected_risk(prob, sgd)
    assert curve.times[0] == 0
    ax = plot.risk_curve(curve)
    (line,) = ax.get_lines()
    assert_allclose(line.get_xdata(), curve.times[1:])
    assert_allclose(line.get_ydata(), curve.risk[1:])
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() == "steps $t$"
    assert ax.get_ylabel() == "excess risk $R(w_t)$"
    assert _white(ax)


def test_risk_curve_simulation_band_is_band_times_sem(prob, sgd):
    sim = kt.simulate(prob, sgd, seeds=6, seed=3)
    ax = plot.risk_curve(sim=sim, band=2.0)
    (markers,) = ax.get_lines()
    assert markers.get_linestyle() == "None"
    assert_allclose(markers.get_xdata(), sim.times[1:])
    assert_allclose(markers.get_ydata(), sim.mean[1:])
    (band,) = _bands(ax)
    top = band.get_paths()[0].vertices[:, 1].max()
    assert_allclose(top, np.max((sim.mean + 2.0 * sim.sem)[1:]), rtol=1e-12)
    assert np.all(band.get_paths()[0].vertices[:, 0] > 0)          # t = 0 dropped here too


def test_risk_curve_one_seed_has_no_band(prob, sgd):
    sim = kt.simulate(prob, sgd, seeds=1, seed=0)
    ax = plot.risk_curve(kt.expected_risk(prob, sgd), sim)
    assert _bands(ax) == []
    assert len(ax.get_lines()) == 2


def test_risk_curve_labels_and_colors(prob, sgd):
    curve, sim = kt.expected_risk(prob, sgd), kt.simulate(prob, sgd, seeds=4)
    ax = plot.risk_curve(curve, sim)
    assert ax.get_legend_handles_labels()[1] == ["theory", r"simulation, mean $\pm$ 2 s.e."]
    theory, markers = ax.get_lines()
    assert to_hex(theory.get_color()) == to_hex(plot.COLORS["theory"])
    assert to_hex(markers.get_color()) == to_hex(plot.COLORS["simulation"])
    fig, ax2 = plt.subplots()
    out = plot.risk_curve(curve, sim, ax=ax2, label="lr = 0.3", color=plot.CYCLE[2])
    assert out is ax2
    assert ax2.get_legend_handles_labels()[1] == ["lr = 0.3"]
    assert {to_hex(line.get_color()) for line in ax2.get_lines()} == {to_hex(plot.CYCLE[2])}
    with pytest.raises(ValueError, match="curve"):
        plot.risk_curve()


def test_theory_sim_legend_and_reference_slope(prob, sgd):
    ax = plot.risk_curve(kt.expected_risk(prob, sgd), label="lr = 0.3", color="C0")
    plot.reference_slope(ax, -0.6, (10, 100), 0.5, label="rate")
    line = ax.get_lines()[-1]
    x, y = line.get_xdata(), line.get_ydata()
    assert_allclose(np.diff(np.log(y)) / np.diff(np.log(x)), -0.6)
    assert_allclose(y[0], 0.5)
    legend = plot.theory_sim_legend(ax)
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:2] == ["lr = 0.3", "rate"] and "theory (exact)" in texts
    assert any(t.startswith("simulation") for t in texts)
    with pytest.raises(ValueError):
        plot.reference_slope(ax, -1, (0, 10), 1.0)


# ----------------------------------------------------------------------------------------
# spectra
# ----------------------------------------------------------------------------------------
def test_mode_spectrum_error_kind(prob, sgd):
    curve = kt.expected_risk(prob, sgd)
    errs = {"student": curve.mode_error[-1], "other": 2 * curve.mode_error[-1]}
    ax = plot.mode_spectrum(errs, signal=prob.w_star**2, horizons={"horizon": 7})
    lines = ax.get_lines()
    signal, student, other, vline = lines
    assert_allclose(signal.get_xdata(), np.arange(1, prob.d + 1))
    assert_allclose(signal.get_ydata(), prob.w_star**2)
    assert_allclose(student.get_ydata(), curve.mode_error[-1])
    assert to_hex(student.get_color()) == to_hex(plot.COLORS["student"])
    assert_allclose(vline.get_xdata(), [7, 7])
    assert vline.get_linestyle() == "--"
    assert [t.get_text() for t in ax.texts] == ["horizon"]
    assert ax.get_xlabel() == "mode $i$"
    assert ax.get_ylabel() == r"$\mathbb{E}(w_i - w_{\star,i})^2$"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert _white(ax)


def test_mode_spectrum_risk_kind_multiplies_by_eigs(prob, sgd):
    curve = kt.expected_risk(prob, sgd)
    ax = plot.mode_spectrum({"SGD": curve.mode_error[-1]}, eigs=prob.eigs, kind="risk",
                            signal=prob)
    signal, sgd_line = ax.get_lines()
    assert_allclose(signal.get_ydata(), prob.signal)
    assert_allclose(sgd_line.get_ydata(), curve.mode_risk[-1])
    assert ax.get_ylabel() == r"$\lambda_i\,\mathbb{E}(w_i - w_{\star,i})^2$"
    ax2 = plot.mode_spectrum({"SGD": curve}, kind="risk")      # a Curve carries its eigs
    assert_allclose(ax2.get_lines()[0].get_ydata(), curve.mode_risk[-1])
    with pytest.raises(ValueError, match="eigs"):
        plot.mode_spectrum({"SGD": curve.mode_error[-1]}, kind="risk")
    with pytest.raises(ValueError, match="kind"):
        plot.mode_spectrum({"SGD": curve.mode_error[-1]}, kind="energy")


def test_label_horizon(prob):
    fig, ax = plt.subplots()
    ax.set_xscale("log")
    assert plot.label_horizon(ax, 12, r"$k_{\rm opt}$ = 12") is ax
    (line,) = ax.get_lines()
    assert_allclose(line.get_xdata(), [12, 12])
    assert to_hex(line.get_color()) == to_hex(plot.COLORS["horizon_opt"])
    assert ax.texts[0].get_text() == r"$k_{\rm opt}$ = 12"


def test_filter_plot(prob):
    phi = kt.learned_fraction(prob, 0.3, 100)
    ax = plot.filter_plot({"SGD": phi}, horizons={"horizon": kt.horizon(prob, 0.3, 100)})
    assert_allclose(ax.get_lines()[0].get_ydata(), phi)
    assert_allclose(ax.get_lines()[0].get_xdata(), np.arange(1, prob.d + 1))
    lo, hi = ax.get_ylim()
    assert lo < 0 < 1 < hi < 1.1
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert ax.get_xlabel() == "mode $i$"
    assert "learned" in ax.get_ylabel()


# ----------------------------------------------------------------------------------------
# teacher -> student
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["exact", "simulate"])
def test_transfer_summary(prob, method):
    out = kt.transfer(prob, teacher=kt.SGD(lr=0.3, steps=400), student=kt.SGD(lr=0.1, steps=100),
                      method=method, seeds=4)
    axes = plot.transfer_summary(out)
    assert len(axes) == 2
    left, right = axes
    colors = [to_hex(line.get_color()) for line in left.get_lines()]
    assert colors == [to_hex(plot.COLORS[k]) for k in ("teacher", "student", "baseline")]
    assert_allclose(left.get_lines()[0].get_xdata(), out.teacher.times[1:])
    assert (len(_bands(left)) == 3) == (method == "simulate")
    assert left.get_ylabel() == "excess risk $R(w_t)$"
    signal = right.get_lines()[0]
    assert_allclose(signal.get_ydata(), prob.w_star**2)           # the t = 0 error is w_star^2
    assert_allclose(right.get_lines()[2].get_ydata(), out.student.mode_error[-1])
    assert right.get_ylabel().startswith(r"$\mathbb{E}(w_i - w_{\star,i})^2$")
    assert all(_white(ax) for ax in axes)


def test_transfer_summary_on_given_axes(prob):
    out = kt.transfer(prob, teacher=kt.SGD(lr=0.3, steps=200), student=kt.SGD(lr=0.1, steps=50))
    fig, axes = plt.subplots(1, 2)
    got = plot.transfer_summary(out, axes=axes, horizons={"student horizon": 5})
    assert got[0] is axes[0] and got[1] is axes[1]
    assert [t.get_text() for t in axes[1].texts] == ["student horizon"]
    with pytest.raises(ValueError):
        plot.transfer_summary(out, axes=[axes[0]])


def test_risk_bars():
    values = {"teacher": 0.326, "student": 0.252, "baseline": 0.0457}
    ax = plot.risk_bars(values)
    heights = [p.get_height() for p in ax.patches]
    assert_allclose(heights, list(values.values()))
    assert [t.get_text() for t in ax.texts] == ["0.3260", "0.2520", "0.0457"]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == \
        [to_hex(plot.COLORS[k]) for k in values]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(values)
    assert _white(ax)
    with pytest.raises(ValueError):
        plot.risk_bars({})


# ----------------------------------------------------------------------------------------
# phase diagrams
# ----------------------------------------------------------------------------------------
def test_heatmap_centred_diverging_with_zero_contour():
    x = np.linspace(1.2, 3.0, 7)
    y = np.geomspace(1.2, 5.0, 5)
    Z = np.tanh(y[:, None] - x[None, :]) * np.array([1.0, 0.5, 1.0, 1.0, 1.0])[:, None]
    ax = plot.heatmap(Z, x, y, xlabel=r"$\alpha$", ylabel=r"$\beta$", cbar_label="gain",
                      ylog=True)
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    vmax = np.abs(Z).max()
    assert_allclose([mesh.norm.vmin, mesh.norm.vmax], [-vmax, vmax])
    assert_allclose(mesh.norm(0.0), 0.5)                            # zero is the centre
    assert len(ax.collections) == 2                                 # mesh + contour at 0
    assert ax.colorbar_.ax.get_ylabel() == "gain"
    assert ax.get_yscale() == "log"
    assert_allclose(ax.get_yticks(), y)                             # ticks at the grid values
    assert ax.get_xlabel() == r"$\alpha$"


def test_heatmap_no_contour_without_a_sign_change_and_bad_shape():
    x, y = np.arange(4.0), np.arange(3.0)
    Z = np.ones((3, 4))
    ax = plot.heatmap(Z, x, y, annotate="{:.1f}")
    assert len(ax.collections) == 1
    assert len(ax.texts) == 12 and ax.texts[0].get_text() == "1.0"
    with pytest.raises(ValueError, match="shape"):
        plot.heatmap(Z.T, x, y)


def test_functions_never_show(monkeypatch, prob, sgd):
    called = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: called.append(1))
    curve = kt.expected_risk(prob, sgd)
    plot.risk_curve(curve)
    plot.mode_spectrum({"a": curve})
    plot.filter_plot({"a": np.ones(3)})
    plot.risk_bars({"a": 1.0})
    plot.heatmap(np.eye(2) - 0.5, [1, 2], [1, 2])
    assert called == []


def test_explicit_colours_for_bars_and_horizons():
    import matplotlib.colors as mcolors
    ax = kt.plot.risk_bars({"a": 1.0, "b": 2.0}, colors={"b": "#123456"})
    assert mcolors.to_hex(ax.patches[1].get_facecolor()) == "#123456"
    ax = kt.plot.filter_plot({"f": np.linspace(1, 0, 10)}, horizons={"h": (3, "#654321")})
    assert any(mcolors.to_hex(line.get_color()) == "#654321" for line in ax.lines)


def test_heatmap_log_ticks_are_compact():
    Z = np.arange(12.0).reshape(3, 4) - 5
    ax = kt.plot.heatmap(Z, x=np.geomspace(100, 1e5, 4), y=[1.0, 2.0, 3.0], xlog=True)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert all(len(s) <= 5 for s in labels), labels
