"""domain.partyday (being moved here from plugins/)."""
