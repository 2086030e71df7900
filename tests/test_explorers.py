"""Tests of ktlib.explorers: the numbers each explorer returns, and what it draws."""

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import ktlib as kt  # noqa: E402
from ktlib import explorers, plot, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------------------
# Chapter 2: sgd_spectrum
# ----------------------------------------------------------------------------------------
def test_sgd_spectrum_numbers_match_ktlib():
    out = explorers.sgd_spectrum()
    prob = kt.power_law(d=500, alpha=1.5, beta=2.5, noise=1.0)
    lr = 0.5 * kt.stability_limit(prob)
    assert set(out) == {"lr", "risk", "k_opt", "k_stat", "floor"}
    assert_allclose(out["lr"], lr, rtol=1e-12)
    assert_allclose(out["risk"], kt.expected_risk(prob, kt.SGD(lr=lr, steps=2000)).final,
                    rtol=1e-12)
    assert out["k_opt"] == kt.horizon(prob, lr, 2000) == 65
    assert out["k_stat"] == kt.statistical_horizon(prob, 2000) == 20
    assert_allclose(out["floor"], lr * (out["risk"] + 1.0) / 2, rtol=1e-12)
    assert all(type(out[k]) is int for k in ("k_opt", "k_stat"))


def test_sgd_spectrum_given_lr_and_parameters():
    out = explorers.sgd_spectrum(alpha=2.0, beta=3.0, noise=0.5, lr=0.1, steps=500, d=200)
    prob = kt.power_law(d=200, alpha=2.0, beta=3.0, noise=0.5)
    assert out["lr"] == 0.1
    assert_allclose(out["risk"], kt.expected_risk(prob, kt.SGD(lr=0.1, steps=500)).final,
                    rtol=1e-12)
    assert out["k_opt"] == kt.horizon(prob, 0.1, 500)
    assert out["k_stat"] == kt.statistical_horizon(prob, 500)


def test_sgd_spectrum_noise_floor_is_the_error_inside_the_horizon():
    fig, ax = plt.subplots()
    out = explorers.sgd_spectrum(ax=ax)
    curve = ax.get_lines()[1]                                # after the signal line
    errors = np.asarray(curve.get_ydata())
    i = out["k_opt"] // 3                                    # well inside, g_i << 1
    assert_allclose(errors[i - 1], out["floor"], rtol=0.05)
    floor_line = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert_allclose(floor_line[0].get_ydata(), out["floor"])


def test_sgd_spectrum_draws_signal_spectrum_and_both_horizons():
    fig, ax = plt.subplots()
    out = explorers.sgd_spectrum(ax=ax, d=300, steps=1000)
    prob = kt.power_law(d=300)
    signal, spectrum = ax.get_lines()[:2]
    assert_allclose(signal.get_ydata(), prob.w_star**2)
    curve = kt.expected_risk(prob, kt.SGD(lr=out["lr"], steps=1000), times=[1000])
    assert_allclose(spectrum.get_ydata(), curve.mode_error[-1])
    vlines = {to_hex(line.get_color()): line.get_xdata()[0] for line in ax.get_lines()
              if line.get_linestyle() == "--"}
    assert vlines == {to_hex(plot.COLORS["horizon_opt"]): out["k_opt"],
                      to_hex(plot.COLORS["horizon_stat"]): out["k_stat"]}
    assert ax.get_xlabel() == "mode $i$"
    assert ax.get_ylabel() == r"$\mathbb{E}(w_i - w_{\star,i})^2$"


def test_sgd_spectrum_noiseless_statistical_horizon_is_everything():
    out = explorers.sgd_spectrum(noise=0.0, d=100, steps=300)
    assert out["k_stat"] == 100


@pytest.mark.parametrize("lr, match", [(10.0, "stability limit"), (0.0, "lr"), (-1.0, "lr")])
def test_sgd_spectrum_bad_lr_raises_before_drawing(lr, match):
    before = plt.get_fignums()
    with pytest.raises(ValueError, match=match):
        explorers.sgd_spectrum(lr=lr)
    assert plt.get_fignums() == before


def test_sgd_spectrum_lr_just_past_the_limit_raises():
    prob = kt.power_law(d=500)
    limit = kt.stability_limit(prob)
    explorers.sgd_spectrum(lr=0.99 * limit)
    with pytest.raises(ValueError, match="stability limit"):
        explorers.sgd_spectrum(lr=1.01 * limit)


@pytest.mark.parametrize("kwargs", [dict(alpha=1.0), dict(beta=0.5), dict(noise=-1.0),
                                    dict(d=0), dict(steps=-5)])
def test_sgd_spectrum_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        explorers.sgd_spectrum(**kwargs)


def test_sgd_spectrum_is_fast():
    explorers.sgd_spectrum()                                   # warm up imports
    plt.close("all")
    start = time.perf_counter()
    explorers.sgd_spectrum()
    plt.gcf().canvas.draw()
    assert time.perf_counter() - start < 1.0                   # aim: < 0.3 s


def test_sgd_spectrum_through_the_static_explorer(monkeypatch):
    monkeypatch.setenv("KTLIB_STATIC", "1")
    out = widgets.explorer(explorers.sgd_spectrum,
                           {"alpha": (1.1, 3.0, 0.1), "steps": (100, 100_000, 0.25)}, d=200)
    assert out == explorers.sgd_spectrum(d=200)
