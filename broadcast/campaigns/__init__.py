"""Campaigns: create, edit, pool, windows, approve, copy, extra slots."""
