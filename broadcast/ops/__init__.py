"""Station operations: backup and restore, demo data."""
