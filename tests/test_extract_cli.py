"""newskb extract: JSONL in and out, a readable summary, one-line errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, ["extract", *args])


def test_input_output_writes_one_prediction_per_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "title": "Cisco buys Splunk", "text": "Cisco agreed to acquire Splunk for $28 billion."})
        + "\n" + json.dumps({"id": "b", "text": ""}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run("--input", str(src), "--output", str(out), "--batch-size", "1")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert "Cisco" in rows[0]["companies"]
    rel = next(r for r in rows[0]["relations"] if r["type"] == "acquisition")
    assert (rel["source"], rel["target"]) == ("Cisco", "Splunk")
    assert {"evidence", "confidence", "attributes", "start", "end"} <= set(rel)
    assert rows[1]["companies"] == [] and rows[1]["relations"] == []


def test_text_prints_a_summary_with_evidence():
    result = run("--text", "Microsoft has invested $13 billion in OpenAI.")
    assert result.exit_code == 0, result.output
    assert "investment: Microsoft → OpenAI" in result.output
    assert "invested $13 billion" in result.output


def test_summary_marks_a_party_that_is_an_organisation():
    result = run("--text", "KP Technology has partnered with Harvard University.")
    assert result.exit_code == 0, result.output
    assert "partnership: KP Technology – Harvard University (organisation)" in result.output


def test_file_with_json_flag_prints_the_prediction(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Walmart competes with Amazon in online grocery.", encoding="utf-8")
    result = run("--file", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["relations"][0]["type"] == "competitor"


def test_no_mode_is_a_usage_error():
    result = run()
    assert result.exit_code == 2
    assert "exactly one of" in result.output


def test_input_without_output_is_a_usage_error(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("", encoding="utf-8")
    assert run("--input", str(src)).exit_code == 2


def test_bad_json_line_is_a_one_line_error_naming_the_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "ok"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    result = run("--input", str(src), "--output", str(out))
    assert result.exit_code == 1
    assert f"{src}:2" in result.output and "not JSON" in result.output
    assert out.read_text(encoding="utf-8") == "previous results\n"  # nothing lost


def test_non_utf8_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Soci\xe9t\xe9 G\xe9n\xe9rale".encode("latin-1"))
    result = run("--file", str(path))
    assert result.exit_code == 1
    assert "not UTF-8" in result.output
