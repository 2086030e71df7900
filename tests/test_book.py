"""Checks on the built HTML book (``make test`` builds it first, with ``make book``).

If _build/html does not exist these tests fail, unless the environment variable
KT_SKIP_BOOK_TESTS is set (to anything but "" or "0"), in which case they are skipped.
"""

import inspect
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

import ktlib
from booktools import toc_entries  # tests/ is on sys.path under pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


TOC = toc_entries()
NOTEBOOKS = [e for e in TOC if (ROOT / f"{e}.ipynb").exists() or e.startswith("chapters/")]


def _id(entry):
    return Path(entry).name


@pytest.fixture(scope="module")
def html():
    if not (HTML / "index.html").exists():
        if os.environ.get("KT_SKIP_BOOK_TESTS", "") not in ("", "0"):
            pytest.skip("no built book in _build/html and KT_SKIP_BOOK_TESTS is set: "
                        "run `make book` to check the HTML")
        pytest.fail("no built book in _build/html: run `make book` first (`make test` does), "
                    "or set KT_SKIP_BOOK_TESTS=1 to skip the HTML checks")
    return HTML


def read_page(html, entry):
    path = html / f"{entry}.html"
    assert path.exists(), f"no HTML page for toc entry {entry!r} ({path.relative_to(ROOT)})"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", TOC, ids=_id)
def test_page_for_every_toc_entry(html, entry):
    page = read_page(html, entry)
    assert "<article" in page


def test_index_redirects_to_the_root_page(html):
    root = TOC[0]
    assert f"{root}.html" in (html / "index.html").read_text(encoding="utf-8")


def binder_url(entry):
    repo = CONFIG["repository"]
    owner_name = urlparse(repo["url"]).path.strip("/")
    book = repo.get("path_to_book", "").strip("/")
    path = f"{book}/{entry}.ipynb" if book else f"{entry}.ipynb"
    hub = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    return f"{hub}/v2/gh/{owner_name}/{repo['branch']}?urlpath=lab/tree/{path}"


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=_id)
def test_binder_launch_link(html, entry):
    page = read_page(html, entry)
    url = binder_url(entry)
    assert "mybinder.org" in url and "urlpath=lab" in url
    assert url in page, f"no Binder (JupyterLab) launch link {url} on {entry}.html"


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=_id)
def test_no_traceback_in_notebook_pages(html, entry):
    page = read_page(html, entry)
    assert "Traceback" not in page
    assert 'class="output traceback' not in page and 'class="output error' not in page


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=_id)
def test_solutions_render_as_dropdowns(html, entry):
    page = read_page(html, entry)
    exercises = len(re.findall(r'<div class="exercise[ "]', page))
    dropdowns = len(re.findall(r'<div class="solution dropdown', page))
    assert exercises >= 2, f"{entry}.html shows {exercises} exercise(s)"
    assert dropdowns == exercises, f"{exercises} exercises but {dropdowns} solution dropdowns"


@pytest.mark.parametrize("entry", TOC, ids=_id)
def test_no_rendering_errors(html, entry):
    page = read_page(html, entry)
    assert 'class="system-message"' not in page, "a docutils error is rendered in the page"
    assert 'class="problematic"' not in page, "an unresolved reference is rendered in the page"
    if entry != "api":   # the API page shows doctest examples that raise on purpose
        assert "Traceback (most recent call last)" not in page


def test_api_page_documents_every_public_name(html):
    page = read_page(html, "api")
    missing = []
    for name in ktlib.__all__:
        if inspect.ismodule(getattr(ktlib, name)):
            documented = f'id="module-ktlib.{name}"' in page
        else:   # documented under its public name or under the module that defines it
            documented = re.search(rf'id="ktlib(\.\w+)*\.{re.escape(name)}"', page)
        if not documented:
            missing.append(name)
    assert not missing, f"public names of ktlib missing from api.md: {missing}"
    for module in ("ktlib.plot", "ktlib.widgets", "ktlib.explorers", "ktlib.exercises"):
        assert f'id="module-{module}"' in page, f"api.md does not document {module}"


def test_bibliography_lists_every_entry(html):
    page = read_page(html, "bibliography")
    entries = re.findall(r"^@\w+\{", (ROOT / "references.bib").read_text(), re.M)
    assert page.count('role="doc-biblioentry"') == len(entries)
    assert "What makes a strong model?" in page


def test_notation_macros_reach_mathjax(html):
    page = read_page(html, "notation")
    macros = CONFIG["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    assert '"macros"' in page and all(f'"{name}"' in page for name in macros)


def test_intro_links_every_chapter(html):
    page = read_page(html, TOC[0])
    missing = [e for e in NOTEBOOKS if f'href="{e}.html' not in page]
    assert not missing, f"the intro page does not link to {missing}"
