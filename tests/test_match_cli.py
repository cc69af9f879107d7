"""`flask match solve`: the interchange format in and out, and clear errors with exit code 2."""
import json
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "matching" / "example-instance.json"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the shared example instance is not beside the project")
@pytest.mark.parametrize("mode,kg,value", [("core", 115_403, "892,700.1483"), ("full", 115_403, "892,693.6762")])
def test_example_instance(runner, tmp_path, mode, kg, value):
    out = tmp_path / "out.json"
    result = runner.invoke(args=["match", "solve", "--instance", str(EXAMPLE), "--out", str(out), "--mode", mode])
    assert result.exit_code == 0, result.output
    assert f"{kg:,}" in result.output and value in result.output and "solve time" in result.output
    assert ("gap to core" in result.output) == (mode == "full")
    solution = json.loads(out.read_text())
    assert solution["instance"] == "small-s42"
    assert sum(a["kg"] for a in solution["allocations"]) == kg


@pytest.mark.parametrize("content,message", [
    ("not json", "is not JSON"),
    ('{"lots": [{"id": "L1", "product": "safflower_seed", "kg": -3, "grade": 1}]}', "field 'kg' is negative"),
    ('{"lots": [{"id": "L1", "product": "rice", "kg": 3, "grade": 1}]}', "field 'product' is unknown"),
])
def test_malformed_instances_exit_2(runner, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = runner.invoke(args=["match", "solve", "--instance", str(bad), "--out", str(tmp_path / "o.json")])
    assert result.exit_code == 2
    assert message in result.output


def test_empty_instance_gives_an_empty_allocation(runner, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text('{"meta": {"name": "empty"}, "lots": [], "orders": []}')
    out = tmp_path / "o.json"
    result = runner.invoke(args=["match", "solve", "--instance", str(empty), "--out", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text()) == {"instance": "empty", "allocations": []}
