"""Safe, fast XML parsing for GPX and TCX: defusedxml guards the door, lxml does the parsing.

The policy:

- A document that contains a DTD (`<!DOCTYPE`) is first run through defusedxml with entities,
  external references and DTDs forbidden, so billion laughs, quadratic blowup, XXE and external
  DTD retrieval are refused as UnsafeFile before anything expands. GPX and TCX never need a DTD.
- Every other document is parsed by lxml with entity resolution, network access, DTD loading and
  huge trees switched off (depth is capped at 256 by libxml2). After the parse the tree is checked
  once more for a DTD, in case an unusual encoding hid the `<!DOCTYPE` bytes from the first check.
- Quirks of real files are repaired with a warning: a UTF-8 BOM, whitespace before `<?xml`
  (Strava TCX exports), UTF-16/32 text, and namespace prefixes used without a declaration
  (mapstogpx.com GPX files write `gpxdata:` without declaring it). The last is repaired only when
  the document root is `gpx` or `TrainingCenterDatabase` and undeclared prefixes are the only
  errors: the prefix is declared on the root with a private URN and the document parsed again,
  strictly. Anything else is "not well-formed XML at line L column C".

`reads_plainly` is the check of the readers' fast path (`xml_skeleton`): libxml2, with the same
settings, reads the whole document without building a tree, and the document passes only when
libxml2 reported nothing at all and it holds no DTD, comment, processing instruction or CDATA.
Anything else goes through `parse_xml`, which gives the precise error or repair.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
from lxml import etree

from progrun.errors import CorruptFile, UnsafeFile

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
_LEADING_WHITESPACE = b" \t\r\n"
_KNOWN_ROOTS = ("gpx", "TrainingCenterDatabase")
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(gpx|TrainingCenterDatabase)[\s>/]")
_UNDECLARED_PREFIX = re.compile(r"Namespace prefix ([A-Za-z_][\w.-]*) ")
_ENCODING_DECLARATION = re.compile(r"""^(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
#: libxml2 XML_NS_ERR_UNDEFINED_NAMESPACE
_NS_ERR_UNDEFINED_NAMESPACE = 201
PRIVATE_NAMESPACE = "urn:progrun:undeclared:"


@dataclass(frozen=True)
class ParsedXml:
    """A parsed document and the repairs made to read it."""

    root: Any  # lxml.etree._Element (lxml ships no type information)
    warnings: tuple[str, ...]
    #: The bytes libxml2 parsed (BOM and leading whitespace stripped, UTF-8, prefixes declared).
    data: bytes = b""


def prepare_xml_bytes(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """Strip a BOM and leading whitespace, and turn UTF-16/32 into UTF-8; return the repairs made."""
    warnings: list[str] = []
    for bom in _UTF16_32_BOMS:
        if data.startswith(bom):
            codec = "utf-32" if len(bom) == 4 else "utf-16"
            text = data.decode(codec, errors="strict").lstrip()
            text = _ENCODING_DECLARATION.sub(r"\1", text, count=1)
            data = text.encode("utf-8")
            warnings.append(f"read as {codec.upper()} text")
            break
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    stripped = data.lstrip(_LEADING_WHITESPACE)
    if len(stripped) != len(data) and stripped.startswith(b"<?xml"):
        warnings.append(f"ignored {len(data) - len(stripped)} bytes of whitespace before <?xml")
    return stripped, tuple(warnings)


def _new_parser(*, recover: bool = False) -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        # Whitespace between elements is dropped: a smaller tree, parsed and walked faster. A field's
        # text is never whitespace between elements, and every reader strips the texts it reads.
        remove_blank_text=True,
        collect_ids=False,
        recover=recover,
    )


_PARSERS = threading.local()


class _NoTree:
    """A parser target that builds nothing: libxml2 checks the document and calls no Python at all.

    lxml connects only the SAX events its target has a method for; this one has none but `close`,
    so the parse runs at C speed (a target with a `comment`, `pi` or `doctype` method makes lxml
    take a path nearly twice as slow, so `reads_plainly` finds those constructs by their bytes).
    """

    def close(self) -> None:
        return None


_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ASCII_COMPATIBLE = frozenset(
    {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}
    | {f"iso-8859-{n}" for n in range(2, 16)}
)


def ascii_compatible(data: bytes) -> bool:
    """Whether the document's declared encoding (none: UTF-8) writes ASCII text as ASCII bytes."""
    match = _DECLARED_ENCODING.match(data)
    return match is None or match.group(1).decode().lower() in _ASCII_COMPATIBLE


def has_plain_bytes(data: bytes) -> bool:
    """`reads_plainly`'s byte checks: ASCII-compatible, no `<!`, no `<?` but the XML declaration.

    In a well-formed document of such an encoding `<` cannot occur in an attribute value or as
    text, so `<!` only opens a DTD, comment or CDATA section, and `<?` only an XML declaration (the
    first bytes) or a processing instruction.
    """
    if data[:1] != b"<" or data[1:2] == b"\x00" or not ascii_compatible(data):
        return False
    # "!" and "?" are rare in GPX and TCX, "<" is everywhere: look for the rare byte first (~50x quicker).
    if b"!" in data and b"<!" in data:
        return False
    instructions_from = data.find(b"?>") + 2 if data[:5] == b"<?xml" and data[5:6].isspace() else 0
    if instructions_from == 1:  # `<?xml` never closed
        return False
    return data.find(b"?", instructions_from) == -1 or data.find(b"<?", instructions_from) == -1


def reads_plainly(data: bytes) -> bool:
    """Whether `data` is plain XML: every `<` opens a tag, and libxml2 reads it without a word.

    libxml2 reads the document to the end with `parse_xml`'s settings (no entity resolution, no
    network, no DTD loading, the 256-level depth cap) but builds no tree. The answer is True only
    if it is well-formed, libxml2 reported nothing (no error, no warning: an undeclared namespace
    prefix is a warning), and it holds no DTD, comment, processing instruction or CDATA section.
    A False answer says only "not on the fast path": `parse_xml` then reports what is wrong, or repairs it.

    Those four are found by their bytes, before libxml2 reads anything: in a well-formed document
    `<` cannot occur in an attribute value or as text, so `<!` only opens a DTD, comment or CDATA
    section, and `<?` only an XML declaration (the first bytes) or a processing instruction. That
    holds for the bytes of ASCII-compatible encodings, the only ones taken here (UTF-8 when none
    is declared; a document starting `<` then a zero byte is UTF-16/32 and is not taken).
    """
    if not has_plain_bytes(data):
        return False
    parser = _PARSERS.__dict__.get("no_tree")
    if parser is None:  # one per thread (a parser is not shared between threads), reused: ~25 us each
        parser = _PARSERS.no_tree = etree.XMLParser(
            target=_NoTree(),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
            remove_blank_text=True,  # whitespace between elements is not even reported: a quicker read
        )
    try:
        etree.fromstring(data, parser)
    except Exception:  # not well-formed, an encoding libxml2 lacks: all for parse_xml to report
        return False
    return len(parser.error_log) == 0


def parse_quietly(data: bytes) -> Any | None:
    """The root of plain `data` (`has_plain_bytes`) parsed with `parse_xml`'s settings, or None.

    None when libxml2 says anything at all about it: an error, or a warning such as an undeclared
    prefix or a namespace name that is not an absolute URI. Nothing is repaired here.
    """
    if not has_plain_bytes(data):
        return None
    parser = _PARSERS.__dict__.get("quiet")
    if parser is None:  # one per thread, reused
        parser = _PARSERS.quiet = _new_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    return root if len(parser.error_log) == 0 else None


def _refuse_dangerous_dtd(data: bytes, name: str) -> None:
    """Run defusedxml over a document that declares a DTD; refuse entities, externals and the DTD."""
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise UnsafeFile(
            name,
            f"XML declares entity {exc.name!r} (entity expansion attack or external entity)",
            hint="GPX and TCX never need entities; the file is refused",
        ) from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise UnsafeFile(
            name,
            "XML refers to an external resource",
            hint="GPX and TCX never need one; the file is refused",
        ) from exc
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeFile(name, f"XML refused: {exc}") from exc
    except ParseError:  # a syntax error is reported by the strict parse below
        pass
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DTDForbidden as exc:
        raise UnsafeFile(
            name,
            "XML contains a document type declaration (DTD)",
            hint="GPX and TCX never need one; remove the <!DOCTYPE> line if you trust the file",
        ) from exc
    except ParseError:
        pass


def parse_xml(data: bytes, *, name: str) -> ParsedXml:
    """Parse GPX or TCX bytes safely into an lxml element tree.

    Raises UnsafeFile for DTDs, entities, external references and excessive depth, and CorruptFile
    ("not well-formed XML at line L column C") for anything that is not XML.
    """
    data, warnings = prepare_xml_bytes(data)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        _refuse_dangerous_dtd(data, name)
    parser = _new_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        errors = list(parser.error_log)
        root, repair, data = _repair_undeclared_prefixes(data, errors, name)
        if root is None:
            raise _syntax_error(name, exc, errors) from exc
        warnings += (repair,)
    if root is None:
        raise CorruptFile(name, "not XML: no root element", hint="check that this is a GPX or TCX file")
    _refuse_parsed_dtd(root, name)
    return ParsedXml(root, warnings, data)


def _refuse_parsed_dtd(root: Any, name: str) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise UnsafeFile(
            name,
            "XML contains a document type declaration (DTD)",
            hint="GPX and TCX never need one; remove the <!DOCTYPE> line if you trust the file",
        )


def _repair_undeclared_prefixes(data: bytes, errors: list[Any], name: str) -> tuple[Any, str, bytes]:
    """Declare prefixes that the file uses but never declares; only for a GPX/TCX root.

    Returns the root (None if not repaired), the warning, and the bytes parsed.
    """
    if not errors or any(error.type != _NS_ERR_UNDEFINED_NAMESPACE for error in errors):
        return None, "", data
    prefixes = sorted({m.group(1) for e in errors if (m := _UNDECLARED_PREFIX.match(e.message))})
    match = _ROOT_TAG.search(data, 0, 65536)
    if not prefixes or match is None or match.group(1).decode() not in _KNOWN_ROOTS:
        return None, "", data
    end = _end_of_start_tag(data, match.end() - 1)
    if end is None:
        return None, "", data
    declarations = "".join(f' xmlns:{p}="{PRIVATE_NAMESPACE}{p}"' for p in prefixes).encode()
    insert_at = end - 1 if data[end - 1 : end] == b"/" else end
    repaired = data[:insert_at] + declarations + data[insert_at:]
    parser = _new_parser()
    try:
        root = etree.fromstring(repaired, parser)
    except etree.XMLSyntaxError:
        return None, "", data
    listed = ", ".join(f"{p}:" for p in prefixes)
    return (
        root,
        f"namespace prefix {listed} used without a declaration; read by local element names",
        repaired,
    )


def _end_of_start_tag(data: bytes, position: int) -> int | None:
    """The index of the '>' closing the start tag that contains `position` (quotes respected)."""
    quote = 0
    for index in range(position, min(len(data), position + 65536)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return index
    return None


def _syntax_error(name: str, exc: Any, errors: list[Any]) -> CorruptFile | UnsafeFile:
    first = errors[0] if errors else None
    line = first.line if first is not None else exc.position[0]
    column = first.column if first is not None else exc.position[1]
    message = (first.message if first is not None else str(exc)).strip()
    if "Excessive depth" in message or "Detected an entity reference loop" in message:
        return UnsafeFile(name, f"XML refused: {message}", hint="GPX and TCX are never this deeply nested")
    return CorruptFile(
        name,
        f"not well-formed XML at line {line} column {column}: {message}",
        hint="the file is damaged; export it again",
    )


def local_name(tag: str) -> str:
    """`{namespace}name` -> `name`; GPX and TCX elements are matched by local name."""
    return tag.rpartition("}")[2]


def parse_xml_time(text: str | None) -> tuple[float, bool]:
    """An xsd:dateTime as POSIX seconds (NaN if unreadable) and whether it had no time zone.

    Accepts `Z`, `+02:00`, no zone (read as UTC; the caller warns) and any number of fraction digits.
    """
    if not text:
        return math.nan, False
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return math.nan, False
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC).timestamp(), True
    return moment.timestamp(), False


def parse_float(text: str | None) -> float:
    """A decimal number, or NaN when missing or not a number."""
    if text is None:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def serialize(root: Any) -> bytes:
    """The document holding `root` as compact bytes, as the fast path reads them (see `xml_scan`)."""
    result: bytes = etree.tostring(root.getroottree().getroot())
    return result
