"""Coaching's errors: a thing that is not the user's to see (404, said the same way whether it exists
or not) and a request that cannot be done (400, naming the field)."""

from __future__ import annotations

from progrun.errors import NotFound, RequestError, StorageError

__all__ = ["CoachingRequestError", "Unavailable"]

CoachingRequestError = RequestError


class Unavailable(NotFound):
    """Not found, or not yours: the web answers 404 either way."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        self.key = ""
        StorageError.__init__(self, message)
