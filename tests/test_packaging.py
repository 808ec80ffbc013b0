"""The distribution installs one import package, ``sequrity_contract``, and nothing else at top level.

The repository keeps ``schemas/``, ``strategies/``, ``mockserver/`` and ``contract_tests/`` at its
root, and ``setup.py`` maps them into ``sequrity_contract``. These tests show what that buys a user:

- the wheel holds ``sequrity_contract/`` (with its JSON schema documents, ``py.typed`` and every
  module of the four layers) and its ``.dist-info`` only, with entry points into ``sequrity_contract``;
- a downstream project that has top-level packages named ``schemas``, ``strategies``, ``mockserver``
  and ``contract_tests`` of its own imports its own, while the ``sequrity`` pytest plugin (loaded by
  its entry point) serves it the ``sequrity_mock`` fixture;
- outside the repository, the installed package (editable, as in CI) makes none of those four names
  importable.

Each test runs real tools in subprocesses (pip, pytest, python); nothing is mocked.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "sequrity_contract"
LAYERS = ("schemas", "strategies", "mockserver", "contract_tests")
SUBPROCESS_TIMEOUT = 300

# Left out of the copy the wheel is built from: the work tree's VCS data, caches and build output.
NOT_SOURCE = (".git", ".venv", "venv", "__pycache__", "build", "dist", "*.egg-info", ".hypothesis",
              ".pytest_cache", ".ruff_cache", ".schemathesis")


# -- helpers -----------------------------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """This process's environment without ``PYTHONPATH`` and without the outer pytest's variables
    (``PYTEST_ADDOPTS``, ``PYTEST_PLUGINS``, ``PYTEST_DISABLE_PLUGIN_AUTOLOAD``, xdist's worker ids ...)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH") and
            not k.startswith("PYTEST_")}


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``cwd`` with :func:`clean_env`, capturing its output."""
    return subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True,
                          timeout=SUBPROCESS_TIMEOUT, check=False)


def output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def build_backend_installed(project: Path) -> bool:
    """Whether this interpreter has every ``[build-system] requires`` of ``project`` (then pip can
    build without an isolated environment, i.e. without the package index)."""
    requires = tomllib.loads((project / "pyproject.toml").read_text())["build-system"]["requires"]
    for text in requires:
        requirement = Requirement(text)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


def build_wheel(project: Path, work: Path) -> Path:
    """Build a wheel of ``project`` with pip and return its path.

    It is built from a copy in ``work`` (building in place would leave ``build/`` and ``*.egg-info``
    in the work tree). Where the declared build backend is installed here (``setuptools>=68`` and
    ``wheel``) the build needs no network; otherwise pip fetches the backend into an isolated build
    environment from the configured index, as ``pip install`` does.
    """
    source = work / "source"
    shutil.copytree(project, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    dist = work / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-w", str(dist)]
    if build_backend_installed(source):
        command.append("--no-build-isolation")
    result = run([*command, str(source)], cwd=work)
    assert result.returncode == 0, output(result)
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def source_modules() -> set[str]:
    """The wheel paths the package's ``.py`` files must have: ``sequrity_contract/*.py`` and, for
    each layer folder ``L`` of the repository, ``sequrity_contract/L/...``."""
    folders = {PACKAGE: ROOT / PACKAGE, **{f"{PACKAGE}/{layer}": ROOT / layer for layer in LAYERS}}
    return {f"{prefix}/{path.relative_to(folder).as_posix()}"
            for prefix, folder in folders.items()
            for path in folder.rglob("*.py") if "__pycache__" not in path.parts}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


# -- the wheel ---------------------------------------------------------------------------------


def test_a_wheel_holds_only_the_sequrity_contract_package(tmp_path: Path) -> None:
    wheel = build_wheel(ROOT, tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (dist_info,) = {name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info")}
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read(f"{dist_info}/entry_points.txt").decode())

    top_level = {name.split("/")[0] for name in names}
    assert top_level == {PACKAGE, dist_info}, f"unexpected top-level entries: {sorted(top_level - {dist_info})}"

    documents = {f"{PACKAGE}/schemas/documents/{path.name}" for path in (ROOT / "schemas" / "documents").glob("*.json")}
    assert documents, "no JSON schema documents in the repository's schemas/documents"
    assert not documents - names, f"JSON schema documents missing from the wheel: {sorted(documents - names)}"
    assert f"{PACKAGE}/py.typed" in names

    modules = source_modules()
    assert f"{PACKAGE}/contract_tests/plugin.py" in modules  # the layout this test reads is still the repository's
    assert not modules - names, f"modules missing from the wheel: {sorted(modules - names)}"

    assert entry_points["pytest11"]["sequrity"] == f"{PACKAGE}.contract_tests.plugin"
    assert entry_points["console_scripts"]["sequrity-mock"] == f"{PACKAGE}.cli:main"


# -- a downstream project ----------------------------------------------------------------------

# Its four packages define OWNER, a name none of ours has: if any module of sequrity_contract
# imported the top-level name ``schemas`` (say) instead of its own subpackage, it would get this one
# and fail on the first name it takes from it.
_OWN_PACKAGE = '"""The downstream project\'s own {name}, not sequrity_contract\'s."""\nOWNER = "downstream"\n'

DOWNSTREAM: dict[str, str] = {
    "pytest.ini": """
        [pytest]
        testpaths = tests
        """,
    "conftest.py": '''
        """Puts the project root on sys.path (pytest's rootdir conftest); registers no plugin:
        the sequrity fixtures come from the installed package's pytest11 entry point."""
        ''',
    **{f"{name}/__init__.py": _OWN_PACKAGE.format(name=name) for name in LAYERS},
    "tests/test_downstream.py": '''
        import importlib
        import json
        import sys
        import urllib.request
        from pathlib import Path

        import contract_tests
        import mockserver
        import schemas
        import strategies

        PROJECT = Path(__file__).resolve().parents[1]
        OWN = ("schemas", "strategies", "mockserver", "contract_tests")


        def test_the_mock_answers_a_message(sequrity_mock):
            body = {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
            request = urllib.request.Request(
                sequrity_mock.messages_url(), data=json.dumps(body).encode(), method="POST",
                headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
                answer = json.load(response)
            assert answer["type"] == "message", answer
            assert len(sequrity_mock.requests) == 1


        def test_our_packages_are_ours():
            for module in (schemas, strategies, mockserver, contract_tests):
                assert module.OWNER == "downstream", module
                assert Path(module.__file__).resolve().parent.parent == PROJECT, module.__file__
            # every module loaded under our four names, after the plugin and the mock server ran, is ours
            for name, module in list(sys.modules.items()):
                if name.split(".")[0] in OWN:
                    assert PROJECT in Path(module.__file__).resolve().parents, (name, module.__file__)
            theirs = importlib.import_module("sequrity_contract.schemas")
            assert theirs is not schemas and theirs.__name__ == "sequrity_contract.schemas"
            assert not hasattr(theirs, "OWNER")
            assert PROJECT not in Path(theirs.__file__).resolve().parents
        ''',
}


def test_a_downstream_project_with_packages_named_like_ours_runs_its_tests(tmp_path: Path) -> None:
    project = tmp_path / "downstream"
    write_tree(project, DOWNSTREAM)
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                  "-o", "addopts="], cwd=project)
    assert result.returncode == 0, output(result)
    assert re.search(r"\b2 passed\b", result.stdout), output(result)


# -- the installed package ---------------------------------------------------------------------

_FIND_SPECS = """
import importlib.util, json, sys
names = sys.argv[1:]
print(json.dumps({name: getattr(importlib.util.find_spec(name), "origin", None) for name in names}))
"""


def test_nothing_but_sequrity_contract_is_importable_at_top_level(tmp_path: Path) -> None:
    names = [*LAYERS, PACKAGE]
    result = run([sys.executable, "-c", _FIND_SPECS, *names], cwd=tmp_path)
    assert result.returncode == 0, output(result)
    found: dict[str, str | None] = json.loads(result.stdout)
    assert {name: found[name] for name in LAYERS} == dict.fromkeys(LAYERS), "top-level names leak from the install"
    assert found[PACKAGE] is not None, "sequrity_contract is not installed for this interpreter"


# -- a lean install ----------------------------------------------------------------------------

EXTRAS_ONLY = ("pytest", "pydantic", "hypothesis-jsonschema")
"""What a plain ``pip install`` must not pull: each may appear only under an extra."""


def test_a_plain_install_requires_none_of_pytest_pydantic_or_hypothesis_jsonschema(tmp_path: Path) -> None:
    wheel = build_wheel(ROOT, tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = filter(lambda name: name.endswith(".dist-info/METADATA"), archive.namelist())
        requires = [line.split(":", 1)[1].strip() for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
    core = [Requirement(text) for text in requires if Requirement(text).marker is None]
    assert core, requires
    assert not [r for r in core if r.name.lower() in EXTRAS_ONLY], core
    extras = {Requirement(text).name.lower() for text in requires if Requirement(text).marker is not None}
    assert set(EXTRAS_ONLY) <= extras, extras


def test_every_extra_an_install_hint_names_is_declared() -> None:
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    named = {m.group(1) for folder in (ROOT / PACKAGE, *(ROOT / layer for layer in LAYERS))
             for path in folder.rglob("*.py")
             for m in re.finditer(r"sequrity-contract\[([a-z-]+)\]", path.read_text("utf-8"))}
    assert named, "no install hint found"
    assert named <= declared, f"hints name undeclared extras: {sorted(named - declared)}"


def test_sequrity_mock_version_prints_the_package_version(tmp_path: Path) -> None:
    from sequrity_contract import __version__

    result = run([sys.executable, "-m", PACKAGE, "--version"], cwd=tmp_path)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == f"sequrity-mock {__version__}", output(result)
