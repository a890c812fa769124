from tests.browser.conftest import browser, open_page  # noqa: F401 - Chromium for the 钉钉 in-app page
from tests.messaging.conftest import people, vendor  # noqa: F401 - the same people and vendor server
