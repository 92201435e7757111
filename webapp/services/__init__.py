"""Service functions: the app's behaviour, free of FastAPI; callers own the transaction."""

# The largest id a database row can have: the ids are INTEGER columns, 32 bits on Postgres
# (SQLite's are wider, but no row here gets near). Anything outside 1..MAX_ID names nothing
# and must not reach a query: Postgres refuses it ("integer out of range", a 500 before this
# bound; Schemathesis found it), SQLite raises OverflowError past 64 bits.
MAX_ID = 2**31 - 1


class NotFound(LookupError):
    """A record the request names does not exist (any more)."""


def valid_id(value: int) -> bool:
    return 1 <= value <= MAX_ID
