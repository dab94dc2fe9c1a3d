"""The article text format: a small Markdown-like syntax rendered to allow-listed HTML.

Editors write plain text; everything they type is escaped first, then a few marks become
tags. Raw HTML is never passed through, so a body can hold no script, style or event
handler. The syntax (shown to editors beside the text box):

    ## Heading            ### Smaller heading
    **bold**  *italic*    [link text](https://example.org)
    - bullet list         1. numbered list
    > quotation           a blank line starts a new paragraph
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "blockquote"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\(([^()\s]{1,500})\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# Italic never spans a tag made by an earlier mark, so tags always nest properly.
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s<>])([^*\n<>]+?)(?<=[^\s<>])\*(?![\w*])")
_ITALIC_US = re.compile(r"(?<![\w_])_(?=[^\s<>])([^_\n<>]+?)(?<=[^\s<>])_(?![\w_])")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")


def _safe_href(escaped_url: str) -> str | None:
    """The link target if it is a web or mail address or a path on this site, else None."""
    url = html.unescape(escaped_url).strip()
    if url.startswith("/") and not url.startswith("//"):
        return html.escape(url, quote=True)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return None
    if parts.scheme.lower() in {"http", "https"} and not parts.netloc:
        return None
    return html.escape(url, quote=True)


def _inline(text: str) -> str:
    """Escape one line of text, then turn links, bold and italic marks into tags."""
    text = html.escape(text, quote=True)
    links: list[str] = []

    def link(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        href = _safe_href(target)
        if href is None:
            return match.group(0)
        external = not href.startswith("/")
        rel = ' rel="nofollow noopener"' if external else ""
        links.append(f'<a href="{href}"{rel}>{label}</a>')
        return f"\x00{len(links) - 1}\x00"

    # Links are set aside first so that marks inside an address are never touched.
    text = _LINK.sub(link, text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    text = _ITALIC_US.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], text)


def _blocks(source: str) -> list[list[str]]:
    lines = source.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.lstrip().startswith("#"):
            # A heading is a block of its own, even without blank lines around it.
            if current:
                blocks.append(current)
            blocks.append([line.rstrip()])
            current = []
        elif line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _list(lines: list[str], tag: str, marker: re.Pattern) -> str:
    items: list[str] = []
    for line in lines:
        if marker.match(line):
            items.append(marker.sub("", line, count=1))
        elif items:
            items[-1] += " " + line.strip()
        else:
            items.append(line.strip())
    inner = "".join(f"<li>{_inline(item)}</li>" for item in items)
    return f"<{tag}>{inner}</{tag}>"


def render(source: str) -> str:
    """The text as safe HTML (allow-listed tags only)."""
    out: list[str] = []
    for block in _blocks(source or ""):
        first = block[0].lstrip()
        if first.startswith("#"):
            level = len(first) - len(first.lstrip("#"))
            text = first.lstrip("#").strip()
            if text:
                tag = "h3" if level >= 3 else "h2"
                out.append(f"<{tag}>{_inline(text)}</{tag}>")
                continue
        if _BULLET.match(block[0]):
            out.append(_list(block, "ul", _BULLET))
            continue
        if _NUMBER.match(block[0]):
            out.append(_list(block, "ol", _NUMBER))
            continue
        if all(line.lstrip().startswith(">") for line in block):
            inner = "<br>".join(_inline(line.lstrip()[1:].strip()) for line in block)
            out.append(f"<blockquote><p>{inner}</p></blockquote>")
            continue
        out.append("<p>" + "<br>".join(_inline(line.strip()) for line in block) + "</p>")
    return "\n".join(out)


def plain_text(source: str) -> str:
    """The text without marks (for search snippets and email text parts)."""
    text = _LINK.sub(r"\1", source or "")
    text = re.sub(r"\*\*|(?<!\w)[*_]|[*_](?!\w)|^\s*#+\s*|^\s*>\s?", "", text, flags=re.M)
    return text.strip()
