#!/usr/bin/env python3
"""Write student copies of chapter notebooks: solutions stripped, outputs cleared.

Usage::

    python tools/make_student.py OUTDIR NOTEBOOK...      # `make student` -> _build/student/

For each master notebook, ``OUTDIR/<same file name>`` gets a copy in which

* every code cell tagged ``solution`` becomes ONE stub cell::

      # Exercise 2.1: write your solution here and store the result in `answer`.
      answer = None
      raise NotImplementedError("Exercise 2.1: replace this stub with your solution")
      kt.check("2.1", answer)

  (the exercise id comes from the cell's ``check("N.K", ...)`` call, else from the label
  ``ex-N-K`` of the enclosing ``{solution-start}``; the check line is the solution's own);
* the markdown cells ``{solution-start}`` ... ``{solution-end}`` and every other cell between
  them (solution text, extra solution code) are removed;
* all outputs and execution counts are cleared, execution metadata dropped, the notebook
  metadata reduced to the kernelspec and the language, nbformat 4.5 with cell ids;
* the file is written deterministically (sorted keys, fixed layout): running twice gives
  byte-identical files.

Nothing else is copied. A malformed master (an unterminated solution block, a solution cell
without an exercise id) is an error naming the notebook and the cell, and nothing is written
for it.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+\.\d+)["']""")
START = re.compile(r"(?:`{3,}|:{3,})\s*\{solution-start\}[ \t]*([^\s`]*)")
END = re.compile(r"(?:`{3,}|:{3,})\s*\{solution-end\}")
LABEL = re.compile(r"^ex-(\d+)-(\d+)$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


class MasterError(ValueError):
    """The master notebook does not follow the exercise convention."""


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def is_solution_cell(cell) -> bool:
    """A code cell tagged ``solution``."""
    return cell.get("cell_type") == "code" and SOLUTION_TAG in _tags(cell)


def check_lines(source: str, exercise_id: str) -> list[str]:
    """The lines of ``source`` that call ``check("<exercise_id>", ...)``, stripped."""
    return [line.strip() for line in source.splitlines()
            if (m := CHECK_CALL.search(line)) and m.group(1) == exercise_id]


def stub_source(exercise_id: str, checks: list[str] | None = None) -> str:
    """The source of the stub that replaces the solution of ``exercise_id``."""
    checks = checks or [f'kt.check("{exercise_id}", answer)']
    return "\n".join([
        f"# Exercise {exercise_id}: write your solution here and store the result in `answer`.",
        "answer = None",
        f'raise NotImplementedError("Exercise {exercise_id}: replace this stub with your solution")',
        *checks,
    ])


def _label_id(label: str) -> str | None:
    m = LABEL.match(label or "")
    return f"{int(m.group(1))}.{int(m.group(2))}" if m else None


def _clean(cell) -> dict:
    cell = copy.deepcopy(cell)
    meta = cell.setdefault("metadata", {})
    for key in VOLATILE_CELL_METADATA:
        meta.pop(key, None)
    if cell["cell_type"] == "code":
        cell["outputs"] = []
        cell["execution_count"] = None
    cell["source"] = _source(cell)
    return cell


def student_notebook(nb, name: str = "notebook"):
    """The student copy of the master notebook ``nb`` (a new NotebookNode; ``nb`` unchanged).

    Raises
    ------
    MasterError
        If a solution block is unterminated or nested, a ``{solution-end}`` has no start, or a
        solution cell has no exercise id.
    """
    cells = []
    block_id = None          # exercise id of the open solution block (or "" if no label)
    in_block = False
    start_index = None
    for index, cell in enumerate(nb.cells):
        kind = cell.get("cell_type")
        src = _source(cell)
        if kind == "markdown" and (START.search(src) or END.search(src)):
            start, end = START.search(src), END.search(src)
            if start and end and start.start() < end.start():   # a whole block in one cell
                if in_block:
                    raise MasterError(f"{name}: cell {index} opens a solution block inside "
                                      f"the block opened at cell {start_index}")
                continue
            if start:
                if in_block:
                    raise MasterError(f"{name}: cell {index} opens a solution block inside "
                                      f"the block opened at cell {start_index}")
                in_block, start_index = True, index
                block_id = _label_id(start.group(1)) or ""
                continue
            if not in_block:
                raise MasterError(f"{name}: cell {index} closes a solution block that was "
                                  f"never opened")
            in_block, block_id = False, None
            continue
        if is_solution_cell(cell):
            ids = [m.group(1) for m in CHECK_CALL.finditer(src)]
            exercise_id = ids[-1] if ids else block_id
            if not exercise_id:
                raise MasterError(f"{name}: solution cell {index} has no kt.check(\"N.K\", "
                                  f"answer) call and no ex-N-K label")
            stub = _clean(cell)
            stub["source"] = stub_source(exercise_id, check_lines(src, exercise_id))
            tags = [t for t in _tags(cell) if t != SOLUTION_TAG]
            if tags:
                stub["metadata"]["tags"] = tags
            else:
                stub["metadata"].pop("tags", None)
            cells.append(stub)
            continue
        if in_block:
            continue
        cells.append(_clean(cell))
    if in_block:
        raise MasterError(f"{name}: the solution block opened at cell {start_index} is never "
                          f"closed with {{solution-end}}")

    seen = set()
    for index, cell in enumerate(cells):      # nbformat 4.5: unique ids, deterministic
        cid = cell.get("id")
        if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", cid) or cid in seen:
            cid = f"cell-{index}"
            while cid in seen:
                cid += "x"
        cell["id"] = cid
        seen.add(cid)

    out = nbformat.from_dict({
        "nbformat": 4, "nbformat_minor": 5, "cells": cells,
        "metadata": {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
    })
    nbformat.validate(out)
    return out


def write_student(path, outdir) -> Path:
    """Write the student copy of ``path`` to ``outdir``; return the written path."""
    path, outdir = Path(path), Path(outdir)
    nb = nbformat.read(path, as_version=4)
    text = nbformat.writes(student_notebook(nb, name=str(path)), version=4)
    if not text.endswith("\n"):
        text += "\n"
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / path.name
    target.write_bytes(text.encode("utf-8"))
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="output folder (created if needed)")
    parser.add_argument("notebooks", nargs="+", help="master chapter notebooks")
    args = parser.parse_args(argv)
    names = [Path(p).name for p in args.notebooks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        parser.error(f"several notebooks share a file name: {', '.join(duplicates)}")
    failed = 0
    for path in args.notebooks:
        try:
            target = write_student(path, args.outdir)
        except (MasterError, OSError, nbformat.reader.NotJSONError,
                nbformat.ValidationError) as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        print(f"wrote {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
