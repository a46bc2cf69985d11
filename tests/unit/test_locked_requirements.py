"""The Python packages are locked: every one pinned with its hashes, and the tests run what production runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LOCKS = ["requirements.txt", "requirements-dev.txt", "requirements-bench.txt"]


def pins(name):
    """{package: (version, number of hashes)} from a pip-compile lock file."""
    text = (ROOT / name).read_text()
    found = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)((?:\s*\\\s*--hash=sha256:[0-9a-f]{64})*)", text, re.M):
        found[match[1].lower()] = (match[2], match[3].count("--hash="))
    return found


@pytest.mark.parametrize("name", LOCKS)
def test_every_package_in_a_lock_file_is_pinned_with_its_hashes(name):
    text = (ROOT / name).read_text()
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))]
    locked = pins(name)
    assert len(locked) == len(requirement_lines) > 0
    assert [package for package, (_, hashes) in locked.items() if hashes == 0] == []


def test_the_tests_and_the_bench_run_the_versions_production_runs():
    runtime, dev, bench = (pins(name) for name in LOCKS)
    assert {package: dev[package][0] for package in runtime} == {p: v for p, (v, _) in runtime.items()}
    shared = set(dev) & set(bench)
    assert {p: bench[p][0] for p in shared} == {p: dev[p][0] for p in shared}
    assert {"locust", "psutil"} <= set(bench) and not {"locust", "psutil"} & set(dev)
