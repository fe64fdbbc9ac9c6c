"""domain.meetings (being moved here from plugins/)."""
