"""Archives written for the tests and benchmarks of the statement import, as
`coda_writer` writes CODA files: a zip bomb that costs no memory to write."""

import io
import zipfile

from .archive import MIB


def zip_bomb(size, name="statement.cod"):
    """One member `name` of `size` zero bytes, written in pieces: a few hundred
    kilobytes on disk per 300 MiB unpacked."""
    buffer = io.BytesIO()
    zeros = bytes(MIB)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped,
        zipped.open(name, "w", force_zip64=True) as member,
    ):
        for _ in range(size // MIB):
            member.write(zeros)
    return buffer.getvalue()
