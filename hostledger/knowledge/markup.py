"""Article bodies as HTML: Markdown without raw HTML, as the policy documents are rendered.

Raw HTML written into a body is shown as text, never run; links with ``javascript:``,
``vbscript:``, ``file:`` or ``data:`` addresses are not made links (markdown-it's link
check); images are not rendered, so a body cannot make a reader's browser fetch from
elsewhere. A body without Markdown reads as plain paragraphs.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render_article_body(text: str) -> SafeString:
    """An article body's Markdown as safe HTML (see the module)."""
    return mark_safe(_MARKDOWN.render(text or ""))  # noqa: S308 - markdown-it escapes raw HTML
