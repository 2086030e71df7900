#!/usr/bin/env python3
"""Grade a folder of submitted notebooks: one fresh kernel each, one CSV row each.

Usage::

    python tools/grade.py [--out grades.csv] [--timeout SECONDS] [--jobs N] SUBMISSIONS_DIR
    python tools/grade.py --list      # every exercise, what its check tests, its tolerances

(`make grade SUBMISSIONS=dir` calls ``tools/grade.py --out grades.csv dir``.)

How a submission is graded
--------------------------
Every non-hidden file under ``SUBMISSIONS_DIR`` (recursively) is one submission and gets one
row. A ``.ipynb`` file is executed top to bottom by a worker process (``--worker`` mode of this
script) in a fresh ``python3`` kernel whose working directory is a new empty temporary folder,
with ``allow_errors``: a cell that raises (for instance an untouched stub) does not stop the
later exercises from being graded.

* **Exercise cells.** A code cell that calls ``check("N.K", ...)`` (``kt.check`` in the
  convention) is the cell of exercise ``N.K``. Right after it the worker runs a hidden grading
  cell in the same kernel: it takes the verdict of the last ``kt.check("N.K", ...)`` call made
  while that cell ran (``ktlib.exercises`` records calls during grading), so the grade is what
  the student saw; if the call never ran (the cell raised before it), it re-checks the value
  of the global ``answer`` with ``ktlib.exercises.evaluate``. An exercise passes if any of its
  cells passed. The verdict comes from the check in a fresh interpreter state of the grader's
  ``ktlib``, never from the text the notebook printed.
* **Which exercises are expected.** The chapters a submission belongs to are read from its
  exercise labels ``ex-N-K``; failing that, its ``check("N.K"`` calls; failing that, a file
  name starting ``NN_``; failing that (a corrupt file, an emptied notebook), the chapters of
  the rest of the batch.
  Every exercise registered in ``ktlib/exercises/chNN.py`` for those chapters is expected; an
  expected exercise with no cell is *missing* and fails.
* **Time.** ``--timeout`` seconds of execution per notebook (default 300). When it runs out the
  cell is abandoned, the kernel is killed and the exercises graded so far keep their marks; a
  hard limit of timeout + 60 s kills the worker and the kernel in any case.
* **Isolation.** ``--jobs`` workers run at once (default: the number of cores), each with
  single-threaded BLAS when more than one runs. A corrupt file, a crash of the kernel or of
  the worker, or a hang affects only that row. ``grades.csv`` is rewritten after every finished
  submission (atomically), so an interrupted batch keeps every grade already made.

Output
------
``grades.csv``: columns ``file``, one column per exercise id (``pass``/``fail``, empty when the
exercise is not part of that file's chapters), ``total`` (passed), ``out_of`` (expected),
``status``, ``details`` and ``seconds`` (wall time of the run; empty if it never ran).
``status`` is ``ok``, or ``; ``-joined conditions: ``not a notebook``, ``timeout``,
``crashed``, ``raised errors``, ``missing exercises: 2.1, 2.3``, ``no exercises found``. A summary table is printed at the end. The exit code is 0 when the
batch ran (whatever the grades), 2 for a usage error.

The grader runs student code with the grader's permissions: it is a grading convenience, not
a sandbox. Run it in a container or a throwaway account for untrusted submissions.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+\.\d+)["']""")
LABEL = re.compile(r":label:\s*ex-(\d+)-(\d+)\b")
FILE_CHAPTER = re.compile(r"^(\d{1,2})_")
MARKER = "@@ktgrade@@"
HARD_GRACE = float(os.environ.get("KTGRADE_HARD_GRACE", "60"))   # seconds past --timeout
DEFAULT_TIMEOUT = 300.0

SETUP_CELL = """\
import ktlib.exercises._core as __ktgrade_core
__ktgrade_core._grading_log = []
del __ktgrade_core
"""

GRADE_CELL = """\
def __ktgrade(ids, ns):
    import json
    import ktlib.exercises._core as core
    log = core._grading_log if isinstance(core._grading_log, list) else []
    out = {}
    for exercise_id in ids:
        calls = [passed for (i, passed) in log if i == exercise_id]
        try:
            out[exercise_id] = bool(calls[-1]) if calls else \\
                bool(core.evaluate(exercise_id, ns.get("answer")).passed)
        except Exception:
            out[exercise_id] = False
    core._grading_log = []
    print(%(marker)r + json.dumps(out))
__ktgrade(%(ids)r, globals())
del __ktgrade
"""


def _id_key(exercise_id):
    n, k = exercise_id.split(".")
    return (int(n), int(k))


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


# ---------------------------------------------------------------------------------------
# Reading a submission (main process)
# ---------------------------------------------------------------------------------------
def read_notebook(path):
    """``(notebook, None)`` or ``(None, reason)`` if ``path`` is not a readable notebook."""
    import nbformat
    if path.suffix != ".ipynb":
        return None, f"not an .ipynb file ({path.suffix or 'no extension'})"
    try:
        with warnings_silenced():
            nb = nbformat.read(str(path), as_version=4)
        if not isinstance(nb.get("cells"), list):
            return None, "no list of cells"
        for cell in nb.cells:
            if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
                return None, "a cell of unknown type"
    except Exception as exc:
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:100] if str(exc) else ''}"
    return nb, None


class warnings_silenced:
    def __enter__(self):
        import warnings
        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def exercise_cells(nb):
    """``{exercise id: [cell index, ...]}`` of the code cells that call ``check("N.K"``."""
    found = {}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code":
            for exercise_id in dict.fromkeys(CHECK_CALL.findall(_source(cell))):
                found.setdefault(exercise_id, []).append(index)
    return found


def chapters_of(nb, path):
    """Chapter numbers of a submission: from its exercise labels ``ex-N-K``; failing that, its
    ``check("N.K"`` calls; failing that, a file name starting ``NN_``; else an empty set."""
    labels, calls = set(), set()
    if nb is not None:
        for cell in nb.cells:
            src = _source(cell)
            labels.update(int(n) for n, _ in LABEL.findall(src))
            if cell.get("cell_type") == "code":
                calls.update(_id_key(i)[0] for i in CHECK_CALL.findall(src))
    m = FILE_CHAPTER.match(path.name)
    return labels or calls or ({int(m.group(1))} if m else set())


def registered_ids(chapters):
    from ktlib.exercises import exercises
    ids = []
    for chapter in sorted(chapters):
        ids += [ex.id for ex in exercises(chapter)]
    return ids


# ---------------------------------------------------------------------------------------
# The worker: executes one notebook (runs in its own process)
# ---------------------------------------------------------------------------------------
def _write_json(path, data):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def _first_line(text, n=160):
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text or "")).strip()
    first = text.splitlines()[0] if text else ""
    return first if len(first) <= n else first[: n - 3] + "..."


def run_worker(notebook_path, result_path, timeout):
    """Execute ``notebook_path`` with grading cells; keep ``result_path`` (JSON) up to date."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    state = {"results": {}, "errors": [], "timeout": False, "crashed": None, "done": False,
             "kernel_pid": None}
    _write_json(result_path, state)
    with warnings_silenced():
        nb = nbformat.read(notebook_path, as_version=4)
    cells = [nbformat.v4.new_code_cell(SETUP_CELL)]
    grading = {}                                   # index in cells -> exercise ids
    for cell in nb.cells:
        cell = nbformat.from_dict(dict(cell))
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
        if cell.get("cell_type") == "code":
            ids = list(dict.fromkeys(CHECK_CALL.findall(_source(cell))))
            if ids:
                grading[len(cells)] = ids
                cells.append(nbformat.v4.new_code_cell(GRADE_CELL % {"marker": MARKER, "ids": ids}))
    for cell in cells:
        cell.pop("id", None)
    run_nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    run_nb["nbformat_minor"] = 4                   # no cell ids needed for execution

    workdir = tempfile.mkdtemp(prefix="ktgrade-")
    client = NotebookClient(run_nb, kernel_name="python3", allow_errors=True, timeout=int(timeout),
                            interrupt_on_timeout=False, record_timing=False, startup_timeout=120,
                            shutdown_kernel="immediate", resources={"metadata": {"path": workdir}})
    deadline = time.monotonic() + timeout
    try:
        with client.setup_kernel():
            try:
                state["kernel_pid"] = client.km.provisioner.pid
            except Exception:
                pass
            _write_json(result_path, state)
            for index, cell in enumerate(cells):
                if cell.get("cell_type") != "code":
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    state["timeout"] = True
                    break
                client.timeout = max(1, int(remaining + 0.999))
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    state["timeout"] = True
                    break
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error" and index not in grading and index != 0:
                        state["errors"].append({
                            "cell": _original_index(index, grading),
                            "ename": out.get("ename", ""), "evalue": _first_line(out.get("evalue"))})
                if index in grading:
                    text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                                   if o.get("output_type") == "stream" and o.get("name") == "stdout")
                    got = {}
                    for line in text.splitlines():
                        if line.startswith(MARKER):
                            try:
                                got = json.loads(line[len(MARKER):])
                            except ValueError:
                                got = {}
                    for exercise_id in grading[index]:
                        passed = bool(got.get(exercise_id, False))
                        state["results"][exercise_id] = state["results"].get(exercise_id, False) or passed
                    _write_json(result_path, state)
    except DeadKernelError as exc:
        state["crashed"] = f"the kernel died ({_first_line(exc) or 'DeadKernelError'})"
    except Exception as exc:                        # kernel failed to start, zmq errors, ...
        if not state["timeout"]:
            state["crashed"] = f"{type(exc).__name__}: {_first_line(exc)}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    state["done"] = True
    _write_json(result_path, state)


def _original_index(index, grading):
    """Index of a cell of the instrumented notebook in the submitted notebook."""
    return index - 1 - sum(1 for g in grading if g < index)


# ---------------------------------------------------------------------------------------
# The batch (main process)
# ---------------------------------------------------------------------------------------
def discover(folder, exclude=()):
    """Every non-hidden file under ``folder``, sorted, skipping checkpoints and ``exclude``."""
    folder = Path(folder)
    exclude = {Path(p).resolve() for p in exclude}
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if path.is_file() and path.resolve() not in exclude:
            files.append(path)
    return files


def _kill(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
            return
        except (ProcessLookupError, PermissionError, OSError):
            continue


class Job:
    """One worker process grading one notebook."""

    def __init__(self, number, path, name, expected, present, timeout, env, tmpdir):
        self.path, self.name, self.expected, self.present = path, name, expected, present
        self.result_path = os.path.join(tmpdir, f"{number}.json")
        self.stderr_path = os.path.join(tmpdir, f"{number}.stderr")
        self.timeout = timeout
        self.killed = False
        with open(self.stderr_path, "wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "--worker", str(path),
                 self.result_path, "--timeout", str(timeout)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env,
                start_new_session=True)
        self.start = time.monotonic()

    def stderr(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def overdue(self):
        return time.monotonic() - self.start > self.timeout + HARD_GRACE

    def state(self):
        try:
            with open(self.result_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def kill(self):
        self.killed = True
        state = self.state() or {}
        _kill(self.proc.pid)
        if state.get("kernel_pid"):
            _kill(int(state["kernel_pid"]))
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def make_row(name, expected, present, state=None, problem=None, stderr="", killed=False,
             timeout=None):
    """One CSV row (a dict) from what the worker reported."""
    row = {"file": name}
    results = (state or {}).get("results", {})
    conditions, details = [], []
    if problem:
        conditions.append("not a notebook")
        details.append(problem)
    else:
        if killed or (state or {}).get("timeout"):
            conditions.append("timeout")
            details.append(f"stopped after {timeout:g} s")
        elif state is None or not state.get("done"):
            conditions.append("crashed")
            tail = _first_line(stderr.strip().splitlines()[-1] if stderr.strip() else "")
            details.append(f"the grader's worker died{': ' + tail if tail else ''}")
        elif state.get("crashed"):
            conditions.append("crashed")
            details.append(state["crashed"])
        errors = (state or {}).get("errors", [])
        if errors:
            conditions.append("raised errors")
            first = errors[0]
            details.append(f"{len(errors)} cell(s) raised; first: cell {first['cell']}: "
                           f"{first['ename']}: {first['evalue']}".rstrip(": "))
    if not expected and not problem:
        conditions.append("no exercises found")
    missing = [i for i in expected if i not in present]
    if missing and not problem:
        conditions.append("missing exercises: " + ", ".join(missing))
    for exercise_id in expected:
        row[exercise_id] = "pass" if results.get(exercise_id) and exercise_id in present else "fail"
    row["total"] = sum(row[i] == "pass" for i in expected)
    row["out_of"] = len(expected)
    row["status"] = "; ".join(conditions) or "ok"
    row["details"] = " | ".join(details)
    return row


def write_csv(path, rows, ids):
    fields = ["file", *ids, "total", "out_of", "status", "details", "seconds"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, restval="", lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["file"]):
        writer.writerow(row)
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buf.getvalue())
    os.replace(tmp, path)


def summary(rows, ids):
    """A plain-text table: one line per file, then pass counts per exercise."""
    rows = sorted(rows, key=lambda r: r["file"])
    head = ["file", *ids, "total", "status"]
    body = [[r["file"], *[{"pass": "P", "fail": ".", "": ""}[r.get(i, "")] for i in ids],
             f"{r['total']}/{r['out_of']}", r["status"]] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)] if body else []
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip()
             for line in [head, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for i in ids:
        graded = [r for r in rows if r.get(i)]
        lines.append(f"exercise {i}: {sum(r[i] == 'pass' for r in graded)}/{len(graded)} passed")
    ok = sum(r["status"] == "ok" for r in rows)
    lines.append(f"{len(rows)} submission(s), {ok} ran cleanly (P = pass, . = fail)")
    return "\n".join(lines)


def grade(folder, out="grades.csv", timeout=DEFAULT_TIMEOUT, jobs=None, log=print):
    """Grade every file under ``folder``; write ``out``; return the rows."""
    files = discover(folder, exclude=[out, f"{out}.tmp"])
    folder = Path(folder)
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    rows, ids, pending = [], set(), []
    infos = []
    for path in files:
        nb, problem = read_notebook(path)
        infos.append((path, nb, problem, chapters_of(nb, path) if nb is not None else set()))
    batch_chapters = set().union(*(c for _, nb, _, c in infos if nb is not None)) if infos else set()
    for path, nb, problem, chapters in infos:
        name = path.relative_to(folder).as_posix()
        if problem:
            chapters = chapters_of(None, path)
        if not chapters:
            chapters = batch_chapters
        expected = registered_ids(chapters)
        ids.update(expected)
        present = set(exercise_cells(nb)) if nb is not None else set()
        if problem:
            rows.append(make_row(name, expected, present, problem=problem))
        else:
            pending.append((path, name, expected, present))
    ids = sorted(ids, key=_id_key)
    write_csv(out, rows, ids)

    env = dict(os.environ)
    if min(jobs, len(pending)) > 1:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
    env.setdefault("PYTHONHASHSEED", "0")
    # No widget front end while grading: kt.widgets.explorer then calls its function once.
    # Executing ipywidgets through nbclient can block a cell for minutes (nbclient#312).
    env["KTLIB_STATIC"] = "1"
    tmpdir = tempfile.mkdtemp(prefix="ktgrade-batch-")
    running, started = [], 0
    try:
        while pending or running:
            while pending and len(running) < jobs:
                path, name, expected, present = pending.pop(0)
                started += 1
                running.append(Job(started, path, name, expected, present, timeout, env, tmpdir))
            time.sleep(0.05)
            for job in list(running):
                if job.proc.poll() is None and not job.overdue():
                    continue
                if job.proc.poll() is None:
                    job.kill()
                elif not (job.state() or {}).get("done") and (job.state() or {}).get("kernel_pid"):
                    _kill(int(job.state()["kernel_pid"]))     # the worker died: end its kernel
                row = make_row(job.name, job.expected, job.present, state=job.state(),
                               stderr=job.stderr(), killed=job.killed, timeout=job.timeout)
                row["seconds"] = f"{time.monotonic() - job.start:.1f}"
                rows.append(row)
                running.remove(job)
                write_csv(out, rows, ids)
                log(f"graded {job.name}: {row['total']}/{row['out_of']} ({row['status']})")
    except KeyboardInterrupt:
        for job in running:
            job.kill()
            rows.append({**make_row(job.name, job.expected, job.present, state=job.state(),
                                    killed=True, timeout=job.timeout),
                         "status": "not graded (interrupted)"})
        for path, name, expected, present in pending:
            rows.append({**make_row(name, expected, present, state={"done": True}),
                         "status": "not graded (interrupted)"})
        write_csv(out, rows, ids)
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    write_csv(out, rows, ids)
    return rows, ids


def list_exercises():
    """Every registered exercise: id, title and what its check tests (its docstring)."""
    from ktlib.exercises import exercises
    blocks = []
    for ex in exercises():
        doc = "\n".join("    " + line if line else "" for line in ex.doc.splitlines())
        blocks.append(f"{ex.id}  {ex.title}\n{doc}")
    return "\n\n".join(blocks)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        parser = argparse.ArgumentParser(prog="grade.py --worker")
        parser.add_argument("notebook")
        parser.add_argument("result")
        parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
        args = parser.parse_args(argv[1:])
        run_worker(args.notebook, args.result, args.timeout)
        return 0
    parser = argparse.ArgumentParser(
        description="Grade a folder of submitted notebooks (see the module docstring).",
        epilog="grade.py --list prints every exercise, what its check tests and its tolerances.")
    if argv[:1] == ["--list"]:
        print(list_exercises())
        return 0
    parser.add_argument("submissions", help="folder of submitted .ipynb files (searched recursively)")
    parser.add_argument("--out", default="grades.csv", help="CSV to write (default grades.csv)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds of execution per notebook (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--jobs", type=int, default=None,
                        help="notebooks graded at once (default: the number of cores)")
    args = parser.parse_args(argv)
    if not Path(args.submissions).is_dir():
        parser.error(f"{args.submissions} is not a folder")
    if args.timeout <= 0 or (args.jobs is not None and args.jobs < 1):
        parser.error("--timeout must be > 0 and --jobs >= 1")
    start = time.perf_counter()
    rows, ids = grade(args.submissions, out=args.out, timeout=args.timeout, jobs=args.jobs)
    print()
    print(summary(rows, ids))
    print(f"wrote {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
