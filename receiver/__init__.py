"""The receiver in a thôn: plays its zone's stream to the sound card and reports to the station (no database)."""
