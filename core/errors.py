"""One small hierarchy of domain errors; the matcher layer turns them into Chinese replies."""


class DomainError(Exception):
    """A rule refused the request; str(error) is the Chinese reply, with an example when useful."""

    def __init__(self, message: str, example: str | None = None) -> None:
        self.message = message
        self.example = example
        super().__init__(self.reply)

    @property
    def reply(self) -> str:
        """The full text shown to the user."""
        if self.example:
            return f"{self.message}\n例如：{self.example}"
        return self.message


class InvalidInput(DomainError):
    """The words could not be understood."""


class NotFound(DomainError):
    """A referenced record (member, session, need, …) does not exist in this branch."""


class Conflict(DomainError):
    """The request clashes with the current state (already done, closed, full, …)."""


class PermissionDenied(DomainError):
    """The caller's role is too low for this command."""


class NotRegistered(DomainError):
    """The sender has not linked their chat account to a member (报到) yet."""
