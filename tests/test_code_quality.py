"""The rules the code keeps: layered imports, lint and types, checked in every run."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_import_layers_hold() -> None:
    """GUIDE.md section 2: ui -> services -> domain; db only under services; no Qt headless."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert f"{len(contracts)} kept, 0 broken" in result.stdout


@pytest.mark.parametrize("tool", [("ruff", "check", "."), ("ruff", "format", "--check", ".")])
def test_ruff_is_clean(tool: tuple[str, ...]) -> None:
    result = _run(*tool)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


# Issue "every change is one recorded operation": no UI, command-line or service module
# over about 400 lines, so that none grows back into a catch-all.
MODULE_LINES = 410


@pytest.mark.parametrize("package", ["app/ui", "app/cli", "app/services"])
def test_no_module_grows_into_a_catch_all(package: str) -> None:
    sizes = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / package).rglob("*.py")}
    over = {str(path.relative_to(ROOT)): lines for path, lines in sizes.items() if lines > MODULE_LINES}
    assert not over, f"over {MODULE_LINES} lines: {over}"
