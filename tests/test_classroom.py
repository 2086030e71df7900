"""The classroom tools: exercise checks per chapter, `make student` and `make grade`.

Masters under test: the fixture ``tests/fixtures/00_demo.ipynb`` (exercises 0.1 and 0.2, checks
in ``ktlib/exercises/ch00.py``) and every chapter in ``chapters/`` that has a cell tagged
``solution``. Executing whole chapters is left to nbval (``make test-notebooks``); here a
chapter's student copy is executed only up to its first stub, and the full grading pipeline
runs on the fixture. Set ``KT_GRADE_CHAPTERS=1`` to also grade the instructor and student copies
of every real chapter (minutes).
"""

import copy
import csv
import importlib.util
import io
import os
import re
import subprocess
import sys
import types
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ktlib.exercises import check, evaluate, exercises

# Kernels started here inherit this: explorers call their plain function once instead of
# building ipywidgets, which can block a headless nbclient run for minutes (nbclient#312).
os.environ["KTLIB_STATIC"] = "1"

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "00_demo.ipynb"


def _load_tool(name):
    spec = importlib.util.spec_from_file_location(f"_tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_student = _load_tool("make_student")
grade_tool = _load_tool("grade")


def _has_solutions(path):
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return False
    return any(make_student.is_solution_cell(c) for c in nb.cells)


CHAPTERS = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if _has_solutions(p)]
MASTERS = [FIXTURE, *CHAPTERS]


def chapter_number(path):
    return int(re.match(r"(\d+)_", path.name).group(1))


def solution_cells(nb):
    return [c for c in nb.cells if make_student.is_solution_cell(c)]


def solution_id(cell):
    return make_student.CHECK_CALL.findall(cell.source)[-1]


def student_copy(master, outdir):
    return nbformat.read(make_student.write_student(master, outdir), as_version=4)


@pytest.fixture(params=MASTERS, ids=lambda p: p.stem)
def master(request):
    return request.param


# ---------------------------------------------------------------------------------------
# The master copies and their checks
# ---------------------------------------------------------------------------------------
def test_masters_follow_the_exercise_convention(master):
    """Each solution cell checks a registered exercise of its chapter, once per exercise;
    the chapter has at least two auto-checked exercises; the stored output says correct."""
    nb = nbformat.read(master, as_version=4)
    chapter = chapter_number(master)
    cells = solution_cells(nb)
    ids = [solution_id(c) for c in cells]
    registered = [ex.id for ex in exercises(chapter)]
    assert sorted(ids) == sorted(registered), \
        f"{master.name}: solution cells check {ids}, ktlib/exercises/ch{chapter:02d}.py " \
        f"registers {registered}"
    assert len(ids) >= 2
    labels = set(re.findall(r":label:\s*ex-(\d+)-(\d+)", "\n".join(
        c.source for c in nb.cells if c.cell_type == "markdown")))
    for cell, exercise_id in zip(cells, ids):
        assert tuple(exercise_id.split(".")) in labels, f"no {{exercise}} labelled ex-{exercise_id}"
        assert re.search(r"\banswer\s*=", cell.source), f"{exercise_id}: does not assign answer"
        assert cell.source.rstrip().splitlines()[-1].strip().startswith("kt.check(")
        printed = "".join(o.get("text", "") for o in cell.get("outputs", []))
        assert f"Exercise {exercise_id}: correct." in printed, \
            f"{exercise_id}: the stored output of the solution cell is not a pass"


@pytest.mark.parametrize("exercise", exercises(), ids=lambda ex: ex.id)
def test_reference_passes_and_wrong_answers_get_hints(exercise):
    """Every registered check: the reference passes; wrong types give a hint, never raise."""
    assert exercise.evaluate(exercise.reference_answer()).passed
    for wrong in (None, "abc", {"a": 1}, float("nan"), [[1.0], [2.0, 3.0]], object()):
        feedback = exercise.evaluate(wrong)
        assert not feedback.passed and feedback.message, (exercise.id, wrong)
        assert not feedback.message.startswith("could not check"), \
            f"{exercise.id}: {wrong!r} reached an exception inside the check: {feedback.message}"


def test_each_stub_fails_its_check_with_a_hint(master, tmp_path):
    """Running a stub's check line(s) with ``answer = None`` prints the hint, not a traceback."""
    stub_cells = [c for c in student_copy(master, tmp_path).cells
                  if "raise NotImplementedError" in c.get("source", "")]
    assert stub_cells
    for cell in stub_cells:
        exercise_id = make_student.CHECK_CALL.findall(cell.source)[-1]
        lines = [ln for ln in cell.source.splitlines() if make_student.CHECK_CALL.search(ln)]
        out = io.StringIO()
        with redirect_stdout(out):
            exec("\n".join(lines), {"kt": types.SimpleNamespace(check=check), "answer": None})
        assert out.getvalue() == (f"Exercise {exercise_id}: not yet — `answer` is still None: "
                                  f"assign your result to `answer`, then check again.\n")


# ---------------------------------------------------------------------------------------
# make student
# ---------------------------------------------------------------------------------------
def _solution_text(nb):
    """Lines of solution content: solution code cells and everything inside solution blocks."""
    lines, inside = [], False
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown" and make_student.START.search(src):
            inside = not make_student.END.search(src)
            continue
        if cell.cell_type == "markdown" and make_student.END.search(src):
            inside = False
            continue
        if inside or make_student.is_solution_cell(cell):
            lines += [ln.strip() for ln in src.splitlines() if ln.strip()]
    return lines


def _public_text(nb):
    """Lines of every master cell that is not solution content (these may appear anywhere)."""
    solution = set(map(id, [c for c in nb.cells if make_student.is_solution_cell(c)]))
    lines, inside = set(), False
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown" and (make_student.START.search(src)
                                             or make_student.END.search(src)):
            inside = bool(make_student.START.search(src)) and not make_student.END.search(src)
            continue
        if not inside and id(cell) not in solution:
            lines |= {ln.strip() for ln in src.splitlines() if ln.strip()}
    return lines


def test_student_copy_has_no_solution_content(master, tmp_path):
    nb = nbformat.read(master, as_version=4)
    student = student_copy(master, tmp_path)
    text = {ln.strip() for c in student.cells for ln in c.source.splitlines() if ln.strip()}
    public = _public_text(nb)
    solution = _solution_text(nb)
    assert solution
    leaked = [ln for ln in solution if ln in text and ln not in public
              and not make_student.CHECK_CALL.search(ln)]
    assert not leaked, f"solution lines in the student copy of {master.name}: {leaked}"
    raw = (tmp_path / master.name).read_text()
    assert "solution-start" not in raw and "solution-end" not in raw
    assert '"solution"' not in raw                     # no solution tag left
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_student_copy_structure(master, tmp_path):
    """Valid nbformat 4.5; one stub per solution cell, in place; the other cells unchanged."""
    nb = nbformat.read(master, as_version=4)
    student = student_copy(master, tmp_path)
    nbformat.validate(student)
    assert (student.nbformat, student.nbformat_minor) == (4, 5)
    assert set(student.metadata) == {"kernelspec", "language_info"}
    expected = []
    inside = False
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "markdown" and (make_student.START.search(src)
                                             or make_student.END.search(src)):
            inside = bool(make_student.START.search(src)) and not make_student.END.search(src)
            continue
        if make_student.is_solution_cell(cell):
            expected.append(("stub", solution_id(cell)))
        elif not inside:
            expected.append((cell.cell_type, src))
    got = []
    for cell in student.cells:
        if "raise NotImplementedError" in cell.source:
            exercise_id = make_student.CHECK_CALL.findall(cell.source)[-1]
            assert f'raise NotImplementedError("Exercise {exercise_id}: ' in cell.source
            assert cell.source.splitlines()[1] == "answer = None"
            assert cell.source.rstrip().splitlines()[-1] == f'kt.check("{exercise_id}", answer)'
            got.append(("stub", exercise_id))
        else:
            got.append((cell.cell_type, cell.source))
    assert got == expected


def test_make_student_cli_is_deterministic(tmp_path):
    masters = [str(p) for p in MASTERS]
    for out in ("a", "b"):
        result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"),
                                 str(tmp_path / out), *masters], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(Path(p).name for p in masters)          # nothing else copied
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_make_student_rejects_malformed_masters(tmp_path):
    nb = nbformat.read(FIXTURE, as_version=4)
    unterminated = copy.deepcopy(nb)
    last_end = max(i for i, c in enumerate(nb.cells) if "{solution-end}" in c.source)
    del unterminated.cells[last_end]
    nested = copy.deepcopy(nb)
    first_end = min(i for i, c in enumerate(nb.cells) if "{solution-end}" in c.source)
    del nested.cells[first_end]
    with pytest.raises(make_student.MasterError, match="opens a solution block inside"):
        make_student.student_notebook(nested)
    with pytest.raises(make_student.MasterError, match="never closed"):
        make_student.student_notebook(unterminated)
    no_id = copy.deepcopy(nb)
    for cell in no_id.cells:
        if "{solution-start}" in cell.source:
            cell.source = "```{solution-start}\n:class: dropdown\n```"
        if make_student.is_solution_cell(cell):
            cell.source = "answer = 1"
    with pytest.raises(make_student.MasterError, match="no kt.check"):
        make_student.student_notebook(no_id)
    path = tmp_path / "bad.ipynb"
    nbformat.write(unterminated, path)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"),
                             str(tmp_path / "out"), str(path)], capture_output=True, text=True)
    assert result.returncode == 1 and "never closed" in result.stderr
    assert not (tmp_path / "out" / "bad.ipynb").exists()


@pytest.mark.slow
def test_student_copy_runs_until_the_first_stub(master, tmp_path):
    """Executed top to bottom, the student copy stops at the first stub, naming its exercise."""
    student = student_copy(master, tmp_path)
    first = next(i for i, c in enumerate(student.cells)
                 if "raise NotImplementedError" in c.get("source", ""))
    first_id = make_student.CHECK_CALL.findall(student.cells[first].source)[-1]
    student.cells = student.cells[: first + 1]
    client = NotebookClient(student, kernel_name="python3", timeout=300, record_timing=False,
                            resources={"metadata": {"path": str(master.parent)}})
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    assert info.value.ename == "NotImplementedError"
    assert info.value.evalue.startswith(f"Exercise {first_id}: ")
    assert all(not any(o.get("output_type") == "error" for o in c.get("outputs", []))
               for c in student.cells[:first] if c.cell_type == "code")


# ---------------------------------------------------------------------------------------
# make grade
# ---------------------------------------------------------------------------------------
def _replace_stub(nb, exercise_id, source):
    for cell in nb.cells:
        if cell.cell_type == "code" and "raise NotImplementedError" in cell.source \
                and f'check("{exercise_id}"' in cell.source:
            cell.source = source
            return nb
    raise AssertionError(f"no stub for {exercise_id}")


def _insert_before_stub(nb, exercise_id, source):
    index = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and f'check("{exercise_id}"' in c.source)
    nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    return nb


RIGHT_01 = 'answer = kt.power_law(d=100).null_risk\nkt.check("0.1", answer)'
RIGHT_02 = ('small = kt.power_law(d=50)\n'
            'answer = small.w_star * (1 - (1 - 0.5 * small.eigs) ** 10)\nkt.check("0.2", answer)')


def _run_grade(folder, out, *args):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), "--out", str(out),
                             *args, str(folder)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out, newline="") as f:
        rows = {row["file"]: row for row in csv.DictReader(f)}
    return rows, result.stdout


@pytest.fixture(scope="module")
def fixture_submissions(tmp_path_factory):
    """A folder of hand-made submissions of the fixture chapter."""
    folder = tmp_path_factory.mktemp("submissions")
    student = student_copy(FIXTURE, tmp_path_factory.mktemp("student"))
    nbformat.write(nbformat.read(FIXTURE, as_version=4), folder / "instructor.ipynb")
    nbformat.write(student, folder / "untouched.ipynb")
    mixed = _replace_stub(copy.deepcopy(student), "0.2", RIGHT_02)
    _replace_stub(mixed, "0.1", 'answer = kt.power_law(d=100).null_risk + 1.0\nkt.check("0.1", answer)')
    nbformat.write(mixed, folder / "mixed.ipynb")
    raises = _replace_stub(copy.deepcopy(student), "0.1", RIGHT_01)
    raises.cells.insert(3, nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(raises, folder / "raises.ipynb")
    kills_worker = _replace_stub(copy.deepcopy(student), "0.1", RIGHT_01)
    _insert_before_stub(kills_worker, "0.2", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    nbformat.write(kills_worker, folder / "kills_worker.ipynb")
    spoof = copy.deepcopy(student)                      # prints a pass, deletes the check cell
    _replace_stub(spoof, "0.1", 'answer = 1.0\nprint("Exercise 0.1: correct.")')
    nbformat.write(spoof, folder / "spoof.ipynb")
    (folder / "corrupt.ipynb").write_text('{"cells": [')
    (folder / "essay.pdf").write_bytes(b"%PDF-1.4")
    (folder / "sub").mkdir()
    nbformat.write(_replace_stub(copy.deepcopy(student), "0.1", RIGHT_01), folder / "sub" / "late.ipynb")
    return folder


@pytest.mark.slow
def test_grading_a_batch(fixture_submissions, tmp_path):
    rows, stdout = _run_grade(fixture_submissions, tmp_path / "grades.csv",
                              "--timeout", "120", "--jobs", "2")
    assert list(rows) == sorted(rows)
    header = next(csv.reader(open(tmp_path / "grades.csv")))
    assert header == ["file", "0.1", "0.2", "total", "out_of", "status", "details", "seconds"]
    assert float(rows["instructor.ipynb"]["seconds"]) > 0 and rows["corrupt.ipynb"]["seconds"] == ""

    def marks(name):
        r = rows[name]
        return r["0.1"], r["0.2"], r["total"], r["out_of"]

    assert marks("instructor.ipynb") == ("pass", "pass", "2", "2")
    assert rows["instructor.ipynb"]["status"] == "ok"
    assert marks("untouched.ipynb") == ("fail", "fail", "0", "2")
    assert rows["untouched.ipynb"]["status"] == "raised errors"
    assert "NotImplementedError: Exercise 0.1" in rows["untouched.ipynb"]["details"]
    assert marks("mixed.ipynb") == ("fail", "pass", "1", "2")
    assert rows["mixed.ipynb"]["status"] == "ok"
    assert marks("raises.ipynb") == ("pass", "fail", "1", "2")
    assert rows["raises.ipynb"]["status"] == "raised errors"
    assert "ZeroDivisionError" in rows["raises.ipynb"]["details"]
    assert marks("kills_worker.ipynb") == ("pass", "fail", "1", "2")
    assert rows["kills_worker.ipynb"]["status"] == "crashed"
    assert marks("spoof.ipynb") == ("fail", "fail", "0", "2")
    assert "missing exercises: 0.1" in rows["spoof.ipynb"]["status"]
    assert marks("corrupt.ipynb") == ("fail", "fail", "0", "2")
    assert rows["corrupt.ipynb"]["status"] == "not a notebook"
    assert rows["essay.pdf"]["status"] == "not a notebook"
    assert marks("sub/late.ipynb") == ("pass", "fail", "1", "2")
    assert "9 submission(s)" in stdout and "exercise 0.1: 4/9 passed" in stdout


@pytest.mark.slow
def test_grading_survives_an_infinite_loop(fixture_submissions, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    student = student_copy(FIXTURE, tmp_path / "student")
    loop = _insert_before_stub(_replace_stub(copy.deepcopy(student), "0.1", RIGHT_01),
                               "0.2", "while True:\n    pass")
    nbformat.write(loop, folder / "loop.ipynb")
    nbformat.write(nbformat.read(FIXTURE, as_version=4), folder / "instructor.ipynb")
    (folder / "corrupt.ipynb").write_text("not json")
    rows, _ = _run_grade(folder, tmp_path / "grades.csv", "--timeout", "10", "--jobs", "2")
    assert set(rows) == {"loop.ipynb", "instructor.ipynb", "corrupt.ipynb"}
    assert rows["loop.ipynb"]["status"] == "timeout"
    assert (rows["loop.ipynb"]["0.1"], rows["loop.ipynb"]["0.2"]) == ("pass", "fail")
    assert rows["instructor.ipynb"]["total"] == "2"
    assert rows["corrupt.ipynb"]["status"] == "not a notebook"


@pytest.mark.slow
def test_grading_kills_a_frozen_worker(tmp_path):
    """A worker that stops responding is killed at timeout + grace, with its kernel."""
    folder = tmp_path / "batch"
    folder.mkdir()
    student = student_copy(FIXTURE, tmp_path / "student")
    frozen = _insert_before_stub(_replace_stub(copy.deepcopy(student), "0.1", RIGHT_01), "0.2",
                                 "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)")
    nbformat.write(frozen, folder / "frozen.ipynb")
    env = {**os.environ, "KTGRADE_HARD_GRACE": "1"}
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), "--out",
                             str(tmp_path / "g.csv"), "--timeout", "6", str(folder)],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    row = next(csv.DictReader(open(tmp_path / "g.csv")))
    assert (row["file"], row["status"], row["0.1"], row["0.2"]) == \
        ("frozen.ipynb", "timeout", "pass", "fail")


def test_grade_rows_and_csv(tmp_path):
    """make_row/write_csv without kernels: statuses, totals, missing exercises."""
    row = grade_tool.make_row("a.ipynb", ["2.1", "2.2"], {"2.1"},
                              state={"results": {"2.1": True}, "errors": [], "done": True})
    assert (row["2.1"], row["2.2"], row["total"], row["out_of"]) == ("pass", "fail", 1, 2)
    assert row["status"] == "missing exercises: 2.2"
    row = grade_tool.make_row("b.ipynb", ["2.1"], {"2.1"}, state=None, stderr="boom\nMemoryError")
    assert row["status"] == "crashed" and "MemoryError" in row["details"]
    row = grade_tool.make_row("c.ipynb", ["2.1"], {"2.1"}, state={"results": {"2.1": True}},
                              killed=True, timeout=5.0)
    assert (row["2.1"], row["status"], row["details"]) == ("pass", "timeout", "stopped after 5 s")
    grade_tool.write_csv(tmp_path / "g.csv", [row], ["2.1", "2.2"])
    assert (tmp_path / "g.csv").read_text().splitlines()[0] == \
        "file,2.1,2.2,total,out_of,status,details,seconds"


def test_grade_cli_usage_errors(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"),
                             str(tmp_path / "nope")], capture_output=True, text=True)
    assert result.returncode == 2 and "is not a folder" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not CHAPTERS or os.environ.get("KT_GRADE_CHAPTERS") != "1",
                    reason="set KT_GRADE_CHAPTERS=1 to grade every real chapter (minutes)")
def test_grading_real_chapters(tmp_path):
    """Instructor copies score full marks; untouched student copies score zero, and only
    their stubs raise (no later cell depends on a solution)."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for master in CHAPTERS:
        nbformat.write(nbformat.read(master, as_version=4), folder / f"instructor_{master.name}")
        nbformat.write(student_copy(master, tmp_path / "student"), folder / f"student_{master.name}")
    rows, _ = _run_grade(folder, tmp_path / "grades.csv", "--timeout", "600")
    for master in CHAPTERS:
        full, zero = rows[f"instructor_{master.name}"], rows[f"student_{master.name}"]
        assert full["total"] == full["out_of"] != "0" and full["status"] == "ok", full
        assert zero["total"] == "0" and zero["status"] == "raised errors", zero
        assert zero["details"].startswith(f"{zero['out_of']} cell(s) raised; first: "), \
            f"{master.name}: the student copy raises in more cells than its stubs: {zero}"


def test_instructors_page_links_every_chapter():
    """A Binder link per chapter, on the repository and branch of _config.yml."""
    import yaml
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner_repo = config["url"].rstrip("/").split("github.com/")[1]
    page = (ROOT / "instructors.md").read_text()
    for chapter in sorted((ROOT / "chapters").glob("*.ipynb")):
        link = (f"https://mybinder.org/v2/gh/{owner_repo}/{config['branch']}"
                f"?urlpath=lab/tree/chapters/{chapter.name}")
        assert link in page, f"no Binder link for {chapter.name}"
        title = nbformat.read(chapter, as_version=4).cells[0].source.splitlines()[0]
        title = re.sub(r"^#+\s*(\d+\.\s*)?", "", title).strip()
        assert f"| {chapter_number(chapter)} | {title} | [open in Binder]({link}) |" in page, \
            f"the Binder table does not name {chapter.name} by its title {title!r}"
    quoted = config["url"].replace(":", "%3A").replace("/", "%2F")
    assert f"git-pull?repo={quoted}&branch={config['branch']}&urlpath=" in page
    for command in ("make student", "make grade SUBMISSIONS=", "tools/grade.py --list"):
        assert command in page
