"""The entity extraction compiled to C by mypyc: the same source, run with about a third less
CPU. Extraction is most of what a parser process does, and the parser processes most of an
import's CPU.

``native.main()`` (run by ``bin/setup``) compiles ``extract.py`` into
``var/native/``, under a module name that carries a digest of the source. ``install()`` puts
that module in the place of ``cables.entities.extract`` only when it was built from the
``extract.py`` now on disk: an edited source runs as Python until it is compiled again, and
nothing stale is ever used. Without a C compiler or Python's headers the build fails with its
reason and the source runs as it is; so it does with ``ENTITY_EXTRACTION=python`` set.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import logging
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType

SOURCE = Path(__file__).with_name("extract.py")
BUILD_DIR = Path(__file__).resolve().parents[2] / "var" / "native"
PREFIX = "cables_extract_"
TARGET = "cables.entities.extract"
SWITCH = "ENTITY_EXTRACTION"  # "python": never the compiled module

log = logging.getLogger(__name__)


def module_name(source: Path = SOURCE) -> str:
    """The compiled module's name: the prefix and the source's digest."""
    return PREFIX + hashlib.sha256(source.read_bytes()).hexdigest()[:16]


def built_file(name: str, build_dir: Path = BUILD_DIR) -> Path | None:
    """The extension file of module ``name`` in ``build_dir``, if it is there."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = build_dir / (name + suffix)
        if path.is_file():
            return path
    return None


def compiled(build_dir: Path = BUILD_DIR, source: Path = SOURCE) -> ModuleType | None:
    """The module compiled from the source now on disk, loaded; None if there is none (or it
    cannot load, which is logged). Where mypyc wrote the compiled code as a library of its
    own, beside the module, the module imports it by name: it is loaded first."""
    name = module_name(source)
    if name in sys.modules:
        return sys.modules[name]
    module = built_file(name, build_dir)
    if module is None:
        return None
    library = built_file(name + "__mypyc", build_dir)
    files = [(name + "__mypyc", library)] if library else []
    loaded = []
    try:
        for each, path in [*files, (name, module)]:
            spec = importlib.util.spec_from_file_location(each, path)
            extension = importlib.util.module_from_spec(spec)
            sys.modules[each] = extension
            loaded.append(each)
            spec.loader.exec_module(extension)
    except (ImportError, OSError) as error:
        for each in loaded:
            del sys.modules[each]
        log.warning("the compiled entity extraction did not load, Python runs it: %s", error)
        return None
    return sys.modules[name]


def install() -> ModuleType | None:
    """Make the compiled module ``cables.entities.extract``, before anything imports the
    source; returns it, or None when the source is to run (not built, stale, or switched
    off)."""
    if os.environ.get(SWITCH, "").strip().lower() == "python" or TARGET in sys.modules:
        return None
    module = compiled()
    if module is not None:
        sys.modules[TARGET] = module
        package, _, attribute = TARGET.rpartition(".")
        setattr(sys.modules[package], attribute, module)  # "import cables.entities.extract"
    return module


def build_needed(build_dir: Path = BUILD_DIR, source: Path = SOURCE) -> bool:
    """No module compiled from the source now on disk."""
    return built_file(module_name(source), build_dir) is None


def build(build_dir: Path = BUILD_DIR) -> Path:
    """Compile extract.py into ``build_dir`` unless its module is there already; remove the
    builds of earlier sources. Returns the module's file."""
    name = module_name()
    if not build_needed(build_dir):
        return built_file(name, build_dir)
    # mypyc and setuptools are only needed here, never when the archive runs
    from mypyc.build import mypycify
    from setuptools import Distribution

    build_dir.mkdir(parents=True, exist_ok=True)
    # scratch space beside the build, so that the files it makes move in at once (os.replace)
    with tempfile.TemporaryDirectory(dir=build_dir, prefix="building-") as scratch:
        copy = Path(scratch) / f"{name}.py"
        copy.write_bytes(SOURCE.read_bytes())
        # mypy finds the package the source imports (cables.entities.gazetteer...) from here
        os.environ["MYPYPATH"] = str(SOURCE.parents[2])
        modules = mypycify(
            [str(copy), "--ignore-missing-imports", "--follow-imports=silent"],
            target_dir=str(Path(scratch) / "c"),
        )
        distribution = Distribution({"name": name, "ext_modules": modules})
        command = distribution.get_command_obj("build_ext")
        built = Path(scratch) / "built"
        command.build_lib = str(built)
        command.build_temp = str(Path(scratch) / "objects")
        command.ensure_finalized()
        command.run()
        # moved in whole, the library first: a build cut short leaves nothing under the name
        # that says "built"
        for path in sorted(built.glob(name + "*"), key=lambda path: "__mypyc" not in path.name):
            os.replace(path, build_dir / path.name)
    for old in build_dir.glob(PREFIX + "*"):
        if not old.name.startswith(name):
            old.unlink()
    found = built_file(name, build_dir)
    if found is None:
        raise RuntimeError(f"mypyc wrote no module {name} into {build_dir}")
    return found


def main() -> int:
    """Build, and say what came of it in one line: 0 compiled (or up to date), 1 not."""
    try:
        path = build()
    except Exception as error:  # any failure leaves the source to run
        reason = " ".join(str(error).split()) or type(error).__name__
        print(f"entity extraction not compiled, it runs as Python: {reason}", file=sys.stderr)
        return 1
    print(f"entity extraction compiled: {path.relative_to(BUILD_DIR.parents[1])}")
    return 0
