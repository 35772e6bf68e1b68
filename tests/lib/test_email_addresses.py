"""Invoice e-mail addresses: several per customer, each checked."""

import pytest
from l10n_be_nl_einvoice_lib.email_addresses import (
    is_address,
    normalise,
    problems,
    split,
)


@pytest.mark.parametrize(
    "address",
    [
        "fin@bakkerij-janssens.be",
        "boekhouding+facturen@example.nl",
        "o'brien@example.ie",
        "jean.dupont@sub.domaine.fr",
        "müller@bäckerei.de",
        "x@y.museum",
    ],
)
def test_addresses_a_mail_server_accepts(address):
    assert is_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "fin",
        "fin@",
        "@example.be",
        "fin@example",
        "fin@@example.be",
        "fin.@example.be",
        ".fin@example.be",
        "fi..n@example.be",
        "fin@-example.be",
        "fin@example-.be",
        "fin@example.b",
        "fin@example.12",
        "fin example@example.be",
        "fin@exa mple.be",
        "a" * 65 + "@example.be",
    ],
)
def test_what_is_not_an_address(address):
    assert not is_address(address)


def test_several_addresses_separated_by_semicolons_or_commas():
    text = " a@x.be;b@y.nl , Boekhouding <fin@z.be>;; A@X.BE "
    assert split(text) == ["a@x.be", "b@y.nl", "fin@z.be"]
    assert normalise(text) == "a@x.be; b@y.nl; fin@z.be"
    assert problems(text) == []


def test_problems_name_the_parts_as_typed():
    assert problems("a@x.be; b@y; c at z.nl") == ["b@y", "c at z.nl"]
    assert split("a@x.be; b@y") == ["a@x.be"]
    assert split("") == [] and problems(None) == []
