"""Message bodies: Markdown rendered once when stored or edited, sanitized with nh3."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.inlinepatterns import InlineProcessor

from collab.markdown import sanitize_html

# Usernames as Django allows them (letters, digits and @.+-_), not ending in a dot.
MENTION_RE = r"(?<![\w@/])@([\w.+-]*[\w+-])"

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "s", "code", "pre", "a", "ul", "ol", "li",
    "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "code": {"class"}}


class MentionProcessor(InlineProcessor):
    """Turn `@username` into a link to the person."""

    def handleMatch(self, m, data):
        link = etree.Element("a")
        link.set("href", f"/people/?q={m.group(1)}")
        link.set("class", "mention")
        link.text = f"@{m.group(1)}"
        return link, m.start(0), m.end(0)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["fenced_code", "sane_lists", "nl2br"])
    # Raw HTML typed in a message is shown as text, not interpreted.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.register(MentionProcessor(MENTION_RE, md), "mention", 185)
    return md


def render_markdown(body: str) -> str:
    """Return the sanitized HTML of a Markdown message body."""
    html = _markdown().convert(body)
    return sanitize_html(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def mentioned_usernames(body: str) -> set[str]:
    """Return the usernames mentioned in a body (outside code)."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", body, flags=re.DOTALL)
    return {name.lower() for name in re.findall(MENTION_RE, without_code)}
