"""Domain errors. The web edge turns each into one clear response; actions into a fallback."""


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The request was understood but its values are not acceptable."""

    status = 400


class NotAllowed(DomainError):
    """The person asking may not see or change this."""

    status = 403


class NotFound(DomainError):
    """No such pupil, session, encounter or entry (or not one the asker may see)."""

    status = 404


class SessionClosed(DomainError):
    """The conversation session has ended; nothing more can be added to it."""

    status = 409


class LoginFailed(DomainError):
    """Wrong email or password, or the account is locked for a while."""

    status = 401
