"""Shared fixtures for the test suite.

Figures drawn by the tests go to matplotlib's off-screen default backend (there is no display
in CI). Do not set MPLBACKEND here: kernels started by the tests inherit the environment, and
the notebooks need the inline backend.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (where _config.yml, _toc.yml and the Makefile live)."""
    return ROOT
