"""Invoice e-mail addresses as a bookkeeper types them: one or several, separated by
``;`` (or ``,``), with or without a display name (``Boekhouding <fin@x.be>``).

`split` gives the addresses in order, without duplicates (compared without case);
`problems` says which part is not an address a mail server would accept, so that a
form can refuse it and a batch can skip the invoice with the reason.

The check is the one mail servers apply to what they are given, not the full RFC 5322
grammar: a local part of letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` (no leading,
trailing or double dot), an ``@``, a domain of labels of letters, digits and inner
hyphens, ending in a top-level domain of two letters or more. Letters may be
non-ASCII (internationalised addresses).
"""

import re

_SEPARATORS = re.compile(r"[;,\n]")
_NAMED = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]+)>$")
_LOCAL = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?$")
_TLD = re.compile(r"^[^\W\d_]{2,63}$")


def _parts(text):
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def _address(part):
    named = _NAMED.match(part)
    return (named.group("address") if named else part).strip()


def is_address(address: str) -> bool:
    """Whether `address` (without display name) is a deliverable address form."""
    if address.count("@") != 1 or len(address) > 254:
        return False
    local, domain = address.rsplit("@", 1)
    if not local or len(local) > 64 or not _LOCAL.match(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    return all(_LABEL.match(label) for label in labels) and bool(_TLD.match(labels[-1]))


def problems(text: str) -> list[str]:
    """The parts of `text` that are not e-mail addresses, as typed."""
    return [part for part in _parts(text) if not is_address(_address(part))]


def split(text: str) -> list[str]:
    """The valid addresses of `text`, in order, each once; display names dropped."""
    seen, found = set(), []
    for part in _parts(text):
        address = _address(part)
        if is_address(address) and address.lower() not in seen:
            seen.add(address.lower())
            found.append(address)
    return found


def normalise(text: str) -> str:
    """`text` written back the usual way: ``a@x.be; b@y.nl``."""
    return "; ".join(split(text))
