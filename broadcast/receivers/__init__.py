"""Receivers in the thôn: their tokens and reports, their status per zone, outages, and what reached each zone."""
