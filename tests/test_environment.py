"""Install promises: environment.yml matches pyproject.toml, and the core install fits Colab as it is.

conda cannot be installed on the maintainers' machine, so the first test keeps environment.yml honest.
"""
import re
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser from PyPI (the `test` extra installs it there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CONDA_NAMES = {"torch": "pytorch"}  # pip name -> conda-forge name where they differ


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower(), spec.replace(" ", "")


def colab_preinstalled() -> dict[str, str]:
    lines = (ROOT / "tests" / "colab-preinstalled.txt").read_text().splitlines()
    pins = [line.split("==") for line in lines if line.strip() and not line.startswith("#")]
    return {canonicalize_name(name): version for name, version in pins}


def test_environment_yml_lists_the_same_packages_and_versions_as_pyproject():
    extras = PROJECT["optional-dependencies"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(entry for entry in environment["dependencies"] if str(entry).startswith("python="))
    pip_requirements = {}
    for requirement in PROJECT["dependencies"] + extras["lab"] + extras["test"]:
        marker = Requirement(requirement).marker
        if marker and not marker.evaluate({"python_version": python.split("=")[1]}):
            continue  # not for the environment's Python (e.g. tomli, which Python 3.11 has built in as tomllib)
        name, spec = _split(requirement)
        pip_requirements[name] = spec  # the `lab` extra's ipywidgets>=8 wins over the core's >=7.6
    conda, pip_section = {}, []
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip_section += entry["pip"]
        else:
            name, spec = _split(entry.replace("=", "==", 1) if re.match(r"^[\w\-]+=[^=]", entry) else entry)
            conda[name] = spec
    expected = {CONDA_NAMES.get(name, name): spec for name, spec in pip_requirements.items()}
    assert {k: v for k, v in conda.items() if k not in ("python", "pip")} == expected
    assert "conda-forge" in environment["channels"]
    assert pip_section == ["-e ."]


def test_core_requirements_accept_what_colab_preinstalls():
    colab = colab_preinstalled()
    core = [Requirement(r) for r in PROJECT["dependencies"]]
    checked = 0
    for requirement in core:
        name = canonicalize_name(requirement.name)
        if name in colab:
            checked += 1
            assert requirement.specifier.contains(colab[name], prereleases=True), (
                f"the core install would replace Colab's {name}=={colab[name]} ({requirement})")
    assert checked >= 6  # torch, pandas, ipywidgets, datasets, ... are all core requirements
    names = {canonicalize_name(r.name) for r in core}
    assert "jupyterlab" not in names, "JupyterLab belongs to the `lab` extra: Colab brings its own front end"

