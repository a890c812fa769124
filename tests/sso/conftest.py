from tests.messaging.conftest import people, vendor  # noqa: F401 - the same people and vendor server
