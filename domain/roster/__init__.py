"""domain.roster (being moved here from plugins/)."""
