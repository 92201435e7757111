"""Service functions: the app's behaviour, free of FastAPI; callers own the transaction."""


class NotFound(LookupError):
    """A record the request names does not exist (any more)."""
