"""The unified view: vectorized phase diagrams of transfer gain (chapter 6)."""

from __future__ import annotations

__all__: list[str] = []
