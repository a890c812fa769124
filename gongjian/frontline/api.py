"""API views; `register` adds them to the /api/v1/ router."""


def register(router) -> None:
    """Nothing registered yet."""
