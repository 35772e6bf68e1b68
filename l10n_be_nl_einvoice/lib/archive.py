"""Statement files as they arrive: one file, or a zip archive of them, read within
limits so that a small upload cannot exhaust the server's memory (a "zip bomb": a few
hundred kilobytes that unpack to gigabytes).

Nothing here trusts what an archive says of itself: the sizes in a zip's directory are
checked first (a cheap refusal), then every member is read in pieces and counted as
it unpacks, so a member that lies about its size stops as soon as it passes a limit.
"""

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .ubl_messages import _lt

MIB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one import may unpack. A CODA file of 10,000 movements is about 4 MiB and
    compresses about 20 times; the defaults leave a wide margin above real files."""

    file_size: int = 32 * MIB  # a plain file, and each member of an archive
    members: int = 1000  # files in one archive
    total_size: int = 128 * MIB  # all members of one archive, unpacked
    ratio: int = 200  # unpacked / packed size of a member …
    ratio_from: int = 1 * MIB  # … checked once the member is past this size


class ArchiveError(ValueError):
    """A file or archive refused before it is imported. ``message`` is a translatable
    template, ``params`` its values; ``name`` the file (and member) concerned."""

    def __init__(self, name, message, **params):
        self.name = name
        self.message = message
        self.params = params
        super().__init__(f"{name}: {message % params}")


def _mib(size):
    return f"{size / MIB:.1f} MiB"


def unpack(
    name: str, raw: bytes, limits: Limits | None = None
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(name, content)`` for `raw`: itself when it is a plain file, else each
    file of the zip archive in name order (as ``archive.zip/member``; folders and
    macOS resource forks left out). Raises `ArchiveError` as soon as a limit is
    passed; nothing is yielded for an archive that breaks a limit in its directory."""
    limits = limits or Limits()
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        if len(raw) > limits.file_size:
            raise ArchiveError(
                name,
                _lt("The file is %(size)s; files of at most %(limit)s are imported."),
                size=_mib(len(raw)),
                limit=_mib(limits.file_size),
            )
        yield name, raw
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as error:
        raise ArchiveError(
            name, _lt("The zip archive cannot be read: %(error)s"), error=str(error)
        ) from error
    with archive:
        members = sorted(
            (
                info
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            ),
            key=lambda info: info.filename,
        )
        _check_directory(name, members, limits)
        total = 0
        for info in members:
            content = _read_member(
                name, archive, info, limits, limits.total_size - total
            )
            total += len(content)
            yield f"{name}/{info.filename}", content


def _check_directory(name, members, limits):
    if len(members) > limits.members:
        raise ArchiveError(
            name,
            _lt(
                "The archive holds %(count)s files; at most %(limit)s are imported "
                "at once."
            ),
            count=len(members),
            limit=limits.members,
        )
    declared = sum(info.file_size for info in members)
    if declared > limits.total_size:
        raise ArchiveError(
            name,
            _lt(
                "The archive unpacks to %(size)s; at most %(limit)s are imported "
                "at once."
            ),
            size=_mib(declared),
            limit=_mib(limits.total_size),
        )
    for info in members:
        _check_member_size(name, info, info.file_size, limits)


def _check_member_size(name, info, size, limits):
    where = f"{name}/{info.filename}"
    if size > limits.file_size:
        raise ArchiveError(
            where,
            _lt("The file is %(size)s; files of at most %(limit)s are imported."),
            size=_mib(size),
            limit=_mib(limits.file_size),
        )
    if size > limits.ratio_from and size > limits.ratio * max(info.compress_size, 1):
        raise ArchiveError(
            where,
            _lt(
                "The file unpacks to more than %(ratio)s times its packed size: it is "
                "not a bank statement (a zip bomb?)."
            ),
            ratio=limits.ratio,
        )


def _read_member(name, archive, info, limits, room):
    """The member's content, read in pieces and counted as it unpacks: its declared
    size may be a lie."""
    pieces = []
    size = 0
    try:
        with archive.open(info) as member:
            while piece := member.read(CHUNK):
                size += len(piece)
                _check_member_size(name, info, size, limits)
                if size > room:
                    raise ArchiveError(
                        name,
                        _lt(
                            "The archive unpacks to more than %(limit)s; at most "
                            "%(limit)s are imported at once."
                        ),
                        limit=_mib(limits.total_size),
                    )
                pieces.append(piece)
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        OSError,
    ) as error:
        # A damaged member (bad CRC, truncated or corrupt data), an encrypted one
        # (zipfile raises RuntimeError for a missing password) or a compression
        # method zipfile does not know.
        raise ArchiveError(
            f"{name}/{info.filename}",
            _lt("The file cannot be unpacked: %(error)s"),
            error=str(error),
        ) from error
    return b"".join(pieces)
