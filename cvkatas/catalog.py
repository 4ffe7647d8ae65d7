"""The catalogue of katas: where each one lives and its metadata (``kata.toml``, the one source of truth)."""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
KATAS_DIR = ROOT / "katas"
SOLUTIONS_DIR = ROOT / "solutions"

DIFFICULTIES = ("easy", "medium", "hard")
DEVICES = ("cpu", "cuda")
# Every field a kata's metadata must fill; `verify` fails a kata that lacks one.
REQUIRED = {
    "title": str,
    "title_zh": str,
    "difficulty": str,
    "minutes": int,
    "tags": list,
    "seeds": list,
    "devices": list,
    "api": list,
    "hints": list,
    "follow_ups": list,
    "mistakes": list,
}


class UnknownKata(LookupError):
    """A kata id that is not in the catalogue; the message suggests the nearest ids."""


@dataclass(frozen=True)
class Kata:
    id: str  # "track/name", from the folder: never written twice
    meta: dict = field(repr=False, compare=False)

    @property
    def track(self) -> str:
        return self.id.split("/")[0]

    @property
    def name(self) -> str:
        return self.id.split("/")[1]

    @property
    def folder(self) -> Path:
        return KATAS_DIR / self.track / self.name

    @property
    def stub_file(self) -> Path:
        return self.folder / "kata.py"

    @property
    def module(self) -> str:
        """Dotted module path below an implementation package: ``track.name``."""
        return f"{self.track}.{self.name}"

    @property
    def reference_file(self) -> Path:
        return SOLUTIONS_DIR / self.track / f"{self.name}.py"

    @property
    def variants_file(self) -> Path:
        return SOLUTIONS_DIR / self.track / f"{self.name}_variants.py"

    @property
    def api(self) -> list[str]:
        return list(self.meta.get("api", []))

    @property
    def devices(self) -> list[str]:
        return list(self.meta.get("devices", ["cpu"]))

    @property
    def uses_torch(self) -> bool:
        return "cuda" in self.devices

    @property
    def max_ratio(self) -> float | None:
        return self.meta.get("speed", {}).get("max_ratio")

    def mistake_fails(self, mistake_id: str) -> list[str] | None:
        """The convention and contract tests a *convention miss* must fail (its `fails` in kata.toml),
        or None for a *defect*, which must fail at least one correctness test."""
        for m in self.meta.get("mistakes", []):
            if isinstance(m, dict) and m.get("id") == mistake_id:
                return list(m["fails"]) if "fails" in m else None
        return None

    @property
    def prerequisites(self) -> list[str]:
        """The katas to solve before this one (kata.toml `prerequisites`), for the learning path."""
        return list(self.meta.get("prerequisites", []))

    @property
    def canonical(self) -> dict[str, dict]:
        """Variants written in the style of a canonical implementation: id -> {text, fails}."""
        return {c["id"]: {"text": c.get("text", ""), "fails": list(c.get("fails", []))}
                for c in self.meta.get("canonical", []) if isinstance(c, dict) and c.get("id")}

    def problems(self) -> list[str]:
        """What is missing or malformed in the metadata (empty when complete)."""
        if "_error" in self.meta:
            return [self.meta["_error"]]
        out = []
        for key, kind in REQUIRED.items():
            value = self.meta.get(key)
            if value is None or value == "" or value == []:
                out.append(f"metadata: `{key}` missing")
            elif not isinstance(value, kind):
                out.append(f"metadata: `{key}` must be a {kind.__name__}")
            elif isinstance(value, str) and "TODO" in value:
                out.append(f"metadata: `{key}` still says TODO")
            elif isinstance(value, list) and any("TODO" in str(v) for v in value):
                out.append(f"metadata: `{key}` still says TODO")
        if self.meta.get("difficulty") not in DIFFICULTIES:
            out.append(f"metadata: `difficulty` must be one of {', '.join(DIFFICULTIES)}")
        if not set(self.devices) <= set(DEVICES) or "cpu" not in self.devices:
            out.append("metadata: `devices` must be ['cpu'] or ['cpu', 'cuda']")
        if len(self.meta.get("hints", [])) < 2:
            out.append("metadata: give at least two hints, gentle first")
        for i, m in enumerate(self.meta.get("mistakes", [])):
            if not (isinstance(m, dict) and m.get("id") and m.get("text")):
                out.append(f"metadata: mistakes[{i}] needs an `id` and a `text`")
        for m in self.meta.get("mistakes", []) + self.meta.get("canonical", []):
            fails = m.get("fails") if isinstance(m, dict) else None
            if fails is not None and not (isinstance(fails, list) and all(isinstance(f, str) for f in fails)):
                out.append(f"metadata: `fails` of `{m.get('id')}` must be a list of test names")
        if not self.meta.get("canonical"):
            out.append("metadata: add a [[canonical]] variant written in the style of the canonical code")
        for i, c in enumerate(self.meta.get("canonical", [])):
            if not (isinstance(c, dict) and c.get("id") and c.get("text")):
                out.append(f"metadata: canonical[{i}] needs an `id` and a `text`")
        pre = self.meta.get("prerequisites", [])
        if not (isinstance(pre, list) and all(isinstance(p, str) for p in pre)):
            out.append("metadata: `prerequisites` must be a list of kata ids")
        else:
            ids = {k.id for k in all_katas()}
            out += [f"metadata: prerequisite `{p}` is not a kata" for p in pre if p not in ids or p == self.id]
        speed = self.meta.get("speed")
        if speed is not None and not isinstance(speed.get("max_ratio"), (int, float)):
            out.append("metadata: [speed] needs a numeric `max_ratio`")
        return out


def load(folder: Path) -> Kata:
    track, name = folder.parent.name, folder.name
    try:
        with open(folder / "kata.toml", "rb") as fh:
            meta = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        meta = {"_error": f"kata.toml does not parse: {exc}"}
    return Kata(f"{track}/{name}", meta)


@cache
def all_katas() -> tuple[Kata, ...]:
    return tuple(load(p.parent) for p in sorted(KATAS_DIR.glob("*/*/kata.toml")))


def get(kata_id: str) -> Kata:
    kata_id = kata_id.strip().strip("/").removeprefix("katas/")
    for kata in all_katas():
        if kata.id == kata_id:
            return kata
    ids = [k.id for k in all_katas()]
    near = difflib.get_close_matches(kata_id, ids, n=3, cutoff=0.4)
    near += [i for i in ids if kata_id and kata_id in i and i not in near][:3]
    hint = f"; did you mean {', '.join(near)}?" if near else "; `nox -s list` shows them all"
    raise UnknownKata(f"unknown kata `{kata_id}`{hint}")


def resolve(specs) -> list[Kata]:
    """Katas named by ids (`detection/nms`), tracks (`detection`) or bare names where unambiguous
    (`nms`), in the order given, each once."""
    out: list[Kata] = []
    tracks = {k.track for k in all_katas()}
    for spec in specs:
        spec = spec.strip().strip("/").removeprefix("katas/")
        if spec in tracks:
            found = [k for k in all_katas() if k.track == spec]
        elif "/" in spec:
            found = [get(spec)]
        else:
            found = [k for k in all_katas() if k.name == spec]
            if len(found) > 1:
                raise UnknownKata(f"`{spec}` is ambiguous: {', '.join(k.id for k in found)}")
            if not found:
                found = [get(spec)]  # raises, with the nearest ids
        out += [k for k in found if k not in out]
    return out


def display_path(path) -> str:
    """`path` as a message shows it: relative to the current folder when inside it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(Path(path).resolve()) if rel.startswith("..") else rel


def kata_for_path(path: Path) -> Kata | None:
    """The kata whose folder holds `path` (a test file), or None."""
    try:
        rel = Path(path).resolve().relative_to(KATAS_DIR)
    except ValueError:
        return None
    if len(rel.parts) < 3:
        return None
    try:
        return get(f"{rel.parts[0]}/{rel.parts[1]}")
    except UnknownKata:
        return None
