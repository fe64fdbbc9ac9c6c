"""Tables for the suggestion plugin (owned by that plugin's work)."""
