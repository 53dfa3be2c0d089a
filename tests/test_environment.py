"""conda cannot be installed on the maintainers' machine, so this test keeps environment.yml honest."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"torch": "pytorch"}  # pip name -> conda-forge name where they differ


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower(), spec.replace(" ", "")


def test_environment_yml_lists_the_same_packages_and_versions_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_requirements = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
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
