"""domain.points (being moved here from plugins/)."""
