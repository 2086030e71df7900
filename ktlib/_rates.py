"""Scaling laws of SGD: risk-versus-steps sweeps and their predicted exponents (chapter 2)."""

from __future__ import annotations

__all__: list[str] = []
