"""Domain errors: plain named exceptions, raised by the core on purpose. They carry a
message for people and no HTTP status: the web edge maps each class to one
(assistant/web/errors.py); the actions answer with a fallback."""


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The request was understood but its values are not acceptable."""


class NotAllowed(DomainError):
    """The person asking may not see or change this."""


class NotFound(DomainError):
    """No such pupil, session, encounter or entry (or not one the asker may see)."""


class SessionClosed(DomainError):
    """The conversation session has ended; nothing more can be added to it."""


class LoginFailed(DomainError):
    """Wrong email or password, or the account is locked for a while."""
