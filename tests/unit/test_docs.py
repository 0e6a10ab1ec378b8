"""Docs stay in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

from firstmate.adapters.sources import ads_csv
from firstmate.config import Settings
from firstmate.domain.business import Asset, Entity, Org
from firstmate.domain.datafiles import KINDS
from firstmate.domain.people import Person

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"| `{name}` |" not in text]
    assert missing == []


def test_the_readme_opens_with_the_two_commands() -> None:
    opening = (ROOT / "README.md").read_text().split("##")[0]
    assert "make demo" in opening and "make test" in opening


def _setting_rows() -> dict[str, tuple[str, str]]:
    """configuration.md's settings tables: name -> (default as written, what)."""
    rows = {}
    for line in (ROOT / "docs" / "configuration.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`") and cells[0].strip("`") in Settings.model_fields:
            rows[cells[0].strip("`")] = (cells[1], " | ".join(cells[2:]))
    return rows


def _as_written(value: object) -> str:
    """A default as the docs write it: `300` for 300.0, `true`, `[24, 2]`, — for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    if isinstance(value, list):
        return "`[" + ", ".join(_as_written(item).strip("`") for item in value) + "]`"
    return f"`{value}`"


def test_every_setting_s_default_is_the_code_s() -> None:
    rows = _setting_rows()
    wrong = {
        name: (rows[name][0], _as_written(field.default))
        for name, field in Settings.model_fields.items()
        if rows[name][0] != _as_written(field.default)
    }
    assert wrong == {}


def test_every_setting_s_upper_limit_is_documented() -> None:
    rows = _setting_rows()
    missing = []
    for name, field in Settings.model_fields.items():
        for rule in field.metadata:
            most = getattr(rule, "le", None)
            if most is not None and f"{int(most)}" not in rows[name][1] and f"{int(most):,}" not in rows[name][1]:
                missing.append((name, most))
    assert missing == []


def test_the_ads_csv_columns_are_documented() -> None:
    columns = ",".join(ads_csv.COLUMNS)
    settings_row = _setting_rows()["ads_source"][1]
    assert columns in settings_row and f"`{ads_csv.CURRENCY}`" in settings_row
    intel = (ROOT / "docs" / "intel.md").read_text()
    assert columns in intel and f"`{ads_csv.CURRENCY}` column" in intel


def test_every_data_file_column_is_in_reports_md_table() -> None:
    lines = (ROOT / "docs" / "reports.md").read_text().splitlines()
    rows = {line.split("|")[1].strip().strip("`"): line for line in lines if line.startswith("| `")}
    unnamed = {
        spec.file: [name for name in spec.model.model_fields if not re.search(rf"\b{name}\b", rows.get(spec.file, ""))]
        for spec in KINDS
    }
    assert unnamed == {spec.file: [] for spec in KINDS}


def test_every_stack_output_is_in_deploy_aws_md() -> None:
    template = (ROOT / "deploy" / "aws" / "template.yaml").read_text()
    outputs = re.findall(r"^  (\w+):$", template.split("\nOutputs:\n")[1], re.M)
    guide = (ROOT / "docs" / "deploy-aws.md").read_text()
    assert outputs and [name for name in outputs if f"`{name}`" not in guide] == []


def test_every_org_file_key_is_in_configuration_md() -> None:
    lines = (ROOT / "docs" / "configuration.md").read_text().splitlines()
    rows = {line.split("|")[1].strip().strip("`"): line for line in lines if line.startswith("| `[")}
    tables = {"[org]": Org, "[[entities]]": Entity, "[[assets]]": Asset, "[[people]]": Person}
    unnamed = {
        table: [name for name in model.model_fields if not re.search(rf"\b{name}\b", rows.get(table, ""))]
        for table, model in tables.items()
    }
    assert unnamed == {table: [] for table in tables}
