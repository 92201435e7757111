"""Service functions: the app's behaviour, free of FastAPI; callers own the transaction."""

# The largest id a database row can have (SQLite and Postgres BIGINT): anything outside
# 1..MAX_ID names nothing, and must not reach a query (SQLite would raise OverflowError).
MAX_ID = 2**63 - 1


class NotFound(LookupError):
    """A record the request names does not exist (any more)."""


def valid_id(value: int) -> bool:
    return 1 <= value <= MAX_ID
