"""Errors that carry the place they refer to, so the CLI can print one clear line."""

from __future__ import annotations


class HezeIpKgError(Exception):
    """Base class for errors a user can fix: bad input, bad data, bad usage (exit code 2)."""


class InputError(HezeIpKgError):
    """A problem at a known place in an input file: ``file:line:column: message``."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.location() + message)

    def location(self) -> str:
        """``file:line:column: `` with the parts that are known."""
        parts = [str(p) for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(parts) + ": " if parts else ""

    def at_file(self, file: str) -> InputError:
        """The same error, naming ``file``."""
        return InputError(self.message, file=file, line=self.line, column=self.column)


class OutputError(HezeIpKgError):
    """An output the system refused to write — disk full, read-only, no permission — named by
    the path the user gave and the system's reason (exit code 3)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}")


__all__ = ["HezeIpKgError", "InputError", "OutputError"]
