"""Ridge regression and minimum-norm least squares: closed forms (deterministic equivalents) and simulation (chapter 1)."""

from __future__ import annotations

__all__: list[str] = []
