"""`nox -s new -- track/name`: copy the kata template into place. Nothing existing is overwritten.

The scaffold is deliberately incomplete (metadata says TODO, the tests fail the reference), so
`nox -s verify` reports the kata as INCOMPLETE until it meets KATA_STANDARD.md."""

from __future__ import annotations

from pathlib import Path

from . import catalog

STUB = '''"""TODO title · TODO 中文标题

TODO: one paragraph on what the learner builds and why it matters.

Run the tests: pytest katas/{track}/{name}
"""

import numpy as np

__all__ = ["{name}"]


def {name}(x: np.ndarray) -> np.ndarray:
    """TODO: the full statement: inputs (types, shapes, dtypes, conventions), what comes back,
    edge cases (empty, degenerate, ties), whether inputs may be modified, expected complexity.
    """
    raise NotImplementedError("{name}")
'''

TESTS = '''"""Tests for {track}/{name}. Run: pytest katas/{track}/{name}

Groups (CONTRIBUTING.md): correctness (no marker), one `convention` test per documented convention,
`contract` for each documented error, `perf` for speed. Random inputs are drawn so that no
convention decides them."""

import numpy as np
import pytest

from cvkatas import Call, assert_close, assert_raises


def test_by_hand(impl):
    x = np.array([1.0, 2.0, 3.0])
    call = Call(impl.{name}, x)
    assert_close(call.out, x * np.nan, call=call, why="TODO: replace with a case checked on paper")


@pytest.mark.convention("TODO: name the convention in a few words")
def test_convention(impl):
    call = Call(impl.{name}, np.array([1.0]))
    assert_close(call.out, np.array([np.nan]), call=call, why="TODO: a hand case only this convention decides")


@pytest.mark.contract("TODO: bad input: ValueError")
def test_bad_input_raises(impl):
    assert_raises(ValueError, impl.{name}, np.zeros((2, 2)),
                  why="TODO: an input that passes silently without the check")
'''

META = '''title = "TODO"
title_zh = "TODO"
difficulty = "medium"
minutes = 20
tags = ["TODO"]
seeds = ["TODO"]
devices = ["cpu"]
api = ["{name}"]
hints = ["TODO gentle hint", "TODO explicit hint"]
follow_ups = ["TODO"]

# A mistake without `fails` is a defect (must fail a correctness test); with `fails` it is a
# convention miss (must fail exactly those convention/contract tests and nothing else).
[[mistakes]]
id = "TODO"
text = "TODO: a classic mistake; its wrong answer lives in solutions/{track}/{name}_variants.py"

[[canonical]]
id = "TODO"
text = "TODO: an answer written in the style of the canonical implementation the statement names"
fails = []
'''

REFERENCE = '''"""TODO: one line on the reference."""

import numpy as np


def {name}(x: np.ndarray) -> np.ndarray:
    raise NotImplementedError("TODO: the reference solution")
'''

VARIANTS = '''"""Known-wrong (and slow-but-correct) answers to {track}/{name}; verify proves the tests catch each."""

WRONG = {{}}  # mistake id (as in kata.toml) -> {{public name: function}}; at least three
CANONICAL = {{}}  # canonical id (as in kata.toml) -> {{public name: function}}; at least one
SLOW = {{}}  # only for a kata with a [speed] limit in kata.toml
'''


def scaffold(kata_id: str) -> list[Path]:
    parts = kata_id.strip("/").split("/")
    if len(parts) != 2 or not all(p.isidentifier() for p in parts):
        raise ValueError(f"`{kata_id}` is not track/name (two Python identifiers)")
    track, name = parts
    folder = catalog.KATAS_DIR / track / name
    if folder.exists():
        raise FileExistsError(f"{folder.relative_to(catalog.ROOT)} exists already; nothing was changed")
    files = {
        folder / "__init__.py": "from .kata import *\n",
        folder / "kata.py": STUB,
        folder / "test_kata.py": TESTS,
        folder / "kata.toml": META,
        catalog.SOLUTIONS_DIR / track / f"{name}.py": REFERENCE,
        catalog.SOLUTIONS_DIR / track / f"{name}_variants.py": VARIANTS,
    }
    clash = [p for p in files if p.exists()]
    if clash:
        raise FileExistsError(f"{clash[0].relative_to(catalog.ROOT)} exists already; nothing was changed")
    for pkg in (catalog.KATAS_DIR / track, catalog.SOLUTIONS_DIR / track):
        pkg.mkdir(parents=True, exist_ok=True)
        init = pkg / "__init__.py"
        if not init.exists():
            init.write_text("")
            files.setdefault(init, None)
    folder.mkdir()
    for path, text in files.items():
        if text is not None:
            path.write_text(text.format(track=track, name=name))
    catalog.all_katas.cache_clear()
    return [p for p in files]
