"""Checks on the chapter notebooks that nbval does not make.

nbval (``make test-notebooks``) re-runs every chapter and compares its outputs with the stored
ones. These tests read the stored notebooks only, so they are fast and run with the unit tests:
the table of contents and its pages, execution order, the setup cell, the exercises and their
gated solutions, and output hygiene (no errors, warnings, memory addresses, object reprs, temp
paths or SVG).
"""

import re
from pathlib import Path

import nbformat
import pytest
import yaml
from booktools import toc_entries  # tests/ is on sys.path under pytest

ROOT = Path(__file__).resolve().parents[1]

# The chapters of the course, in reading order (CONTRIBUTING.md).
CHAPTERS = [
    "chapters/01_high_dimensional_regression",
    "chapters/02_sgd_implicit_bias",
    "chapters/03_teacher_student",
    "chapters/04_horizon_expansion",
    "chapters/05_spectral_denoising",
    "chapters/06_unified_view",
]


def page_path(entry):
    """The source file of a toc entry, or None if neither ``.ipynb`` nor ``.md`` exists."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / (entry + suffix)
        if path.exists():
            return path
    return None


TOC = toc_entries()
NOTEBOOKS = [e for e in TOC if e.startswith("chapters/") or (ROOT / f"{e}.ipynb").exists()]


def _id(entry):
    return Path(entry).name


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=_id)
def notebook(request):
    path = ROOT / f"{request.param}.ipynb"
    assert path.exists(), f"{path.relative_to(ROOT)} is named in _toc.yml but does not exist"
    return request.param, nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def texts(output):
    """Every text an output carries: stream text, text/* data, error name and value."""
    if output.output_type == "stream":
        yield output.get("text", "")
    elif output.output_type == "error":
        yield f"{output.get('ename', '')}: {output.get('evalue', '')}"
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/"):
            yield value if isinstance(value, str) else "".join(value)


def chapter_number(entry):
    match = re.match(r"(\d+)_", Path(entry).name)
    return int(match.group(1)) if match else None


# ---- the table of contents ---------------------------------------------------------------

def test_toc_holds_the_six_chapters_in_order():
    assert [e for e in TOC if e.startswith("chapters/")] == CHAPTERS


@pytest.mark.parametrize("entry", TOC)
def test_toc_page_exists(entry):
    assert page_path(entry) is not None, f"_toc.yml names {entry!r}, but there is no " \
        f"{entry}.ipynb or {entry}.md"


def test_every_chapter_notebook_is_in_the_toc():
    stray = sorted(p.relative_to(ROOT).with_suffix("").as_posix()
                   for p in (ROOT / "chapters").glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    assert set(stray) <= set(TOC), f"notebooks missing from _toc.yml: {sorted(set(stray) - set(TOC))}"


# ---- execution ---------------------------------------------------------------------------

def test_valid_nbformat(notebook):
    _, nb = notebook
    nbformat.validate(nb)


def test_kernel_is_python3(notebook):
    _, nb = notebook
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_imports_ktlib(notebook):
    _, nb = notebook
    assert any(re.search(r"^\s*(import ktlib\b|from ktlib\b)", c.source, re.M)
               for c in code_cells(nb)), "no code cell imports ktlib"


def test_execution_counts_are_1_to_n(notebook):
    entry, nb = notebook
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts, "the notebook has no code cell"
    assert None not in counts, (
        f"code cells {[i + 1 for i, n in enumerate(counts) if n is None]} were never executed "
        f"(empty cells count too); run `make execute NOTEBOOKS={entry}.ipynb`")
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts} are not 1..n; run `make execute NOTEBOOKS={entry}.ipynb`")


def test_no_error_outputs(notebook):
    _, nb = notebook
    errors = [(c.execution_count, o.get("ename")) for c in code_cells(nb) for o in c.outputs
              if o.output_type == "error"]
    assert not errors, f"error outputs (cell, exception): {errors}"
    tracebacks = [c.execution_count for c in code_cells(nb) for o in c.outputs
                  for text in texts(o) if "Traceback" in text]
    assert not tracebacks, f"tracebacks printed in cells {tracebacks}"


def test_has_outputs_and_a_figure(notebook):
    _, nb = notebook
    outputs = [o for c in code_cells(nb) for o in c.outputs]
    assert outputs, "the notebook has no outputs: was it executed?"
    assert any("image/png" in o.get("data", {}) for o in outputs), "the notebook has no figure"


# ---- structure ---------------------------------------------------------------------------

def numbered_in_toc(entry):
    """True if the toc part holding ``entry`` is numbered (then Sphinx numbers its titles)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc.get("parts") or []:
        if any(item.get("file") == entry for item in part.get("chapters") or []):
            return bool(part.get("numbered"))
    return bool(toc.get("options", {}).get("numbered"))


def test_title_cell(notebook):
    entry, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    number = chapter_number(entry)
    if numbered_in_toc(entry):   # the toc adds "N. " itself; a number in the title would double it
        assert re.match(r"# (?!\d+\.)\S", first.source), \
            "the first cell must start with the title '# Title' (the toc numbers the chapters)"
    else:
        assert re.match(rf"# {number}\. \S", first.source), \
            f"the first cell must start with the title '# {number}. ...'"


def test_one_hidden_setup_cell_first(notebook):
    _, nb = notebook
    cells = code_cells(nb)
    hidden = [i for i, c in enumerate(cells) if "hide-input" in tags(c)]
    assert hidden == [0], (
        f"exactly one code cell, the first, must be tagged hide-input (tagged: code cells "
        f"{[i + 1 for i in hidden]})")
    assert re.search(r"^import ktlib as kt\b", cells[0].source, re.M), \
        "the setup cell must `import ktlib as kt`"


DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>exercise|exercise-start|solution-start|solution-end)\}"
    r"(?P<arg>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)


def directives(nb):
    """The exercise and solution directives of the markdown cells, in order, with cell index."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in DIRECTIVE.finditer(cell.source + "\n"):
            label = re.search(r"^:label:\s*(\S+)", m.group("body"), re.M)
            found.append({"cell": index, "name": m.group("name"), "arg": m.group("arg").strip(),
                          "label": label.group(1) if label else None, "body": m.group("body")})
    return found


def test_exercises_have_gated_dropdown_solutions(notebook):
    entry, nb = notebook
    found = directives(nb)
    exercises = [d for d in found if d["name"] in ("exercise", "exercise-start")]
    assert len(exercises) >= 2, f"found {len(exercises)} exercise directive(s), need at least 2"

    number = chapter_number(entry)
    labels = [d["label"] for d in exercises]
    assert None not in labels, "every exercise needs a :label:"
    assert len(set(labels)) == len(labels), f"duplicate exercise labels: {labels}"
    bad = [lab for lab in labels if not re.fullmatch(rf"ex-{number}-\d+", lab)]
    assert not bad, f"exercise labels must read ex-{number}-K, got {bad}"

    open_label = None
    solved = set()
    for d in found:
        if d["name"] == "solution-start":
            assert open_label is None, f"solution-start {d['arg']} opens inside {open_label}"
            assert d["arg"] in labels, f"solution-start names unknown exercise {d['arg']!r}"
            assert re.search(r"^:class:\s*dropdown\s*$", d["body"], re.M), \
                f"solution-start {d['arg']} needs `:class: dropdown`"
            open_label = d["arg"]
            solved.add(d["arg"])
        elif d["name"] == "solution-end":
            assert open_label is not None, "solution-end without a solution-start"
            open_label = None
    assert open_label is None, f"solution-start {open_label} is never closed by solution-end"
    assert solved == set(labels), f"exercises without a solution: {sorted(set(labels) - solved)}"


def test_solution_code_cells_are_gated(notebook):
    _, nb = notebook
    inside, stray = False, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for d in DIRECTIVE.finditer(cell.source + "\n"):
                if d.group("name") == "solution-start":
                    inside = True
                elif d.group("name") == "solution-end":
                    inside = False
        elif "solution" in tags(cell) and not inside:
            stray.append(index + 1)
    assert not stray, f"cells {stray} are tagged solution but sit outside solution-start/end"


def test_widget_cells_are_ignored_by_nbval(notebook):
    _, nb = notebook
    widgets = [c.execution_count for c in code_cells(nb)
               if any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                      for o in c.outputs)
               and "nbval-ignore-output" not in tags(c)]
    assert not widgets, f"widget cells {widgets} must be tagged nbval-ignore-output"


# ---- output hygiene ----------------------------------------------------------------------

MEMORY_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]{4,}")
OBJECT_REPR = re.compile(r"^(\[?<(matplotlib|Figure|Axes|mpl_toolkits|function|bound method)|Text\(|\[?<\w+\.\w+ object)")


def test_no_memory_addresses_or_object_reprs(notebook):
    _, nb = notebook
    bad = []
    for cell in code_cells(nb):
        for out in cell.outputs:
            for text in texts(out):
                if MEMORY_ADDRESS.search(text):
                    bad.append((cell.execution_count, text.strip()[:80]))
            plain = out.get("data", {}).get("text/plain", "")
            plain = plain if isinstance(plain, str) else "".join(plain)
            has_image = "image/png" in out.get("data", {})
            if out.output_type == "execute_result" and OBJECT_REPR.match(plain.strip()):
                bad.append((cell.execution_count, plain.strip()[:80]))
            elif "<Figure size" in plain and not has_image:
                bad.append((cell.execution_count, plain.strip()[:80]))
    assert not bad, ("object reprs or memory addresses in outputs (end figure cells with "
                     f"plt.show(), print numbers with f-strings): {bad}")


def test_no_warnings_or_temp_paths(notebook):
    _, nb = notebook
    bad = []
    for cell in code_cells(nb):
        for out in cell.outputs:
            for text in texts(out):
                if (out.output_type == "stream" and out.get("name") == "stderr"
                        and re.search(r"Warning|warn\(", text)):
                    bad.append((cell.execution_count, text.strip()[:80]))
                if re.search(r"/tmp/|ipykernel_\d+|/var/folders/", text):
                    bad.append((cell.execution_count, text.strip()[:80]))
    assert not bad, f"warnings or temporary paths in outputs: {bad}"


def test_no_svg_outputs(notebook):
    _, nb = notebook
    svg = [c.execution_count for c in code_cells(nb) for o in c.outputs
           if "image/svg+xml" in o.get("data", {})]
    assert not svg, f"SVG outputs in cells {svg}: figures are PNG (the inline default)"
