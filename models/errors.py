"""Errors a user can cause: each carries a Vietnamese message that says what to do."""


class UserError(Exception):
    """A problem the user can fix; ``str(err)`` is the Vietnamese message shown as is."""

    def __init__(self, message, *, field=None, details=None):
        super().__init__(message)
        self.message = message
        self.field = field          # name of the offending field, for dialogs
        self.details = details or []  # extra lines (e.g. one per bad row)

    def __str__(self):
        return self.message


class ValidationError(UserError):
    """Input that breaks a rule; ``field`` names the input that is wrong."""


class PermissionDenied(UserError):
    """The acting user's role does not allow the action."""


class NotFound(UserError):
    """An id or name that does not exist."""


class ConflictError(UserError):
    """The action clashes with existing data (duplicate, referenced by history, immutable)."""


class DatabaseError(UserError):
    """The database file cannot be used (damaged, foreign, newer, locked, read-only)."""


class DamagedDatabase(DatabaseError):
    """The file is ours but damaged or tampered with: restoring a backup is the remedy
    (unlike a locked, read-only, newer or foreign file)."""


class Cancelled(UserError):
    """The user cancelled a long operation; the transaction is rolled back."""

    def __init__(self, message="Đã hủy; không có gì thay đổi."):
        super().__init__(message)
