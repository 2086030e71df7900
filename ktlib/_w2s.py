"""Weak-to-strong generalization: Spectral Denoising sweeps (chapter 5)."""

from __future__ import annotations

__all__: list[str] = []
