"""Multipart request bodies split with ``bytes.find`` instead of Django's parser.

Django's ``MultiPartParser`` spends about 0.1 ms of Python on every part of a body (its
lazy stream reads headers 1 KiB at a time and pushes back what it over-read): a report
sent from a phone, seven fields and a photo, took 0.9 ms to parse, a tenth of the whole
request. Split at its delimiters with ``bytes.find``, the same body takes 0.4 ms.

:class:`MultipartHandler` is the first of ``FILE_UPLOAD_HANDLERS``: Django lets an upload
handler take over the parsing of the whole body (``handle_raw_input``). Only the splitting
of the body into parts changes; the rest is done as Django's parser does it, with its
functions where they are public:

- the limits: ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the
  fields' bytes and names) and ``DATA_UPLOAD_MAX_NUMBER_FILES``, with Django's exceptions
  (answered 400 by Django), and headers of at most 1 KiB a part;
- each part's headers through ``parse_header_parameters`` (a regular expression for the
  usual ``Content-Disposition: form-data; name="..."; filename="..."`` line, which gives
  the same): a part with a ``Content-Disposition`` is a field, a file if it has a
  ``filename``; other parts are skipped; names decoded with the request's encoding; file
  names sanitised by ``MultiPartParser.sanitize_file_name``; base64 parts decoded;
- files go to the handlers after this one in chunks of their size, exactly as Django
  hands them over (in memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE``, then a temporary
  file), including ``StopFutureHandlers``, ``SkipFile`` and ``StopUpload``.

It follows RFC 7578 where Django's parser is lenient: delimiters are ``CRLF--boundary``
(a bare LF is refused), what follows the closing delimiter is ignored, and a preamble of
any length is skipped (Django refuses one over 1 KiB). A body that ends before its closing
delimiter raises ``MultiPartParserError`` (400) where Django's parser dropped the
unfinished file and kept the rest: a phone whose upload was cut off must send again, not
have its report stored without the photo.

tests/core/test_uploads.py compares both parsers on generated bodies.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import (
    FileUploadHandler,
    SkipFile,
    StopFutureHandlers,
    StopUpload,
)
from django.http import QueryDict
from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE, MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.encoding import force_str
from django.utils.http import parse_header_parameters

FIELD, FILE, SKIP = "field", "file", "skip"
# The body is read 1 MiB at a time (the handlers still get chunks of their own size):
# gunicorn's request body copies what it holds beyond each read again on every read, and
# reading a 300 KB photo 64 KiB at a time cost 1.4 ms against 0.7 ms at once.
READ_SIZE = 1024 * 1024
# The header line of nearly every part: parse_header_parameters (the email package's
# parser, 40 µs a line) gives the same for it: the name and file name inside the quotes.
_SIMPLE_DISPOSITION = re.compile(
    r'Content-Disposition: form-data; name="([^"\\]*)"(?:; filename="([^"\\]*)")?',
    re.IGNORECASE,
)


class MultipartHandler(FileUploadHandler):
    """Parses ``multipart/form-data`` bodies (see the module's docstring); receives no
    file data itself."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        handlers = list(getattr(self.request, "upload_handlers", None) or [])
        if self not in handlers:  # a parser run with other handlers: Django's way
            return None
        handlers = handlers[handlers.index(self) + 1 :]
        # The handlers after this one prepare themselves here (the memory handler decides
        # whether the body is small enough), and may still take the parsing over.
        for handler in handlers:
            result = handler.handle_raw_input(input_data, META, content_length, boundary, encoding)
            if result is not None:
                return result
        return _Parse(handlers, encoding or settings.DEFAULT_CHARSET).run(input_data, boundary)

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - never handed data
        return raw_data

    def file_complete(self, file_size):  # pragma: no cover - never handed data
        return None


def _sanitize_file_name(name: str) -> str | None:
    # The method uses nothing of the parser's state.
    return MultiPartParser.sanitize_file_name(None, name)


class _Parse:
    """One body, split into Django's POST and FILES."""

    def __init__(self, handlers, encoding: str):
        self.handlers = handlers
        self.encoding = encoding
        self.chunk_size = min([2**31 - 4] + [h.chunk_size for h in handlers if h.chunk_size])
        self.read_size = max(self.chunk_size, READ_SIZE)
        self.post = QueryDict(mutable=True)
        self.files = MultiValueDict()
        self.fields = 0
        self.field_bytes = 0
        self.file_count = 0
        self.kind = None  # of the part being read: FIELD, FILE, SKIP; None between parts

    # --- The body ---------------------------------------------------------------------

    def run(self, input_data, boundary: bytes):
        try:
            self._split(_Buffer(input_data, self.read_size), b"\r\n--" + boundary)
        except StopUpload as stop:
            self._close_handler_files()
            if not stop.connection_reset:
                _exhaust(input_data)
        except BaseException:
            self._close_handler_files()
            for _name, files in self.files.lists():
                for file in files:
                    file.close()
            raise
        else:
            _exhaust(input_data)  # an epilogue after the closing delimiter
        any(handler.upload_complete() for handler in self.handlers)
        self.post._mutable = False
        return self.post, self.files

    def _split(self, buf: _Buffer, delimiter: bytes) -> None:
        """Parts between delimiters (``CRLF--boundary``), each read as Django reads one."""
        # The body starts with "--boundary" (no CRLF before it) or with a preamble.
        buf.data, buf.pos = b"\r\n", 0
        if buf.find(delimiter) < 0:
            raise MultiPartParserError("The multipart body has no boundary.")
        while True:
            buf.skip_to(delimiter)
            # After a delimiter: "--" closes the body; otherwise a part follows, whose text
            # (as Django's parser cuts it) starts with the rest of the delimiter's line.
            if buf.startswith(b"--"):
                return
            head = buf.head(MAX_TOTAL_HEADER_SIZE, delimiter)
            end_of_headers = head.find(b"\r\n\r\n")
            if end_of_headers >= 0:
                self.headers_finished(head[:end_of_headers].split(b"\r\n"))
                buf.drop(end_of_headers + 4)
            elif len(head) < MAX_TOTAL_HEADER_SIZE and buf.find(delimiter) == len(head):
                self.headers_finished([])  # a short part without headers: skipped
            else:
                raise MultiPartParserError("Request max total header size exceeded.")
            self._part_data(buf, delimiter)
            self.part_end()

    def _part_data(self, buf: _Buffer, delimiter: bytes) -> None:
        """Hand the part's data on as it arrives, up to the next delimiter."""
        keep = len(delimiter) - 1  # a delimiter may begin in what was read last
        while True:
            data, pos = buf.data, buf.pos
            at = data.find(delimiter, pos)
            if at >= 0:
                if at > pos:
                    self.part_data(data[pos:at])
                buf.pos = at
                return
            end = len(data) - keep
            if end > pos:
                self.part_data(data[pos:end])
                buf.pos = end
            if not buf.more():
                raise MultiPartParserError("The multipart body ended before its closing boundary.")

    # --- A part's headers -------------------------------------------------------------

    def _meta(self, lines: list[bytes]) -> tuple[str, dict]:
        """(kind, headers) as Django's parser reads a part's header lines."""
        kind, meta = SKIP, {}
        for line in lines:
            try:
                text = line.decode()
                simple = _SIMPLE_DISPOSITION.fullmatch(text)
                if simple:  # the usual form: what parse_header_parameters makes of it, faster
                    name, value = "content-disposition", " form-data"
                    params = {"name": simple[1].encode()}
                    if simple[2] is not None:
                        params["filename"] = simple[2].encode()
                else:
                    main_value_pair, params = parse_header_parameters(text)
                    name, value = main_value_pair.split(":", 1)
                    params = {k: v.encode() for k, v in params.items()}
            except ValueError:  # an invalid header (UnicodeDecodeError is one)
                continue
            if name == "content-disposition":
                kind = FILE if params.get("filename") else FIELD
            meta[name] = value, params
        return kind, meta

    def headers_finished(self, lines: list[bytes]):
        kind, meta = self._meta(lines)
        if kind in (SKIP, FIELD):  # Django counts both as fields
            self.fields += 1
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            if limit is not None and self.fields > limit:
                raise TooManyFieldsSent(
                    "The number of GET/POST parameters exceeded "
                    "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
                )
        self.kind = SKIP
        try:
            disposition = meta["content-disposition"][1]
            field_name = disposition["name"].strip()
        except (KeyError, IndexError, AttributeError):
            return
        encoding = meta.get("content-transfer-encoding")
        self.base64 = encoding is not None and encoding[0].strip() == "base64"
        self.field_name = force_str(field_name, self.encoding, errors="replace")
        if kind == FIELD:
            self.kind, self.data = FIELD, []
            self.data_size = 0
        elif kind == FILE:
            self._begin_file(disposition, meta)

    def _begin_file(self, disposition, meta):
        self.file_count += 1
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        if limit is not None and self.file_count > limit:
            raise TooManyFilesSent(
                "The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES."
            )
        file_name = disposition.get("filename")
        if file_name:
            file_name = _sanitize_file_name(force_str(file_name, self.encoding, errors="replace"))
        if not file_name:
            return
        content_type, content_type_extra = meta.get("content-type", ("", {}))
        content_type = content_type.strip()
        charset = content_type_extra.get("charset")
        try:
            content_length = int(meta.get("content-length")[0])
        except (IndexError, TypeError, ValueError):
            content_length = None
        self.counters = [0] * len(self.handlers)
        self.remainder = b""
        self.kind = FILE
        try:
            for handler in self.handlers:
                try:
                    handler.new_file(
                        self.field_name,
                        file_name,
                        content_type,
                        content_length,
                        charset,
                        content_type_extra,
                    )
                except StopFutureHandlers:
                    break
        except SkipFile:
            self._close_handler_files()
            self.kind = SKIP

    # --- A part's data ----------------------------------------------------------------

    def part_data(self, piece: bytes):
        if self.kind == FIELD:
            self.data_size += len(piece)
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and self.field_bytes + self.data_size > limit:
                raise RequestDataTooBig(
                    "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."
                )
            self.data.append(piece)
        elif self.kind == FILE:
            size = self.chunk_size  # what the handlers are handed at most
            for start in range(0, len(piece), size):
                if self.kind == FILE:  # not skipped meanwhile
                    self._file_data(piece[start : start + size] if len(piece) > size else piece)

    def _file_data(self, chunk: bytes):
        if self.base64:
            # Decoded by multiples of 4 bytes (whitespace ignored), the rest carried over.
            stripped = self.remainder + b"".join(chunk.split())
            aligned = len(stripped) // 4 * 4
            self.remainder = stripped[aligned:]
            if not aligned:
                return
            try:
                chunk = base64.b64decode(stripped[:aligned])
            except Exception as exc:
                raise MultiPartParserError("Could not decode base64 data.") from exc
        try:
            for i, handler in enumerate(self.handlers):
                length = len(chunk)
                chunk = handler.receive_data_chunk(chunk, self.counters[i])
                self.counters[i] += length
                if chunk is None:
                    break
        except SkipFile:
            self._close_handler_files()
            self.kind = SKIP

    def part_end(self):
        if self.kind == FIELD:
            raw = b"".join(self.data)
            self.field_bytes += len(raw) + len(self.field_name) + 2  # as Django counts
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and self.field_bytes > limit:
                raise RequestDataTooBig(
                    "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."
                )
            if self.base64:
                with contextlib.suppress(binascii.Error):  # Django keeps the text as sent
                    raw = base64.b64decode(raw)
            self.post.appendlist(self.field_name, force_str(raw, self.encoding, errors="replace"))
        elif self.kind == FILE:
            if self.remainder:
                raise MultiPartParserError("Could not decode base64 data.")
            for i, handler in enumerate(self.handlers):
                file = handler.file_complete(self.counters[i])
                if file:
                    self.files.appendlist(self.field_name, file)
                    break
        self.kind = None

    def _close_handler_files(self):
        for handler in self.handlers:
            if hasattr(handler, "file"):
                handler.file.close()


class _Buffer:
    """What was read of the body and not yet consumed (``data`` from ``pos`` on), and
    more of it on demand. Consuming moves ``pos``: slicing the rest off instead copied a
    whole photo again for each field before it."""

    def __init__(self, stream, chunk_size: int):
        self.stream = stream
        self.chunk_size = chunk_size
        self.data = b""
        self.pos = 0

    def more(self) -> bool:
        chunk = self.stream.read(self.chunk_size)
        if chunk:
            self.data = self.data[self.pos :] + chunk if self.pos < len(self.data) else chunk
            self.pos = 0
        return bool(chunk)

    def drop(self, count: int) -> None:
        self.pos += count

    def find(self, text: bytes) -> int:
        """Where ``text`` first is after ``pos`` (relative to it), reading until it comes or
        the body ends (-1)."""
        start = self.pos
        while (at := self.data.find(text, start)) < 0:
            searched = max(0, len(self.data) - self.pos - len(text) + 1)
            if not self.more():
                return -1
            start = self.pos + searched
        return at - self.pos

    def skip_to(self, delimiter: bytes) -> None:
        """Drop everything up to and including the next delimiter (there is one)."""
        self.drop(self.find(delimiter) + len(delimiter))

    def startswith(self, text: bytes) -> bool:
        while len(self.data) - self.pos < len(text) and self.more():
            pass
        return self.data.startswith(text, self.pos)

    def head(self, size: int, delimiter: bytes) -> bytes:
        """The part's first ``size`` bytes at most (it ends at the next delimiter)."""
        while len(self.data) - self.pos < size + len(delimiter) and self.more():
            pass
        at = self.data.find(delimiter, self.pos, self.pos + size + len(delimiter)) - self.pos
        return self.data[self.pos : self.pos + (at if 0 <= at < size else size)]


def _exhaust(stream) -> None:
    while stream.read(64 * 1024):
        pass
