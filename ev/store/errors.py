"""The one error every store operation raises: its message is the whole line a user sees."""


class StoreError(Exception):
    """A store that cannot be created, opened, read or written (the message says which and why)."""
