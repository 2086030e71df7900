"""Measuring transfer: comparisons of teacher, student and baseline (chapter 3)."""

from __future__ import annotations

__all__: list[str] = []
