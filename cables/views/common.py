"""Small helpers shared by the views."""


def iso(value):
    """A datetime as ISO 8601 in UTC with a Z (2006-04-27T02:23:00Z), a date as is; None stays."""
    return value.isoformat().replace("+00:00", "Z") if value else None
