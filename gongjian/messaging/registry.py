"""Apps that own notices tell messaging what signing means for them. messaging sits below them and imports none;
each registers a callback in its AppConfig.ready(): callback(notice_key, person) → None."""

from collections.abc import Callable

_on_signed: dict[str, Callable] = {}


def on_signed(prefix: str, callback: Callable) -> None:
    """Call `callback` when a notice whose key starts with `prefix` is signed for through a message's link."""
    _on_signed[prefix] = callback


def signed(notice_key: str, person) -> None:
    for prefix, callback in _on_signed.items():
        if notice_key.startswith(prefix):
            callback(notice_key, person)
