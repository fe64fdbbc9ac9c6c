"""domain.volunteer (being moved here from plugins/)."""
