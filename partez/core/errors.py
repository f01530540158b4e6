"""Domain errors: raised by services, shown as French messages in forms and 4xx JSON in the API."""


class DomainError(Exception):
    """A rule of the domain refused the operation. ``errors`` maps a field name (or ``"__all__"``)
    to a French message, so forms can attach it to the right input and the API can name the field."""

    def __init__(self, message: str | dict[str, str], field: str = "__all__"):
        self.errors: dict[str, str] = message if isinstance(message, dict) else {field: message}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    @property
    def message(self) -> str:
        return " ".join(self.errors.values())


class NotAllowed(DomainError):
    """The actor's role does not allow this operation (answered 403 inside one's organisation)."""
