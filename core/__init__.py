"""Domain helpers shared by every service: errors, roles, time and text parsing. No nonebot here."""
