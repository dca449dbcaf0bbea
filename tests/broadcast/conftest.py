"""The report tests' shared fixtures: a campaign month of log rows (tests/broadcast/report_data.py)."""

from tests.broadcast.report_data import month, month_dir  # noqa: F401 - fixtures, found by pytest in this namespace
