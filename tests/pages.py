"""What a person sees on a page: its links and its visible text, and the internal codes that must never show."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

from django.apps import apps

HIDDEN = {"script", "style", "template", "noscript", "title", "head"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nav_links: list[str] = []
        self.body_links: list[str] = []
        self.text: list[str] = []
        self._nav = 0
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._nav += 1
        if tag in HIDDEN:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            (self.nav_links if self._nav else self.body_links).append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav -= 1
        if tag in HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def visible_text(html: str) -> str:
    return " ".join(parse(html).text)


def internal_links(base: str, hrefs: list[str]) -> list[str]:
    """Same-site page links, without fragments, in order, once each; logging out is not a page."""
    out = []
    for href in hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if url.startswith("/") and not url.startswith("//") and "logout" not in url and url not in out:
            out.append(url)
    return out


def internal_codes() -> set[str]:
    """Every code a person should never read: choice values, rule and audit event codes, model labels."""
    from gongjian.audit.models import AuditEvent
    from gongjian.supervision.rules import default_rules
    from gongjian.templatetags.gongjian_tags import EVENT_LABELS

    codes: set[str] = set(default_rules()) | set(EVENT_LABELS)
    codes |= set(AuditEvent.objects.values_list("event", flat=True).distinct())
    for model in apps.get_models():
        codes.add(model._meta.label_lower)
        for field in model._meta.get_fields():
            for value, _ in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_.]{2,}", value):
                    codes.add(value)
    return codes


# A word of Latin letters, not inside a web address shown to administrators ("/open311/v2/").
TOKEN = re.compile(r"(?<![/A-Za-z0-9_.])[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_]|\{'")


def codes_in(text: str, codes: set[str]) -> list[str]:
    """The codes the text shows, plus any printed Python dict."""
    return [token for token in TOKEN.findall(text) if token in codes or token == "{'"]
