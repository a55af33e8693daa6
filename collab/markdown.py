"""Sanitizing rendered Markdown: one policy for every place that shows user text as HTML."""

from __future__ import annotations

import nh3

LINK_REL = "noopener noreferrer nofollow"
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(html: str, *, tags: set[str], attributes: dict[str, set[str]]) -> str:
    """Return `html` with only `tags` and `attributes`, safe links and our `rel` on them."""
    return nh3.clean(
        html, tags=tags, attributes=attributes, url_schemes=set(URL_SCHEMES), link_rel=LINK_REL
    )
