"""domain.suggestion (being moved here from plugins/)."""
