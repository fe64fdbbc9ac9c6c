"""Tables for the report plugin (owned by that plugin's work)."""
