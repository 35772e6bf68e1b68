"""Our CODA parser against another one: where `pycoda` (the parser OCA's import uses)
reads a public sample file, both agree on every movement's amount, dates and
communication."""

from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib import coda

from conftest import SHARED

pycoda = pytest.importorskip("coda.parser")
FILES = SHARED / "coda" / "files"
SAMPLES = sorted(
    str(path.relative_to(FILES)) for path in FILES.rglob("*") if path.is_file()
) if FILES.is_dir() else []  # fmt: skip


def theirs(data):
    try:
        return pycoda.Parser().parse(data)
    except Exception:  # noqa: BLE001 - what the other parser refuses is not compared
        return None


def letters(text):
    # pycoda puts a blank where a communication continues on the next record, even
    # inside a word; the specification joins the parts as they are.
    return "".join((text or "").split())


@pytest.mark.skipif(not SAMPLES, reason="needs ../shared/coda")
@pytest.mark.parametrize("name", SAMPLES)
def test_movements_agree_with_pycoda(name):
    data = (FILES / name).read_bytes()
    other = theirs(data)
    if other is None:
        pytest.skip("pycoda does not read this file")
    try:
        ours = coda.parse(data, strict=False)
    except coda.CodaError as error:
        pytest.skip(f"refused with a reason: {error}")
    assert len(ours.statements) == len(other)
    compared = 0
    for mine, their in zip(ours.statements, other, strict=True):
        by_ref = {(m.sequence, m.detail): m for m in mine.movements}
        for movement in their.movements:
            key = (int(movement.ref_move), int(movement.ref_move_detail))
            m = by_ref[key]
            sign = -1 if movement.transaction_amount_sign == "1" else 1
            amount = Decimal(str(movement.transaction_amount)).quantize(
                Decimal("0.001")
            )
            assert m.amount == sign * amount, key
            assert str(m.value_date or "") == (movement.transaction_date or ""), key
            assert str(m.entry_date or "") == (movement.entry_date or ""), key
            if movement.communication_is_structured and m.structured_reference:
                # pycoda appends the free text that follows to the reference.
                assert movement.communication.startswith(m.structured_reference), key
            elif not movement.communication_is_structured:
                assert letters(m.communication) == letters(movement.communication), key
            compared += 1
    assert compared == sum(len(s.movements) for s in other)
