"""domain.report (being moved here from plugins/)."""
