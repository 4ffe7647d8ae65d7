"""Which code the tests run: the learner's package, the reference, or a known-wrong variant.

For kata ``track/name`` the tests use the module ``PKG.track.name`` where PKG comes from
``pytest --impl=PKG`` or the environment variable ``CVKATAS_IMPL`` (default ``katas``). PKG may be
any importable package with the same layout, or a path to such a package's folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from .catalog import SOLUTIONS_DIR, Kata

ENV_VAR = "CVKATAS_IMPL"
DEFAULT = "katas"
REFERENCE = "solutions"


class ImplError(Exception):
    """The implementation cannot be loaded; the message is one line for the learner."""


class Implementation:
    """The public names of one kata as one implementation provides them (``impl.nms(...)``)."""

    def __init__(self, kata: Kata, label: str, names: dict, origin: str):
        self.kata, self.label, self.origin = kata, label, origin
        self._names = names

    def __getattr__(self, name):
        names = self.__dict__.get("_names", {})
        if name in names:
            return names[name]
        raise ImplError(
            f"{self.origin} does not define `{name}`, which kata {self.kata.id} asks for "
            f"(its public names: {', '.join(self.kata.api)})"
        )

    def __repr__(self):
        return f"<{self.kata.id} from {self.origin}>"


def resolve_package(spec: str | None) -> str:
    """Turn ``--impl`` (a package name or a folder path) into an importable package name."""
    spec = spec or os.environ.get(ENV_VAR) or DEFAULT
    if "/" in spec or os.sep in spec or spec.startswith((".", "~")):
        folder = Path(spec).expanduser().resolve()
        if folder.is_file():
            raise ImplError(f"--impl={spec}: that is a file; pass the folder of your package (the one holding "
                            "<track>/<name>.py)")
        if not folder.is_dir():
            raise ImplError(f"--impl={spec}: no such folder")
        clash = name_clash(folder)
        if clash:
            raise ImplError(f"--impl={spec}: {clash}")
        sys.path.insert(0, str(folder.parent))
        spec = folder.name
    if not all(part.isidentifier() for part in spec.split(".")):
        raise ImplError(f"--impl={spec}: not a package name (letters, digits, underscores, dots)")
    try:
        importlib.import_module(spec)
    except ImportError as exc:
        raise ImplError(
            f"--impl={spec}: no importable package `{spec}` ({exc}); put its parent folder on "
            f"PYTHONPATH or pass the folder's path"
        ) from None
    return spec


RESERVED = ("katas", "solutions", "cvkatas", "tests")


def name_clash(folder: Path) -> str | None:
    """Why a folder cannot serve as a learner's package (its name is the package's name), or None."""
    from .catalog import ROOT

    name = folder.name
    if not name.isidentifier():
        return f"the folder's name `{name}` must be a Python identifier (it becomes the package name)"
    if name in RESERVED and folder != ROOT / name:
        return (f"a package named `{name}` would be confused with this project's own `{name}`; "
                "give your folder another name")
    if name not in RESERVED:
        found = importlib.util.find_spec(name) if name not in sys.modules else sys.modules[name].__spec__
        places = getattr(found, "submodule_search_locations", None) or []
        origin = getattr(found, "origin", None) or next(iter(places), None)
        if found is not None and origin and not Path(origin).resolve().is_relative_to(folder):
            return (f"a package named `{name}` already exists ({origin}); your folder would hide it or be "
                    "hidden by it: give it another name")
    return None


def load_module(package: str, kata: Kata) -> ModuleType:
    name = f"{package}.{kata.module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise ImplError(
                f"{name} not found: create {package}/{kata.track}/{kata.name}.py "
                f"defining {', '.join(kata.api)}"
            ) from None
        raise


def load(package: str, kata: Kata) -> Implementation:
    module = load_module(package, kata)
    names = {n: getattr(module, n) for n in kata.api if hasattr(module, n)}
    return Implementation(kata, package, names, origin=getattr(module, "__file__", None) or module.__name__)


def variants(kata: Kata) -> dict[str, Implementation]:
    """The reference plus its known-wrong (``wrong:ID``), slow-but-correct (``slow:ID``) and
    canonical-style (``canonical:ID``) variants.

    They live beside the reference in ``solutions/<track>/<name>_variants.py`` as three dicts,
    ``WRONG``, ``SLOW`` and ``CANONICAL``, mapping a variant id to the public names it replaces.
    """
    ref = load(REFERENCE, kata)
    out = {"reference": ref}
    if not kata.variants_file.exists():
        return out
    module = importlib.import_module(f"{REFERENCE}.{kata.module}_variants")
    for kind in ("WRONG", "SLOW", "CANONICAL"):
        for vid, overrides in getattr(module, kind, {}).items():
            unknown = set(overrides) - set(kata.api)
            if unknown:
                raise ImplError(f"{kata.variants_file}: {kind}[{vid!r}] replaces unknown names {unknown}")
            label = f"{kind.lower()}:{vid}"
            out[label] = Implementation(kata, label, {**ref._names, **overrides}, origin=label)
    return out


def module_file(package: str, kata: Kata) -> Path | None:
    """The file that holds ``package.track.name``, without importing it (None if there is none)."""
    if package == DEFAULT:
        return kata.stub_file  # katas/<track>/<name>/ is a package; the learner writes its kata.py
    try:
        spec = importlib.util.find_spec(f"{package}.{kata.module}")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec is not None and spec.origin else None


def fingerprint(package: str, kata: Kata) -> str:
    """A hash of everything a kata's verdict depends on: the learner's file, the kata's tests and
    metadata, and the harness. Unchanged fingerprint, unchanged verdict: no need to run again."""
    import hashlib

    from .catalog import ROOT

    h = hashlib.sha1()
    learner = module_file(package, kata)
    parts = [learner, kata.folder / "test_kata.py", kata.folder / "kata.toml",
             *sorted((ROOT / "cvkatas").glob("*.py"))]
    for f in parts:
        h.update(str(f).encode())
        try:
            h.update(f.read_bytes() if f is not None else b"-")
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def is_reference_path(path: str | os.PathLike) -> bool:
    try:
        Path(path).resolve().relative_to(SOLUTIONS_DIR)
        return True
    except ValueError:
        return False
