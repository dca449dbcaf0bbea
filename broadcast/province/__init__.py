"""Many stations: setup, bulletins, overview, central and commune edge."""
