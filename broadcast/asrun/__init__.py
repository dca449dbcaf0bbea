"""The as-run log: its hash chain and queries."""
