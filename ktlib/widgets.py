"""Interactive explorers: sliders around a plain, tested function.

A chapter's explorer is two cells. The first (tagged ``nbval-ignore-output``) builds the
widget::

    kt.widgets.explorer(kt.explorers.sgd_spectrum,
                        controls={"alpha": (1.1, 3.0, 0.1), "beta": (1.1, 4.0, 0.1),
                                  "steps": (100, 100_000, 0.25, 2000)})

the second draws the default setting as a static figure by calling the same function, for
the online book where no kernel is attached.

:func:`explorer` degrades gracefully: **with no front end attached** (no running IPython
kernel, ipywidgets not installed, or the environment variable ``KTLIB_STATIC=1``) it calls
the function once with the default values and returns its result. ipywidgets is imported
only when a widget is actually built, so ``import ktlib`` never needs it.

Control specifications
----------------------
``controls`` maps a parameter name of the function to one of:

* ``(min, max, step)`` or ``(min, max, step, default)``: a slider. All-integer specs give an
  integer slider. For a *logarithmic* slider (names in ``log``; by default ``lr``, ``steps``
  and ``n``) ``min`` and ``max`` are values and ``step`` is in decades (0.1 = ten positions
  per factor of 10); integer parameters are rounded.
* a list of options: a dropdown (``None`` is a valid option).
* an ipywidgets widget (anything with a ``value``): used as is.

A default not given in the spec is the function's own default. Keyword arguments of
:func:`explorer` that are not controls are passed to the function unchanged.
"""

from __future__ import annotations

import inspect
import math
import numbers
import os
import sys
from dataclasses import dataclass

__all__ = ["LOG_NAMES", "Control", "parse_controls", "default_kwargs", "has_front_end",
           "build_explorer", "explorer", "print_numbers"]

#: Parameter names that get logarithmic sliders unless ``log=`` says otherwise.
LOG_NAMES = frozenset({"lr", "steps", "n"})

_EMPTY = inspect.Parameter.empty


@dataclass(frozen=True)
class Control:
    """One parsed control.

    Attributes
    ----------
    name : str
        The parameter it sets.
    kind : {"int", "float", "log", "options", "widget"}
    default : object
        Its initial value (also what the static path passes).
    min, max, step : float or None
        Range of a slider (``step`` in decades for ``kind="log"``).
    integer : bool
        True if the value is passed as an int (log sliders of integer parameters).
    options : tuple or None
        Choices of a dropdown.
    widget : object or None
        A ready-made widget (``kind="widget"``).
    """

    name: str
    kind: str
    default: object
    min: float | None = None
    max: float | None = None
    step: float | None = None
    integer: bool = False
    options: tuple | None = None
    widget: object = None

    def coerce(self, value):
        """The value as the function receives it (log sliders of integers are rounded)."""
        if self.integer and value is not None:
            return int(round(value))
        return value


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _is_int(x):
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _is_widget(x):
    return hasattr(x, "value") and hasattr(x, "observe")


def _signature_defaults(func):
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return {}, True
    takes_kwargs = any(p.kind == p.VAR_KEYWORD for p in params.values())
    defaults = {name: p.default for name, p in params.items()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return defaults, takes_kwargs


def _auto_spec(value):
    """A guessed spec for a parameter with no control given (``controls=None``)."""
    if isinstance(value, bool):
        return [False, True]
    if _is_int(value) and value > 0:
        return (max(1, value // 2), 2 * value, max(1, value // 20), value)
    if _is_number(value) and value > 0:
        return (value / 2, 2 * value, value / 20, value)
    return None


def _parse_one(name, spec, default, log):
    if _is_widget(spec):
        return Control(name, "widget", spec.value, widget=spec)
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"control {name!r}: the list of options is empty")
        options = tuple(spec)
        value = default if default is not _EMPTY and default in options else options[0]
        return Control(name, "options", value, options=options)
    if isinstance(spec, tuple):
        if len(spec) not in (3, 4) or not all(_is_number(x) for x in spec):
            raise ValueError(f"control {name!r}: a slider is (min, max, step) or "
                             f"(min, max, step, default) of numbers, got {spec!r}")
        lo, hi, step = spec[:3]
        value = spec[3] if len(spec) == 4 else default
        if value is _EMPTY or value is None:
            raise ValueError(f"control {name!r}: no default value (the function's default is "
                             f"{'missing' if value is _EMPTY else 'None'}); give it as the "
                             f"fourth element, (min, max, step, default)")
        if not _is_number(value):
            raise ValueError(f"control {name!r}: default must be a number, got {value!r}")
        if not all(math.isfinite(x) for x in (lo, hi, step, value)):
            raise ValueError(f"control {name!r}: min, max, step and default must be finite")
        if not lo < hi:
            raise ValueError(f"control {name!r}: need min < max, got min={lo!r}, max={hi!r}")
        if not step > 0:
            raise ValueError(f"control {name!r}: step must be > 0, got {step!r}")
        if not lo <= value <= hi:
            raise ValueError(f"control {name!r}: default {value!r} is outside the allowed "
                             f"range [{lo!r}, {hi!r}]")
        integer = all(_is_int(x) for x in (lo, hi, value)) and (_is_int(step) or name in log)
        if name in log:
            if lo <= 0:
                raise ValueError(f"control {name!r}: a log slider needs min > 0, got {lo!r}")
            return Control(name, "log", value, float(lo), float(hi), float(step),
                           integer=integer)
        if integer:
            return Control(name, "int", int(value), int(lo), int(hi), int(step), integer=True)
        return Control(name, "float", float(value), float(lo), float(hi), float(step))
    raise ValueError(f"control {name!r}: expected (min, max, step[, default]), a list of "
                     f"options or a widget, got {spec!r}")


def parse_controls(func, controls=None, log=None, **fixed):
    """Parse control specifications (see the module docstring) into :class:`Control` objects.

    Parameters
    ----------
    func : callable
        The function the explorer wraps; its signature supplies defaults and names.
    controls : dict, optional
        ``name -> spec``. ``None`` guesses a control for every parameter with a boolean or
        positive-number default (from half to twice the default): fine for a first look;
        give ranges for a real explorer.
    log : iterable of str, optional
        Names with logarithmic sliders; default: those of :data:`LOG_NAMES` that have a
        positive range.
    **fixed
        Arguments passed to ``func`` unchanged (no control).

    Returns
    -------
    dict
        ``name -> Control``, in the order of ``controls``.

    Raises
    ------
    ValueError
        For a name ``func`` does not take, a name both controlled and fixed, or a bad spec.

    Examples
    --------
    >>> from ktlib.widgets import parse_controls
    >>> def f(alpha=1.5, lr=0.1, steps=1000, method="exact"):
    ...     return alpha
    >>> c = parse_controls(f, {"alpha": (1.1, 3.0, 0.1), "lr": (1e-3, 1.0, 0.1),
    ...                        "steps": (10, 10**5, 0.25), "method": ["exact", "simulate"]})
    >>> [(k, v.kind) for k, v in c.items()]
    [('alpha', 'float'), ('lr', 'log'), ('steps', 'log'), ('method', 'options')]
    >>> [v.default for v in c.values()]
    [1.5, 0.1, 1000, 'exact']
    """
    if not callable(func):
        raise ValueError(f"func must be callable, got {func!r}")
    sig_defaults, takes_kwargs = _signature_defaults(func)
    if controls is None:
        controls = {k: s for k, v in sig_defaults.items() if k not in fixed
                    and v is not _EMPTY and (s := _auto_spec(v)) is not None}
        auto = True
    else:
        auto = False
    if not hasattr(controls, "items"):
        raise ValueError("controls must be a dict name -> spec")
    for name in list(controls) + list(fixed):
        if name not in sig_defaults and not takes_kwargs:
            raise ValueError(f"{name!r} is not a parameter of {getattr(func, '__name__', func)}; "
                             f"allowed: {sorted(sig_defaults)}")
    both = set(controls) & set(fixed)
    if both:
        raise ValueError(f"{sorted(both)} given both as controls and as fixed arguments")
    if log is None:
        log = {n for n in LOG_NAMES if n in controls and isinstance(controls[n], tuple)
               and len(controls[n]) >= 3 and _is_number(controls[n][0]) and controls[n][0] > 0}
    else:
        log = set([log] if isinstance(log, str) else log)
        unknown = log - set(controls)
        if unknown:
            raise ValueError(f"log names {sorted(unknown)} are not controls")
    if auto:   # guessed ranges of log parameters span a decade either side
        for n in log:
            v = controls[n][3]
            controls[n] = (type(v)(max(1, v // 10)) if _is_int(v) else v / 10, v * 10, 0.1, v)
    return {name: _parse_one(name, spec, sig_defaults.get(name, _EMPTY), log)
            for name, spec in controls.items()}


def default_kwargs(func, controls=None, log=None, **fixed):
    """The keyword arguments of the static call: each control's default, plus ``fixed``.

    Parameters not named here take the function's own defaults.

    Examples
    --------
    >>> from ktlib.widgets import default_kwargs
    >>> def f(alpha=1.5, steps=1000, d=500):
    ...     return alpha
    >>> default_kwargs(f, {"alpha": (1.1, 3.0, 0.1, 2.0), "steps": (10, 10**5, 0.25)}, d=100)
    {'alpha': 2.0, 'steps': 1000, 'd': 100}
    """
    parsed = parse_controls(func, controls, log, **fixed)
    return {**{k: c.coerce(c.default) for k, c in parsed.items()}, **fixed}


def has_front_end() -> bool:
    """True if widgets can be shown: a running IPython kernel, ipywidgets, no ``KTLIB_STATIC=1``.

    Never imports IPython or ipywidgets when they are not already loaded by a kernel.
    """
    if os.environ.get("KTLIB_STATIC", "").strip() not in ("", "0"):
        return False
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def print_numbers(result):
    """Print a dict's numbers, one per line, to four significant digits (the widget default)."""
    if isinstance(result, dict):
        for key, value in result.items():
            if _is_int(value):
                print(f"{key}: {value}")
            elif _is_number(value):
                print(f"{key}: {value:.4g}")


def _make_widget(c, widgets):
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="440px")
    common = dict(description=c.name, continuous_update=False, style=style, layout=layout)
    if c.kind == "widget":
        return c.widget
    if c.kind == "options":
        return widgets.Dropdown(options=[(str(o), o) for o in c.options], value=c.default,
                                description=c.name, style=style)
    if c.kind == "int":
        return widgets.IntSlider(value=c.default, min=c.min, max=c.max, step=c.step, **common)
    if c.kind == "float":
        decimals = max(0, -math.floor(math.log10(c.step))) if c.step < 1 else 0
        return widgets.FloatSlider(value=c.default, min=c.min, max=c.max, step=c.step,
                                   readout_format=f".{min(decimals, 6)}f", **common)
    return widgets.FloatLogSlider(value=c.default, base=10, min=math.log10(c.min),
                                  max=math.log10(c.max), step=c.step,
                                  readout_format=".0f" if c.integer else ".3g", **common)


def _explorer_class(widgets):
    """An ``ipywidgets.interactive`` that shows itself at most once per notebook cell.

    :func:`explorer` displays the widget and returns it; when its call is the last line of a
    cell, IPython would display the returned widget a second time. This class skips that.
    """

    class Explorer(widgets.interactive):
        _shown_in = None

        def _ipython_display_(self, **kwargs):
            from IPython import get_ipython
            from IPython.display import display
            shell = get_ipython()
            count = getattr(shell, "execution_count", None)
            if count is not None and self._shown_in == count:
                return
            self._shown_in = count
            display(self._repr_mimebundle_(), raw=True)

    return Explorer


def build_explorer(func, controls=None, log=None, printer=print_numbers, **fixed):
    """Build (but do not display) the interactive widget: one control per parameter.

    Moving a control calls ``func`` with the controls' values and ``fixed``; figures it draws
    appear in the widget's output area, a returned dict of numbers is printed by ``printer``,
    and a ``ValueError`` (e.g. a step size past the stability limit) is printed as a message
    instead of a traceback.

    Parameters
    ----------
    func : callable
    controls, log, **fixed
        As in :func:`parse_controls`.
    printer : callable or None
        Called with each result that is not None.

    Returns
    -------
    ipywidgets.interactive
        ``.kwargs_widgets`` holds the controls in order, ``.result`` the last result.

    Raises
    ------
    ImportError
        If ipywidgets is not installed.
    """
    import ipywidgets as widgets

    parsed = parse_controls(func, controls, log, **fixed)

    def call(**values):
        kwargs = {**fixed, **{k: parsed[k].coerce(v) for k, v in values.items()}}
        try:
            result = func(**kwargs)
        except ValueError as err:
            print(f"Not allowed: {err}")
            return None
        if printer is not None and result is not None:
            printer(result)
        return result

    controls_w = {name: _make_widget(c, widgets) for name, c in parsed.items()}
    return _explorer_class(widgets)(call, **controls_w)


def explorer(func, controls=None, log=None, printer=print_numbers, **fixed):
    """An interactive explorer around ``func``, or one static call when there is no front end.

    With a front end (:func:`has_front_end`), builds the widget with :func:`build_explorer`
    (sliders update when released), displays it, and returns it. Otherwise calls
    ``func(**default_kwargs(...))`` once and returns its result.

    Parameters
    ----------
    func : callable
        A plain, tested function (e.g. from :mod:`ktlib.explorers`) that draws a figure and
        returns a dict of numbers.
    controls : dict, optional
        ``name -> (min, max, step[, default])``, list of options, or widget.
    log : iterable of str, optional
        Names with log sliders (default: ``lr``, ``steps``, ``n`` when controlled).
    printer : callable or None
        How the widget prints each result (default :func:`print_numbers`); unused without a
        front end.
    **fixed
        Arguments passed to ``func`` unchanged.

    Returns
    -------
    ipywidgets.interactive or object
        The widget, or ``func``'s result without a front end.

    Examples
    --------
    Without a kernel (as here) the function runs once with the defaults:

    >>> from ktlib.widgets import explorer
    >>> def f(alpha=1.5, steps=1000, d=500):
    ...     return {"alpha": alpha, "steps": steps, "d": d}
    >>> explorer(f, {"alpha": (1.1, 3.0, 0.1, 2.0), "steps": (10, 10**5, 0.25)}, d=100)
    {'alpha': 2.0, 'steps': 1000, 'd': 100}
    """
    if not has_front_end():
        return func(**default_kwargs(func, controls, log, **fixed))
    from IPython.display import display
    widget = build_explorer(func, controls, log, printer=printer, **fixed)
    display(widget)
    return widget
