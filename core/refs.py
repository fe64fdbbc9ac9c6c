"""References to people as commands name them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonRef:
    """Someone named in a command: an @mention (user_id) or a registered name."""

    user_id: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        return self.name or f"@{self.user_id}"
