"""Multipart bodies split by superteam/core/uploads.py give what
Django's own parser gives: the same fields, the same files, the same limits."""

from __future__ import annotations

import base64
import uuid
from unittest import mock

import pytest
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    SkipFile,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http.multipartparser import MultiPartParserError
from django.test import RequestFactory, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superteam.core import uploads
from superteam.core.uploads import MultipartHandler

# --- Bodies ------------------------------------------------------------------------------


def field(name: str, value: str, *, b64: bool = False) -> bytes:
    head = f'Content-Disposition: form-data; name="{name}"\r\n'
    data = value.encode()
    if b64:
        head += "Content-Transfer-Encoding: base64\r\n"
        data = base64.b64encode(data)
    return head.encode() + b"\r\n" + data


def file(
    name: str, filename: str, data: bytes, *, ctype="image/jpeg", b64=False, extra=""
) -> bytes:
    head = (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {ctype}{extra}\r\n"
    )
    if b64:
        head += "Content-Transfer-Encoding: base64\r\n"
        data = base64.encodebytes(data)  # wrapped lines: whitespace inside
    return head.encode() + b"\r\n" + data


def body(parts: list[bytes], boundary: str | None = None, *, preamble=b"", epilogue=b""):
    boundary = boundary or uuid.uuid4().hex
    out = preamble
    for part in parts:
        out += b"--" + boundary.encode() + b"\r\n" + part + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n" + epilogue
    return out, f"multipart/form-data; boundary={boundary}"


def request(data: bytes, content_type: str, handlers=None):
    req = RequestFactory().generic("POST", "/", data, content_type=content_type)
    if handlers is not None:
        req.upload_handlers = [h(req) for h in handlers]
    return req


DJANGO = [MemoryFileUploadHandler, TemporaryFileUploadHandler]
OURS = [MultipartHandler, MemoryFileUploadHandler, TemporaryFileUploadHandler]


def parsed(data: bytes, content_type: str, handlers) -> tuple[dict, dict]:
    """(POST, FILES) as comparable plain values."""
    req = request(data, content_type, handlers)
    post = dict(req.POST.lists())
    files = {
        k: [
            (
                type(f).__name__,
                f.name,
                f.content_type,
                f.charset,
                f.content_type_extra,
                f.size,
                f.read(),
            )
            for f in v
        ]
        for k, v in req.FILES.lists()
    }
    return post, files


def both(data: bytes, content_type: str, chunk_size: int | None = None):
    """Parsed by both parsers (reading ``chunk_size`` bytes at a time), equal."""
    memory = MemoryFileUploadHandler
    if chunk_size:
        memory = type("Small", (MemoryFileUploadHandler,), {"chunk_size": chunk_size})
    with mock.patch.object(uploads, "READ_SIZE", chunk_size or uploads.READ_SIZE):
        ours = parsed(data, content_type, [MultipartHandler, memory, TemporaryFileUploadHandler])
    assert ours == parsed(data, content_type, [memory, TemporaryFileUploadHandler])
    return ours


# --- The same as Django's --------------------------------------------------------------


def test_the_project_parses_with_its_own_handler():
    req = request(*body([field("a", "1")]))
    assert isinstance(req.upload_handlers[0], MultipartHandler)
    assert req.POST["a"] == "1"


class Recording(MemoryFileUploadHandler):
    chunk_size = 1000
    sizes: list[int] = []

    def receive_data_chunk(self, raw_data, start):
        self.sizes.append(len(raw_data))
        return super().receive_data_chunk(raw_data, start)


def test_handlers_get_chunks_of_their_own_size_from_a_body_read_at_once():
    data, ctype = body([file("photos", "a.jpg", b"j" * 4500)])
    _post, files = parsed(data, ctype, [MultipartHandler, Recording])
    assert files["photos"][0][6] == b"j" * 4500
    assert Recording.sizes == [1000, 1000, 1000, 1000, 500]


def test_a_report_body_parses_as_django_parses_it():
    photo = bytes(range(256)) * 1200 + b"\r\n--not-the-boundary\r\n"
    data, ctype = body(
        [
            field("idempotency_key", "abc-12345678"),
            field("title", "Kunjungan rumah lansia — Dusun Krajan"),
            field("narrative", "Baris satu\r\nbaris dua\n"),
            field("innovations", "3"),
            field("innovations", "5"),
            file("photos", "IMG_0001.jpg", photo),
            file("photos", "IMG_0002.png", b"\x89PNG small", ctype="image/png"),
        ]
    )
    post, files = both(data, ctype)
    assert post["innovations"] == ["3", "5"]
    assert post["narrative"] == ["Baris satu\r\nbaris dua\n"]
    assert [f[1] for f in files["photos"]] == ["IMG_0001.jpg", "IMG_0002.png"]
    assert files["photos"][0][6] == photo


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\\\Users\\\\foto.jpg", "foto.jpg"),
        ("a&amp;b.jpg", "a&b.jpg"),
        ("..", None),
        ("\x00\x07", None),
    ],
)
def test_file_names_are_sanitised_as_django_does(filename, expected):
    data, ctype = body([file("photos", filename, b"x" * 10), field("after", "yes")])
    post, files = both(data, ctype)
    assert post == {"after": ["yes"]}
    assert [f[1] for f in files.get("photos", [])] == ([expected] if expected else [])


def test_an_empty_file_name_makes_the_part_a_field_as_with_django():
    data, ctype = body([file("photos", "", b"x" * 10)])
    assert both(data, ctype) == ({"photos": ["x" * 10]}, {})


def test_rfc_2231_names_charsets_and_base64():
    data, ctype = body(
        [
            b"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''foto%20%C3%A9.jpg\r\n"
            b"Content-Type: text/plain; charset=latin-1\r\n\r\nabc",
            field("encoded", "nilai ü", b64=True),
            file("photos", "b.jpg", bytes(range(256)) * 3, b64=True),
        ]
    )
    post, files = both(data, ctype)
    assert files["f"][0][1] == "foto é.jpg" and files["f"][0][3] == b"latin-1"  # as Django
    assert post["encoded"] == ["nilai ü"]
    assert files["photos"][0][6] == bytes(range(256)) * 3


def test_a_header_that_is_not_utf_8_is_ignored_as_with_django():
    data, ctype = body(
        [
            b'Content-Disposition: form-data; name="caf\xe9"\r\n\r\nx',
            field("ok", "1"),
        ]
    )
    assert both(data, ctype) == ({"ok": ["1"]}, {})


def test_other_spellings_of_the_disposition_parse_as_with_django():
    data, ctype = body(
        [
            b"content-disposition:form-data;name=plain\r\n\r\na",
            b'CONTENT-DISPOSITION: FORM-DATA; NAME="upper"; FILENAME="X.JPG"\r\n\r\nb',
            b'Content-Disposition: form-data; name="q\\"uote"\r\n\r\nc',
            b'Content-Disposition: form-data;  name="spaced" ; filename="s.jpg"\r\n\r\nd',
        ]
    )
    post, files = both(data, ctype)
    assert post == {"plain": ["a"], 'q"uote': ["c"]}
    assert sorted(files) == ["spaced", "upper"]


def test_parts_without_a_disposition_preamble_and_epilogue_are_skipped():
    data, ctype = body(
        [b"Content-Type: text/plain\r\n\r\nno name", field("kept", "1")],
        preamble=b"This is a multi-part message.\r\n",
        epilogue=b"trailing words",
    )
    assert both(data, ctype) == ({"kept": ["1"]}, {})
    # A preamble longer than a chunk, the first delimiter across two chunks (Django's
    # parser refuses a preamble over 1 KiB; this one skips it).
    for size in (64 * 1024 - 5, 64 * 1024 + 3, 200_000):
        data, ctype = body([field("kept", "2")], preamble=b"p" * size + b"\r\n")
        assert parsed(data, ctype, OURS) == ({"kept": ["2"]}, {})


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_large_file_goes_to_a_temporary_file_as_with_django():
    data, ctype = body([file("photos", "big.jpg", b"z" * 5000)])
    _post, files = both(data, ctype)
    assert files["photos"][0][0] == TemporaryUploadedFile.__name__
    small, ctype = body([file("photos", "s.jpg", b"z" * 10)])
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10_000):
        assert both(small, ctype)[1]["photos"][0][0] == InMemoryUploadedFile.__name__


TEXT = st.characters(blacklist_characters='"\\\r\n', blacklist_categories=("Cs",))


@given(
    parts=st.lists(
        st.one_of(
            st.tuples(
                st.just("field"),
                st.text(alphabet=TEXT, min_size=1),
                st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
                st.booleans(),
            ),
            st.tuples(
                st.just("file"),
                st.sampled_from(["photos", "foto", "berkas"]),
                st.text(alphabet=TEXT, min_size=1, max_size=30),
                st.binary(max_size=3000),
            ),
        ),
        max_size=8,
    ),
    chunk_size=st.sampled_from([4, 8, 12, 36, 64, 1024, 64 * 1024]),
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_bodies_parse_as_django_parses_them(parts, chunk_size):
    """Read in small chunks too: delimiters and headers fall across reads."""
    encoded = []
    for kind, name, value, extra in parts:
        if kind == "field":
            encoded.append(field(name, value, b64=extra))
        else:
            encoded.append(file(name, value, extra))
    both(*body(encoded), chunk_size=chunk_size)


# --- Limits and broken bodies ------------------------------------------------------------


@pytest.mark.parametrize("handlers", [OURS, DJANGO], ids=["ours", "django"])
def test_headers_over_1_kib_are_refused_as_with_django(handlers):
    data, ctype = body([field("a" * 1100, "1")])
    with pytest.raises(MultiPartParserError):
        request(data, ctype, handlers).POST  # noqa: B018
    data, ctype = body([field("a" * 900, "1")])
    assert request(data, ctype, handlers).POST["a" * 900] == "1"


@pytest.mark.parametrize("handlers", [OURS, DJANGO], ids=["ours", "django"])
def test_the_limits_raise_djangos_exceptions(handlers):
    many, ctype = body([field(f"f{i}", "1") for i in range(6)])
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5), pytest.raises(TooManyFieldsSent):
        request(many, ctype, handlers).POST  # noqa: B018
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=6):
        assert len(request(many, ctype, handlers).POST) == 6
    files, ctype = body([file("photos", f"{i}.jpg", b"x") for i in range(4)])
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=3), pytest.raises(TooManyFilesSent):
        request(files, ctype, handlers).POST  # noqa: B018
    big, ctype = body([field("a", "x" * 60), field("b", "y" * 60)])
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100), pytest.raises(RequestDataTooBig):
        request(big, ctype, handlers).POST  # noqa: B018
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=126):  # 120 bytes and "a", "b" + 2 each
        assert request(big, ctype, handlers).POST["b"] == "y" * 60
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=125), pytest.raises(RequestDataTooBig):
        request(big, ctype, handlers).POST  # noqa: B018


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="cut-off-in-a-file"),
        pytest.param(lambda b: b.rsplit(b"--", 1)[0][:-40], id="no-closing-boundary"),
        pytest.param(lambda b: b"garbage without any boundary", id="no-boundary-at-all"),
        pytest.param(lambda b: b.replace(b"\r\n", b"\n"), id="bare-line-feeds"),
    ],
)
def test_a_broken_body_is_refused_and_nothing_kept(mangle):
    data, ctype = body([field("a", "1"), file("photos", "p.jpg", b"q" * 4000)])
    with pytest.raises(MultiPartParserError):
        request(mangle(data), ctype).POST  # noqa: B018


class Skipping(FileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        if file_name.endswith(".exe"):
            raise SkipFile()
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


class Stopping(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        raise StopUpload(connection_reset=False)

    def file_complete(self, file_size):  # pragma: no cover - stopped before
        return None


def test_handlers_may_skip_a_file_or_stop_the_upload_as_with_django():
    data, ctype = body(
        [file("f", "a.exe", b"MZ" * 50), file("f", "b.jpg", b"ok"), field("after", "1")]
    )
    assert parsed(data, ctype, [MultipartHandler, Skipping, *DJANGO]) == parsed(
        data, ctype, [Skipping, *DJANGO]
    )
    assert parsed(data, ctype, [MultipartHandler, Skipping, *DJANGO])[1]["f"][0][1] == "b.jpg"
    stopped = parsed(data, ctype, [MultipartHandler, Stopping, *DJANGO])
    assert stopped == parsed(data, ctype, [Stopping, *DJANGO]) == ({}, {})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, text",
    [("id", "Permintaan tidak dapat dibaca"), ("en", "The request could not be read")],
)
def test_a_cut_off_form_gets_a_page_that_says_so_in_the_readers_language(
    client_as, personas, settings, language, text
):
    client = client_as(personas.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data, ctype = body([field("title", "Posyandu"), file("photos", "p.jpg", b"q" * 4000)])
    response = client.generic("POST", "/reports/new/", data[:2000], content_type=ctype)
    assert response.status_code == 400
    assert text in response.content.decode()
