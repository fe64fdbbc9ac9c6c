"""Tables for the reminder plugin (owned by that plugin's work)."""
