"""domain.reminder (being moved here from plugins/)."""
