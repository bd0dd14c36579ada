"""Text typed by the public, kept as plain text: markup is dropped, never stored as markup.

A public write (异议, 信用修复) may carry anything; what is kept is the text an HTML parser finds
between the tags (script/style content dropped, entities decoded), with whitespace runs folded.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_SPACES = re.compile(r"[ \t\r\f\v]+")
_SKIPPED = {"script", "style"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def plain_text(value: str) -> str:
    """The text of `value` without markup (tags, comments, script/style content), trimmed."""
    if "<" in value or "&" in value:
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
        value = value.replace("<", "＜").replace(">", "＞")   # what entities decoded to stays text
    value = _CONTROL.sub("", value)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in value.strip().splitlines()).strip()
