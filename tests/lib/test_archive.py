"""Statement archives are unpacked within limits: a zip bomb is refused while it is
read, with a message naming the file, and never fills the memory."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from l10n_be_nl_einvoice_lib import archive
from l10n_be_nl_einvoice_lib.archive import MIB, ArchiveError, Limits
from l10n_be_nl_einvoice_lib.archive_writer import zip_bomb

CODA = b"0000001012612345" + b" " * 112 + b"\n"


def make_zip(members, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zipped:
        for name, content in members:
            zipped.writestr(name, content)
    return buffer.getvalue()


def lie_about_size(raw, member_name, declared):
    """The zip's local header and central directory claim `declared` bytes for the
    member (zipfile then stops reading at the claimed size; a reader that trusted
    a larger claim would allocate it)."""
    data = bytearray(raw)
    name = member_name.encode()
    local = data.find(b"PK\x03\x04")
    assert data[local + 30 : local + 30 + len(name)] == name
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def test_a_plain_file_is_itself():
    assert list(archive.unpack("day.cod", CODA)) == [("day.cod", CODA)]


def test_an_archive_gives_its_files_in_name_order_without_folders_or_resource_forks():
    raw = make_zip(
        [
            ("b.cod", CODA),
            ("a/", b""),
            ("a/first.csv", b"x;y\n"),
            ("__MACOSX/._b.cod", b"\x00\x05"),
        ]
    )
    assert list(archive.unpack("june.zip", raw)) == [
        ("june.zip/a/first.csv", b"x;y\n"),
        ("june.zip/b.cod", CODA),
    ]


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    bomb = zip_bomb(300 * MIB)
    assert len(bomb) < 400 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveError) as caught:
            list(archive.unpack("statements.zip", bomb))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.name == "statements.zip"
    assert "unpacks to 300.0 MiB; at most 128.0 MiB" in str(caught.value)
    assert peak < 2 * MIB
    # Within the total, the member alone is still too big.
    with pytest.raises(ArchiveError) as caught:
        list(archive.unpack("statements.zip", bomb, Limits(total_size=1024 * MIB)))
    assert caught.value.name == "statements.zip/statement.cod"
    assert "The file is 300.0 MiB; files of at most 32.0 MiB" in str(caught.value)


def test_a_member_that_hides_its_size_is_stopped_while_it_unpacks():
    # Honest headers would be refused at once; these claim 1 KiB per member, and
    # the archive holds many such members that each unpack past the ratio.
    content = bytes(3 * MIB)
    raw = lie_about_size(make_zip([("a.cod", content)]), "a.cod", 1024)
    limits = Limits(ratio=50, ratio_from=MIB)
    with pytest.raises(ArchiveError) as caught:
        list(archive.unpack("x.zip", raw, limits))
    # zipfile reads no more than the claimed size, then finds the CRC wrong.
    assert caught.value.name == "x.zip/a.cod"
    assert "cannot be unpacked" in str(caught.value)


def test_the_ratio_is_checked_while_reading():
    raw = make_zip([("a.cod", bytes(4 * MIB))])
    limits = Limits(ratio=20, ratio_from=MIB)
    with pytest.raises(ArchiveError, match="more than 20 times"):
        list(archive.unpack("x.zip", raw, limits))


def test_too_many_members_and_too_much_in_all_are_refused():
    raw = make_zip([(f"{i:04}.cod", CODA) for i in range(12)])
    with pytest.raises(ArchiveError, match="holds 12 files; at most 10"):
        list(archive.unpack("x.zip", raw, Limits(members=10)))
    raw = make_zip([(f"{i}.cod", b"1" * (MIB // 2)) for i in range(5)])
    with pytest.raises(ArchiveError, match="unpacks to 2.5 MiB; at most 2.0 MiB"):
        list(archive.unpack("x.zip", raw, Limits(total_size=2 * MIB)))


def test_a_big_plain_file_is_refused():
    with pytest.raises(ArchiveError, match="The file is 2.0 MiB; files of at most"):
        list(archive.unpack("big.csv", b"x" * (2 * MIB), Limits(file_size=MIB)))


def test_a_damaged_archive_names_the_file():
    raw = make_zip([("a.cod", CODA * 50)])
    # Damage the compressed bytes of the member, after its local header.
    data = bytearray(raw)
    start = data.find(b"a.cod") + len("a.cod")
    for i in range(start + 2, start + 12):
        data[i] ^= 0xFF
    damaged = bytes(data)
    with pytest.raises(ArchiveError) as caught:
        list(archive.unpack("x.zip", damaged))
    assert caught.value.name == "x.zip/a.cod"
