"""The entity extraction compiled by mypyc (cables/entities/native.py) finds what its source
finds, and only a build of the source on disk is ever used."""

import importlib.machinery
import importlib.util
import logging
import os
import subprocess
import sys

import pytest

import cables.entities.extract
from cables.entities import native
from cables.importing.readers import read_documents
from cables.parsing import NotACable, parse_cable
from tests.conftest import CORPUS_ARCHIVE, PROJECT_DIR

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # ".cpython-311-x86_64-linux-gnu.so"
# CI builds it in bin/setup: there, a missing build is a failure, not a skip.
REQUIRED = bool(os.environ.get("REQUIRE_COMPILED_EXTRACTION"))


def compiled_module():
    module = native.compiled()
    if module is None:
        if REQUIRED:
            pytest.fail("the entity extraction is not compiled: see var/native/build.log")
        pytest.skip("the entity extraction is not compiled here (bin/setup compiles it)")
    return module


def source_module():
    """extract.py run as Python, under a name of its own."""
    spec = importlib.util.spec_from_file_location("extract_as_python", native.SOURCE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up as they are made
    spec.loader.exec_module(module)
    return module


def test_the_archive_runs_the_compiled_extraction_when_it_is_built():
    module = compiled_module()
    assert cables.entities.extract is module
    assert module.__file__.startswith(str(native.BUILD_DIR))
    assert module.__name__ == native.module_name()


def test_the_compiled_extraction_finds_what_its_source_finds_in_every_real_cable():
    compiled, source = compiled_module(), source_module()
    cables_read = mentions = 0
    for document in read_documents([CORPUS_ARCHIVE]):
        try:
            cable = parse_cable(document.text, source=document.source)
        except NotACable:
            continue
        paragraphs = [paragraph.text for paragraph in cable.paragraphs]
        tags = list(dict.fromkeys(cable.tags))
        people = [name for name in [cable.signer, *cable.classified_by] if name]
        expected = source.extract_entities(paragraphs, tags=tags, people=people)
        found = compiled.extract_entities(paragraphs, tags=tags, people=people)
        assert found == expected, document.source
        cables_read += 1
        mentions += len(found)
    assert cables_read == 1000
    assert mentions > 50_000


def test_a_build_of_another_source_is_never_used(tmp_path):
    edited = tmp_path / "extract.py"
    edited.write_bytes(native.SOURCE.read_bytes() + b"\n# edited\n")
    assert native.module_name(edited) != native.module_name()
    # the build of the source as it was lies there; the edited source has none
    old = tmp_path / "build" / (native.module_name() + SUFFIX)
    old.parent.mkdir()
    old.write_bytes(b"not what the edited source compiles to")
    assert native.build_needed(old.parent, source=edited)
    assert native.compiled(old.parent, source=edited) is None


def test_a_build_that_cannot_load_leaves_the_source_to_run(tmp_path, caplog):
    edited = tmp_path / "extract.py"
    edited.write_bytes(native.SOURCE.read_bytes() + b"\n# edited\n")
    broken = tmp_path / (native.module_name(edited) + SUFFIX)
    broken.write_bytes(b"\x7fELF cut short")
    with caplog.at_level(logging.WARNING, logger="cables.entities.native"):
        assert native.compiled(tmp_path, source=edited) is None
    assert "did not load, Python runs it" in caplog.text
    assert native.module_name(edited) not in sys.modules


@pytest.mark.parametrize("switch", ["python", "Python "])
def test_entity_extraction_python_runs_the_source(switch):
    env = {**os.environ, "ENTITY_EXTRACTION": switch}
    code = "import cables.entities.extract as x; print(x.__file__)"
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == str(native.SOURCE)
