"""Render issue and comment Markdown to sanitized HTML, once, when it is stored."""

from __future__ import annotations

import markdown

from collab.markdown import sanitize_html

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    """Return `text` as Markdown rendered to HTML with everything unsafe removed."""
    # Raw HTML in the source is escaped by nh3 below; Markdown only adds structure.
    html = markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    return sanitize_html(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)
