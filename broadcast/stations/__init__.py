"""Who the station is: lookup, users and roles, settings."""
