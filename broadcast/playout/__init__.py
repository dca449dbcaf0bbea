"""What goes on air: claim and log rules, emergency, on-air status."""
