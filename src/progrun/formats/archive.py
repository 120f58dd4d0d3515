"""Safe reading of zip archives (Garmin Connect and Strava bulk exports).

Nothing is ever extracted by name: members are read into memory (or, for one level of nested zip,
into a temporary file whose name we choose). Every limit bounds bytes *actually read*:

* the member count is checked from the central directory before anything is read (> MAX_MEMBERS: refused);
* each member's declared size must be <= MAX_MEMBER_BYTES, and reading stops at that limit + 1 whatever
  the header says (zipfile itself stops at the declared size and checks the CRC);
* **one budget for the whole upload** (`UploadBudget`): the declared sizes of every member at every
  level (the nested zips themselves and what they hold) are summed into it, and it allows at most
  MAX_EXPANSION times the upload's own bytes (at least MIN_BUDGET_BYTES, at most MAX_TOTAL_BYTES). A
  nested zip bomb (a 3.2 MB zip of 50 zips that each declare 64 MiB) is refused as a whole, once,
  after a few hundred kilobytes of temporary files, not after writing 3.2 GB;
* overlapping entries -- the "quoted-overlap" zip bomb of CVE-2024-0450, which CPython 3.11.7 does not
  detect -- are refused: every local header is read and the byte ranges [header, header + local header
  + compressed size) must not overlap, nor run past the central directory (a forged compress_size);
* unsafe names (absolute, drive letters, `..`, NUL, over 1024 chars), symlinks, encrypted members and
  compression methods other than stored/deflate are refused member by member, with a reason;
* one level of nested zip is accepted (Garmin's `UploadedFiles_*_Part*.zip`); deeper nesting is refused.
  A nested zip stored without compression is opened in place (`ByteSpan`), not copied;
* macOS metadata (`__MACOSX/...`, `._name` AppleDouble files, which end in `.fit` like the file they
  describe) is skipped and only counted (`Listing.ignored`);
* a full disk (ENOSPC, EDQUOT) while copying a nested zip is `DiskFull`: the import stops there.
"""

from __future__ import annotations

import errno
import io
import itertools
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from progrun.errors import CorruptFile, DiskFull, UnsafeFile

MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024 * 1024
MAX_NESTED_ZIP_BYTES = 4 * 1024 * 1024 * 1024
#: An upload may expand to this many times its own size (zlib's own limit is about 1032): real exports
#: of FIT, GPX and TCX files deflate 2-15 times.
MAX_EXPANSION = 100
MIN_BUDGET_BYTES = 256 * 1024 * 1024
MAX_NAME_CHARS = 1024
CHUNK_BYTES = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_MAGIC = b"PK\x03\x04"
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
#: General-purpose flags zipfile treats specially: encrypted, compressed patch data, strong encryption.
_FLAGS_NOT_PLAIN = 0x1 | 0x20 | 0x40


@dataclass(frozen=True)
class Member:
    """One usable archive member: its index in the zip's infolist and its (display-only) name."""

    index: int
    name: str
    declared_bytes: int


@dataclass(frozen=True)
class Refused:
    """A member that is not read, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Listing:
    """What an archive holds: members to read, members refused (with reasons), macOS metadata skipped."""

    members: tuple[Member, ...]
    refused: tuple[Refused, ...]
    declared_total: int
    ignored: int = 0


class BudgetExceeded(UnsafeFile):
    """The upload, nested archives included, expands past its budget: it is refused as a whole."""


class UploadBudget:
    """The bytes one upload may expand to, shared by every archive in it and every archive nested in those.

    Each archive met at the top adds `MAX_EXPANSION` times its size to the allowance (the sum at least
    MIN_BUDGET_BYTES, at most MAX_TOTAL_BYTES); every listing takes its members' declared sizes from it.
    zipfile never reads past a member's declared size, so bytes read and written stay within it.
    """

    def __init__(self) -> None:
        self.allowed_bytes = 0
        self.used_bytes = 0

    def add_archive(self, size_bytes: int) -> None:
        self.allowed_bytes = min(
            MAX_TOTAL_BYTES, max(MIN_BUDGET_BYTES, self.allowed_bytes + MAX_EXPANSION * size_bytes)
        )

    def take(self, size_bytes: int, display: str) -> None:
        """Count `size_bytes` against the budget; UnsafeFile naming the archive when it runs out."""
        if self.used_bytes + size_bytes > self.allowed_bytes:
            raise BudgetExceeded(
                display,
                f"the upload expands past {self.allowed_bytes:,} bytes in all, nested archives included "
                f"({MAX_EXPANSION} times its own size; a zip bomb?); nothing in it was imported",
                format="zip",
                hint="split the export into smaller archives",
            )
        self.used_bytes += size_bytes


def _segments(name: str) -> list[str]:
    """A member name's path segments ("/" or "\\" between them; empty and "." segments dropped)."""
    return [part for part in name.replace("\\", "/").split("/") if part and part != "."]


def base_name(name: str) -> str:
    """A member name's last segment (`PurePosixPath(name).name` with "\\" as a separator too; cheaper)."""
    segments = _segments(name)
    return segments[-1] if segments else ""


def is_macos_metadata(name: str) -> bool:
    """A macOS `__MACOSX/` folder entry or `._name` AppleDouble file (metadata, not an activity)."""
    parts = _segments(name)
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def unsafe_name_reason(name: str) -> str | None:
    """Why a member name is unsafe to use as a path, or None when it is fine."""
    if "\x00" in name:
        return "member name contains a NUL byte"
    if len(name) > MAX_NAME_CHARS:
        return f"member name longer than {MAX_NAME_CHARS} characters"
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return "absolute member path (zip-slip)"
    if ".." in normal.split("/"):
        return "member path climbs out with '..' (zip-slip)"
    return None


class ByteSpan(io.RawIOBase):
    """`length` bytes of a file from `offset`, read as a file of their own: a zip stored inside a zip,
    opened where it lies instead of copied out (`stored_member_span`)."""

    def __init__(self, path: Path | str, offset: int, length: int) -> None:
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115  (closed with the span)
        self._offset = offset
        self._length = length
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        if base + position < 0:
            raise ValueError("negative seek position")
        self._position = base + position
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        left = max(0, self._length - self._position)
        wanted = left if size is None or size < 0 else min(size, left)
        if wanted == 0:
            return b""
        self._file.seek(self._offset + self._position)
        data = self._file.read(wanted)
        self._position += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def open_zip(path: Path | str, display: str, span: tuple[int, int] | None = None) -> zipfile.ZipFile:
    """Open a zip (or the zip at byte `span` = (offset, length) of the file), turning 'not a zip' and
    a truncated directory into CorruptFile."""
    try:
        if span is None:
            return zipfile.ZipFile(path)
        return zipfile.ZipFile(ByteSpan(path, *span))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CorruptFile(display, f"not a valid zip archive ({error})", format="zip") from None


def stored_member_span(archive: zipfile.ZipFile, index: int) -> tuple[int, int] | None:
    """(offset, length) in the archive's file of a member stored without compression (a nested zip to
    open in place); None when it is compressed, flagged, or its local header does not check out.
    `list_members` has already checked that the member lies inside the archive, overlapping no other."""
    info = archive.infolist()[index]
    handle = archive.fp
    if handle is None or info.compress_type != zipfile.ZIP_STORED or info.flag_bits & _FLAGS_NOT_PLAIN:
        return None
    if info.compress_size != info.file_size or isinstance(handle, ByteSpan):
        return None  # a zip inside a zip inside a zip: list_members refuses that depth anyway
    try:
        lengths = _local_header(handle, info)
    except (OSError, ValueError):
        return None
    if lengths is None:
        return None
    return info.header_offset + _LOCAL_HEADER.size + sum(lengths), info.compress_size


def _local_header(handle: IO[bytes], info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """The member's local header read (the handle left just after it): its name and extra field
    lengths, or None when there is no valid local header at the central directory's offset."""
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
        return None
    fields = _LOCAL_HEADER.unpack(header)
    return fields[9], fields[10]


def list_members(archive: zipfile.ZipFile, display: str, *, budget: UploadBudget | None = None) -> Listing:
    """Check an opened archive and list the members that may be read.

    Raises UnsafeFile for whole-archive problems (too many members, overlapping entries, a
    declared total over the upload's budget); refuses single members with a reason; skips macOS
    metadata. Without a budget the archive gets one of its own.
    """
    if budget is None:
        budget = UploadBudget()
        budget.add_archive(archive.start_dir)
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFile(
            display,
            f"{len(infos)} members, more than the {MAX_MEMBERS} allowed",
            format="zip",
            hint="split the export into smaller archives",
        )
    _check_overlaps(archive, infos, display)
    members: list[Member] = []
    refused: list[Refused] = []
    seen: set[str] = set()
    total = 0
    ignored = 0
    for index, info in enumerate(infos):
        name = info.filename
        if info.is_dir():
            continue
        if is_macos_metadata(name):
            ignored += 1
            continue
        reason = unsafe_name_reason(name)
        mode = info.external_attr >> 16
        if reason is None and stat.S_ISLNK(mode):
            reason = "symbolic link"
        if reason is None and info.flag_bits & 0x1:
            reason = "encrypted member"
        if reason is None and info.compress_type not in _SUPPORTED_METHODS:
            reason = f"unsupported compression method {info.compress_type}"
        if reason is None and name in seen:
            reason = "duplicate member name (the first one is used)"
        limit = MAX_NESTED_ZIP_BYTES if name.lower().endswith(".zip") else MAX_MEMBER_BYTES
        if reason is None and info.file_size > limit:
            reason = f"declares {info.file_size} bytes, more than the {limit} allowed"
        if reason is not None:
            refused.append(Refused(name, reason))
            continue
        seen.add(name)
        total += info.file_size
        members.append(Member(index, name, info.file_size))
    budget.take(total, display)
    return Listing(tuple(members), tuple(refused), total, ignored)


def _check_overlaps(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse overlapping entries and entries that run into the central directory (CVE-2024-0450)."""
    handle = archive.fp
    if handle is None:
        raise CorruptFile(display, "the archive is closed", format="zip")
    directory_start = archive.start_dir
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        lengths = _local_header(handle, info)
        if lengths is None:
            raise CorruptFile(display, f"member {info.filename!r} has no valid local header", format="zip")
        end = info.header_offset + _LOCAL_HEADER.size + sum(lengths) + info.compress_size
        if end > directory_start:
            raise UnsafeFile(
                display,
                f"member {info.filename!r} claims more compressed bytes than the archive holds",
                format="zip",
                hint="the archive is forged or damaged; export it again",
            )
        spans.append((info.header_offset, end, info.filename))
    spans.sort()
    for (_, previous_end, previous), (start, _, name) in itertools.pairwise(spans):
        if start < previous_end:
            raise UnsafeFile(
                display,
                f"members {previous!r} and {name!r} overlap (a zip bomb, CVE-2024-0450)",
                format="zip",
                hint="this is not a genuine export; do not open it with other tools either",
            )


def read_member(
    archive: zipfile.ZipFile, index: int, display: str, *, limit: int = MAX_MEMBER_BYTES
) -> bytes:
    """Read one member fully, never more than `limit` bytes (checked on bytes actually produced)."""
    info = archive.infolist()[index]
    chunks: list[bytes] = []
    produced = 0
    try:
        with archive.open(info) as stream:
            for chunk in _chunks(stream):
                produced += len(chunk)
                if produced > limit:
                    raise UnsafeFile(
                        display, f"expands past {limit} bytes (decompression bomb?)", format="zip"
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, zlib.error) as error:
        raise CorruptFile(display, f"damaged archive member ({error})", format="zip") from None
    except NotImplementedError as error:
        raise CorruptFile(display, f"unsupported archive member ({error})", format="zip") from None
    return b"".join(chunks)


@dataclass(frozen=True)
class MemberBytes:
    """A member's content, and its raw deflate stream as stored in the archive when it has one."""

    data: bytes
    deflate: bytes | None = None


def read_member_with_deflate(
    archive: zipfile.ZipFile, index: int, display: str, *, limit: int = MAX_MEMBER_BYTES
) -> MemberBytes:
    """`read_member`, also handing back the member's deflate stream (so the log can keep it as it is).

    Only a plainly valid deflated member takes this path: its local header as `list_members` saw it,
    its compressed bytes inflating to exactly the declared size with the declared CRC-32, nothing
    after the stream's end. Output is bounded by the declared size (itself at most `limit`). Anything
    else, or a stored member, goes through `read_member`, whose checks and messages then apply.
    """
    return inflate_member(archive, index, read_deflate(archive, index, limit=limit), display, limit=limit)


def read_deflate(archive: zipfile.ZipFile, index: int, *, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
    """A plainly deflated member's compressed bytes as they sit in the archive, not inflated; None for a
    stored, encrypted or oddly flagged member, one over `limit`, or one whose local header disagrees
    with the central directory. (Hashing these finds a member already in the log without inflating it.)
    """
    info = archive.infolist()[index]
    handle = archive.fp
    if (
        handle is None
        or info.compress_type != zipfile.ZIP_DEFLATED
        or info.flag_bits & _FLAGS_NOT_PLAIN
        or info.file_size > limit
        or info.compress_size > limit
    ):
        return None
    try:
        lengths = _local_header(handle, info)
        if lengths is None:
            return None
        name_length, extra_length = lengths
        name = handle.read(name_length)
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        if name.decode(encoding) != info.orig_filename:
            return None
        handle.seek(extra_length, 1)
        deflate = handle.read(info.compress_size)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return deflate if len(deflate) == info.compress_size else None


def inflate_member(
    archive: zipfile.ZipFile,
    index: int,
    deflate: bytes | None,
    display: str,
    *,
    limit: int = MAX_MEMBER_BYTES,
) -> MemberBytes:
    """The member's content from its `read_deflate` bytes, checked against the declared size and CRC-32;
    through `read_member` (its checks and messages) when `deflate` is None or does not check out."""
    if deflate is not None:
        info = archive.infolist()[index]
        try:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            data = inflater.decompress(deflate, info.file_size + 1)
            valid = (
                len(data) == info.file_size
                and inflater.eof
                and not inflater.unused_data
                and zlib.crc32(data) == info.CRC
            )
        except zlib.error:
            valid = False
        if valid:
            return MemberBytes(data, deflate)
    return MemberBytes(read_member(archive, index, display, limit=limit))


def copy_member(
    archive: zipfile.ZipFile, index: int, target: Path, display: str, *, limit: int = MAX_NESTED_ZIP_BYTES
) -> int:
    """Copy one member (a nested zip) to `target`, bounded by `limit` bytes actually written."""
    info = archive.infolist()[index]
    written = 0
    try:
        with archive.open(info) as stream, target.open("wb") as out:
            for chunk in _chunks(stream):
                written += len(chunk)
                if written > limit:
                    raise UnsafeFile(display, f"expands past {limit} bytes", format="zip")
                out.write(chunk)
    except OSError as error:
        target.unlink(missing_ok=True)
        if error.errno in {errno.ENOSPC, errno.EDQUOT}:
            raise DiskFull(f"a temporary copy of {display}") from None
        raise CorruptFile(display, f"damaged nested archive ({error})", format="zip") from None
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        target.unlink(missing_ok=True)
        raise CorruptFile(display, f"damaged nested archive ({error})", format="zip") from None
    except UnsafeFile:
        target.unlink(missing_ok=True)
        raise
    return written


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            return
        yield chunk


def is_zip(path: Path) -> bool:
    """Whether a file starts like a zip archive (by content, not extension)."""
    try:
        with path.open("rb") as handle:
            return handle.read(4) in {_LOCAL_MAGIC, b"PK\x05\x06"}
    except OSError:
        return False


__all__ = [
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "BudgetExceeded",
    "ByteSpan",
    "Listing",
    "Member",
    "MemberBytes",
    "Refused",
    "UploadBudget",
    "base_name",
    "copy_member",
    "inflate_member",
    "is_macos_metadata",
    "is_zip",
    "list_members",
    "open_zip",
    "read_deflate",
    "read_member",
    "read_member_with_deflate",
    "stored_member_span",
    "unsafe_name_reason",
]
