"""Knowledge distillation: Spectral Horizon Expansion sweeps (chapter 4)."""

from __future__ import annotations

__all__: list[str] = []
