"""Tests of ktlib.widgets: the static path, control parsing, widget building, lazy import."""

import subprocess
import sys
import types

import pytest

from ktlib import widgets as kw


def make_func():
    calls = []

    def func(alpha=1.5, lr=None, steps=1000, method="exact", d=500):
        calls.append(dict(alpha=alpha, lr=lr, steps=steps, method=method, d=d))
        return {"alpha": alpha, "lr": lr, "steps": steps, "method": method, "d": d}

    return func, calls


CONTROLS = {"alpha": (1.1, 3.0, 0.1), "lr": (1e-3, 1.0, 0.1, 0.05),
            "steps": (10, 100_000, 0.25), "method": ["exact", "simulate"]}


# ----------------------------------------------------------------------------------------
# front end detection and the static path
# ----------------------------------------------------------------------------------------
def fake_ipython(kernel=True, count=1):
    shell = types.SimpleNamespace(kernel=object() if kernel else None, execution_count=count)
    return types.SimpleNamespace(get_ipython=lambda: shell), shell


def test_has_front_end(monkeypatch):
    import ipywidgets  # noqa: F401  (loaded for real before IPython is faked)
    monkeypatch.delenv("KTLIB_STATIC", raising=False)
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert kw.has_front_end() is False                      # no IPython at all
    module, _ = fake_ipython(kernel=False)
    monkeypatch.setitem(sys.modules, "IPython", module)
    assert kw.has_front_end() is False                      # IPython, but no kernel
    module, _ = fake_ipython(kernel=True)
    monkeypatch.setitem(sys.modules, "IPython", module)
    assert kw.has_front_end() is True                       # a kernel and ipywidgets
    monkeypatch.setenv("KTLIB_STATIC", "1")
    assert kw.has_front_end() is False                      # forced static
    monkeypatch.setenv("KTLIB_STATIC", "0")
    assert kw.has_front_end() is True


def test_has_front_end_without_ipywidgets(monkeypatch):
    monkeypatch.delenv("KTLIB_STATIC", raising=False)
    module, _ = fake_ipython(kernel=True)
    monkeypatch.setitem(sys.modules, "IPython", module)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)    # makes `import ipywidgets` fail
    assert kw.has_front_end() is False


def test_static_path_calls_once_with_defaults(monkeypatch):
    monkeypatch.setenv("KTLIB_STATIC", "1")
    func, calls = make_func()
    result = kw.explorer(func, CONTROLS, d=100)
    assert calls == [dict(alpha=1.5, lr=0.05, steps=1000, method="exact", d=100)]
    assert result == calls[0]


def test_static_path_when_not_in_a_kernel(monkeypatch):
    monkeypatch.delenv("KTLIB_STATIC", raising=False)
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    func, calls = make_func()
    sentinel = object()
    result = kw.explorer(lambda x=3: (sentinel, x), {"x": (1, 5, 1)})
    assert result == (sentinel, 3)
    assert kw.explorer(func) == calls[0]
    assert len(calls) == 1


def test_front_end_path_displays_and_returns_the_widget(monkeypatch):
    import ipywidgets
    from IPython import display as ipy_display
    shown = []
    monkeypatch.setattr(kw, "has_front_end", lambda: True)
    monkeypatch.setattr(ipy_display, "display", lambda obj, **k: shown.append(obj))
    func, calls = make_func()
    w = kw.explorer(func, CONTROLS, printer=None)
    assert isinstance(w, ipywidgets.interactive)
    assert shown == [w]
    assert len(calls) == 1                                  # the initial draw


# ----------------------------------------------------------------------------------------
# control specs
# ----------------------------------------------------------------------------------------
def test_parse_controls_kinds_and_defaults():
    func, _ = make_func()
    c = kw.parse_controls(func, CONTROLS)
    assert list(c) == ["alpha", "lr", "steps", "method"]
    assert (c["alpha"].kind, c["alpha"].default, c["alpha"].min, c["alpha"].max) == \
        ("float", 1.5, 1.1, 3.0)                            # default from the signature
    assert (c["lr"].kind, c["lr"].default) == ("log", 0.05)   # default from the spec
    assert (c["steps"].kind, c["steps"].default, c["steps"].integer) == ("log", 1000, True)
    assert c["steps"].coerce(1234.6) == 1235
    assert (c["method"].kind, c["method"].options, c["method"].default) == \
        ("options", ("exact", "simulate"), "exact")


def test_parse_controls_int_slider_log_override_and_widget():
    import ipywidgets
    func, _ = make_func()
    box = ipywidgets.Checkbox(value=True)
    c = kw.parse_controls(func, {"d": (100, 2000, 100), "steps": (10, 10_000, 10),
                                 "alpha": box}, log=set())
    assert (c["d"].kind, c["d"].default) == ("int", 500)
    assert c["steps"].kind == "int"                         # log=set() turns log off
    assert (c["alpha"].kind, c["alpha"].default, c["alpha"].widget) == ("widget", True, box)
    c = kw.parse_controls(func, {"d": (100, 2000, 0.1)}, log={"d"})
    assert (c["d"].kind, c["d"].integer) == ("log", True)
    c = kw.parse_controls(func, {"method": ["a", "b"]})
    assert c["method"].default == "a"                       # signature default not an option


def test_parse_controls_auto():
    func, _ = make_func()
    c = kw.parse_controls(func)
    assert set(c) == {"alpha", "steps", "d"}                # numeric defaults only
    assert c["alpha"].default == 1.5 and c["alpha"].min < 1.5 < c["alpha"].max
    assert c["steps"].kind == "log" and c["steps"].min == 100 and c["steps"].max == 10_000
    assert c["d"].kind == "int"


@pytest.mark.parametrize("controls, fixed, match", [
    ({"gamma": (0, 1, 0.1)}, {}, "not a parameter"),
    ({"alpha": (1, 3, 0.1)}, {"alpha": 2.0}, "both"),
    ({"alpha": (3.0, 1.0, 0.1)}, {}, "min < max"),
    ({"alpha": (1.0, 3.0, 0.0)}, {}, "step"),
    ({"alpha": (1.0, 3.0, 0.1, 5.0)}, {}, "outside"),
    ({"alpha": (1.0, 3.0)}, {}, "slider"),
    ({"lr": (1e-3, 1.0, 0.1)}, {}, "default"),              # func's default is None
    ({"method": []}, {}, "empty"),
    ({"alpha": "1.5"}, {}, "expected"),
    ({"alpha": (0.0, 3.0, 0.1)}, {}, None),                 # valid: linear, min 0
])
def test_parse_controls_rejects_bad_specs(controls, fixed, match):
    func, _ = make_func()
    if match is None:
        kw.parse_controls(func, controls, **fixed)
        return
    with pytest.raises(ValueError, match=match):
        kw.parse_controls(func, controls, **fixed)


def test_log_slider_needs_positive_min():
    func, _ = make_func()
    with pytest.raises(ValueError, match="min > 0"):
        kw.parse_controls(func, {"alpha": (0.0, 3.0, 0.1)}, log={"alpha"})
    with pytest.raises(ValueError, match="not controls"):
        kw.parse_controls(func, {"alpha": (1.0, 3.0, 0.1)}, log={"beta"})
    c = kw.parse_controls(func, {"lr": (0.0, 1.0, 0.1, 0.5)})    # auto log skips min 0
    assert c["lr"].kind == "float"


def test_default_kwargs():
    func, _ = make_func()
    assert kw.default_kwargs(func, CONTROLS, d=7) == \
        dict(alpha=1.5, lr=0.05, steps=1000, method="exact", d=7)


# ----------------------------------------------------------------------------------------
# building the widget (ipywidgets present, nothing displayed)
# ----------------------------------------------------------------------------------------
def test_build_explorer_one_control_each():
    import ipywidgets
    func, calls = make_func()
    w = kw.build_explorer(func, CONTROLS, printer=None, d=100)
    assert isinstance(w, ipywidgets.interactive)
    controls = w.kwargs_widgets
    assert [c.description for c in controls] == ["alpha", "lr", "steps", "method"]
    assert [type(c) for c in controls] == [ipywidgets.FloatSlider, ipywidgets.FloatLogSlider,
                                           ipywidgets.FloatLogSlider, ipywidgets.Dropdown]
    sliders = controls[:3]
    assert all(s.continuous_update is False for s in sliders)
    assert controls[1].value == pytest.approx(0.05)
    assert controls[2].min == pytest.approx(1.0) and controls[2].max == pytest.approx(5.0)
    # interactive draws once on construction, with the defaults and the fixed arguments
    assert calls == [dict(alpha=1.5, lr=0.05, steps=1000, method="exact", d=100)]
    assert w.result == calls[0]
    controls[2].value = 2500.3                          # move the steps slider
    assert calls[-1]["steps"] == 2500 and isinstance(calls[-1]["steps"], int)
    controls[3].value = "simulate"
    assert calls[-1]["method"] == "simulate" and len(calls) == 3


def test_build_explorer_int_slider_and_errors_are_printed(capsys):
    import ipywidgets

    def func(d=10, fail=False):
        if fail:
            raise ValueError("lr=3 is past the stability limit")
        return {"d": d, "half": d / 2}

    w = kw.build_explorer(func, {"d": (2, 20, 2), "fail": [False, True]})
    assert isinstance(w.kwargs_widgets[0], ipywidgets.IntSlider)
    assert capsys.readouterr().out.split("\r")[-1] == "d: 10\nhalf: 5\n"   # print_numbers
    w.kwargs_widgets[1].value = True
    assert "Not allowed: lr=3 is past the stability limit" in capsys.readouterr().out
    assert w.result is None


def test_explorer_displays_once_per_cell(monkeypatch):
    import IPython
    from IPython import display as ipy_display
    func, _ = make_func()
    w = kw.build_explorer(func, {"alpha": (1.1, 3.0, 0.1)}, printer=None)
    shown = []
    monkeypatch.setattr(ipy_display, "display", lambda obj, raw=False: shown.append(obj))
    _, shell = fake_ipython(count=5)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    w._ipython_display_()
    w._ipython_display_()                                  # the cell's return value: skipped
    assert len(shown) == 1
    assert shown[0]["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    shell.execution_count = 6                              # a later cell may show it again
    w._ipython_display_()
    assert len(shown) == 2


def test_print_numbers(capsys):
    kw.print_numbers({"risk": 0.123456, "k_opt": 65, "name": "x"})
    assert capsys.readouterr().out == "risk: 0.1235\nk_opt: 65\n"


def test_importing_widgets_does_not_import_ipywidgets():
    code = "import ktlib, ktlib.widgets, sys; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    code = "import ktlib.widgets, sys; import ipywidgets; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"                     # the check itself can see it
