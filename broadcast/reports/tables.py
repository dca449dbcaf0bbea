"""The report's tables as CSV and the whole report as JSON."""

from __future__ import annotations

import csv
import io
import json

from broadcast.reports.compute import CampaignReport, judged_on_reach, to_dict

# Each CSV table, by name: the columns are the JSON keys of that list.
CSV_TABLES = ("days", "scripts", "zones", "problems")
CSV_HEADERS = {
    "days": ["date", "target_seconds", "aired_seconds", "broadcasts", "items", "missed", "late", "interrupted", "met"],
    "scripts": ["id", "title", "plays", "interrupted", "aired_seconds", "first_aired", "last_aired", "voices", "target_plays"],
    "zones": ["code", "name", "broadcasts", "items", "aired_seconds"],
    "problems": ["broadcast_id", "date", "planned_start", "outcome", "aired_seconds", "reason", "zones"],
}
# Columns a table gains when receivers judged the report (the JSON has these keys only then).
REACH_HEADERS = {"days": ["reached_seconds"], "zones": ["reached_seconds", "unreached_broadcasts"]}


def csv_header(report: CampaignReport, table: str) -> list[str]:
    """The columns of one CSV table of this report: with the reach columns when receivers judged it."""
    return CSV_HEADERS[table] + (REACH_HEADERS.get(table, []) if judged_on_reach(report) else [])


def render_json(report: CampaignReport) -> str:
    """The JSON contract of the report."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=1) + "\n"


def render_csv(report: CampaignReport, table: str = "days") -> str:
    """One table of the report as CSV (the per-day table by default)."""
    if table not in CSV_TABLES:
        from broadcast.errors import InvalidInput

        raise InvalidInput(f"Không có bảng {table!r}: chọn một trong {', '.join(CSV_TABLES)}.", field="table")
    rows = to_dict(report)[table]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=csv_header(report, table), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return buffer.getvalue()
