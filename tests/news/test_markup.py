"""The article text format: a few marks become tags, nothing else is ever HTML."""

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from superteam.news.markup import ALLOWED_SCHEMES, ALLOWED_TAGS, plain_text, render


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def tags_of(html):
    parser = Tags()
    parser.feed(html)
    return parser.found


def test_marks_become_tags():
    html = render(
        "## Jemput bola\nPetugas **puskesmas** datang ke *rumah* lansia.\n\n"
        "- tensi\n- gula darah\n\n1. catat\n2. rujuk\n\n> Hari ini sudah dijalankan.\n\n"
        "[Portal](https://banyuwangikab.go.id/) dan [berita lain](/id/news/)"
    )
    assert "<h2>Jemput bola</h2>" in html
    assert "<strong>puskesmas</strong>" in html and "<em>rumah</em>" in html
    assert "<ul><li>tensi</li><li>gula darah</li></ul>" in html
    assert "<ol><li>catat</li><li>rujuk</li></ol>" in html
    assert "<blockquote><p>Hari ini sudah dijalankan.</p></blockquote>" in html
    assert '<a href="https://banyuwangikab.go.id/" rel="nofollow noopener">Portal</a>' in html
    assert '<a href="/id/news/">berita lain</a>' in html


def test_html_and_dangerous_links_stay_text():
    html = render(
        "<script>alert(1)</script><img src=x onerror=alert(1)> [klik](javascript:alert(1)) "
        '[x](//evil.example/) [y](data:text/html,hi) "quote" <b>'
    )
    assert tags_of(html) == [("p", {})]
    assert "&lt;script&gt;" in html and "javascript:alert(1)" in html  # shown, not run


def test_plain_text_drops_the_marks():
    assert (
        plain_text("## Judul\n**tebal** [tautan](https://x.id) _miring_")
        == "Judul\ntebal tautan miring"
    )


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"ab <>&\"'*_-#>[]()/:.=\n\t1", "javascript:", "https://", "**", "onerror", "]("]
        ),
        max_size=80,
    ).map("".join)
)
def test_any_text_renders_to_allowed_tags_only(source):
    html = render(source)
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED_TAGS, (source, html)
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}
            href = attrs["href"]
            scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
            assert (href.startswith("/") and not href.startswith("//")) or scheme in ALLOWED_SCHEMES
        else:
            assert attrs == {}, (source, html)
