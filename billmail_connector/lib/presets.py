"""The import mailboxes of the accounting packages used in Belgium and the Netherlands,
and how each one's addresses are made.

What the packages publish (their help pages, 2025-2026), and what follows for us:

* ClearFacts: one address per tray of a dossier, the tray's name followed by the
  company number, at the accounting office's sub-domain: ``<tray><number>@<office>
  .clearfacts.be``. The purchase tray's address is the bare company number. The
  addresses are case-sensitive and listed under the dossier's settings. Accepts UBL
  (e-fff) and PDF, at most 20 MB per message.
* Yuki: one address per administration, ``<name>@yukiworks.nl`` or ``…yukiworks.be``;
  Yuki tells purchase from sales documents itself. A UBL and a PDF sent as separate
  files are taken as one document only when their file names match.
* Octopus: a mailbox per dossier, shown under Management > Dossiers; integrators ask
  for a purchase and a sales address, which change when the dossier's folders do. Not
  built: pasted.
* WinBooks Connect: an address chosen per dossier, ending in ``@winbooksconnect.be``,
  ``@myinvoices.be`` or ``@mydocs.be``; documented for purchase invoices.
* Billtobox (Netherlands): sales invoices, one per e-mail, from a sender on the
  account's trusted list, to the address ``<KvK number>@out.nl.billtobox.com``,
  with the subject the account's settings show; the purchase address is pasted.

Nothing here imports Odoo: the addon turns a :class:`PresetError` into a message in
the user's language.
"""

import re
from dataclasses import dataclass

SALES = ("out_invoice", "out_refund")
PURCHASES = ("in_invoice", "in_refund")
DOCUMENT_TYPES = SALES + PURCHASES

YUKI_DOMAINS = ("yukiworks.nl", "yukiworks.be")
WINBOOKS_DOMAINS = ("winbooksconnect.be", "myinvoices.be", "mydocs.be")

# A local part or a DNS label as a person would type it from the package's screen.
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class PresetError(ValueError):
    """An input a preset cannot build from: `code` says what, `field` which input."""

    def __init__(self, code, field, **params):
        super().__init__(f"{field}: {code} {params or ''}".strip())
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    # The inputs the preset reads (besides the company's identifiers).
    inputs: tuple
    # The UBL profile the package reads, by the company's country (None: any).
    profile: dict


PRESETS = {
    "clearfacts": Preset(
        "clearfacts",
        "ClearFacts",
        ("office", "sales_tray", "purchase_tray"),
        {"BE": "ublbe", None: "ublbe"},
    ),
    "yuki": Preset(
        "yuki",
        "Yuki",
        ("name", "domain"),
        {"BE": "ublbe", "NL": "nlcius", None: "peppol_bis3"},
    ),
    "octopus": Preset(
        "octopus",
        "Octopus",
        ("sales_address", "purchase_address"),
        {None: "ublbe"},
    ),
    "winbooks": Preset(
        "winbooks",
        "WinBooks Connect",
        ("name", "domain", "sales_address"),
        {None: "ublbe"},
    ),
    "billtobox_nl": Preset(
        "billtobox_nl",
        "Billtobox (Netherlands)",
        ("purchase_address",),
        {None: "nlcius"},
    ),
    "other": Preset(
        "other",
        "Other",
        ("sales_address", "purchase_address"),
        {"BE": "ublbe", "NL": "nlcius", None: "peppol_bis3"},
    ),
}


def default_domain(preset, country=None):
    """The domain proposed for a preset whose domain is a choice."""
    if preset == "yuki":
        return "yukiworks.be" if (country or "").upper() == "BE" else "yukiworks.nl"
    if preset == "winbooks":
        return WINBOOKS_DOMAINS[0]
    return ""


def profile_for(preset, country=None):
    """The UBL profile a preset's package reads, for a company in `country`."""
    profiles = PRESETS[preset].profile
    return profiles.get((country or "").upper(), profiles[None])


class _Inputs:
    """A preset's inputs, read and checked one by one."""

    def __init__(self, inputs):
        self.inputs = inputs

    def given(self, field):
        return (self.inputs.get(field) or "").strip()

    def needed(self, field):
        value = self.given(field)
        if not value:
            raise PresetError("missing", field)
        return value

    def local_part(self, field, required=True):
        value = self.needed(field) if required else self.given(field)
        if value and (
            not _LOCAL.match(value) or value.startswith(".") or value.endswith(".")
        ):
            raise PresetError("bad_local_part", field, value=value)
        return value

    def pasted(self, field):
        value = self.given(field)
        if value and (value.count("@") != 1 or not all(value.split("@"))):
            raise PresetError("bad_address", field, value=value)
        return value

    def domain(self, field, domains):
        domain = (self.given(field) or domains[0]).lower().lstrip("@")
        if domain not in domains:
            raise PresetError("bad_domain", field, value=domain, domains=domains)
        return domain


def _clearfacts(inputs, kbo, _kvk):
    if not kbo:
        raise PresetError("no_kbo", "company")
    # Accept what a user copies: "kantoor", "kantoor.clearfacts.be", "@kantoor…".
    office = inputs.needed("office").lower().lstrip("@").removesuffix(".clearfacts.be")
    if not _LABEL.match(office):
        raise PresetError("bad_label", "office", value=office)
    sales_tray = inputs.local_part("sales_tray")
    purchase_tray = inputs.local_part("purchase_tray", required=False)
    if sales_tray == purchase_tray:
        raise PresetError("same_tray", "sales_tray")
    domain = f"{office}.clearfacts.be"
    return _spread(f"{sales_tray}{kbo}@{domain}", f"{purchase_tray}{kbo}@{domain}")


def _yuki(inputs, _kbo, _kvk):
    # One address per administration: Yuki sorts what it receives.
    address = f"{inputs.local_part('name')}@{inputs.domain('domain', YUKI_DOMAINS)}"
    return _spread(address, address)


def _winbooks(inputs, _kbo, _kvk):
    name = inputs.local_part("name")
    address = f"{name}@{inputs.domain('domain', WINBOOKS_DOMAINS)}"
    return _spread(inputs.pasted("sales_address"), address)


def _billtobox_nl(inputs, _kbo, kvk):
    if not kvk:
        raise PresetError("no_kvk", "company")
    return _spread(f"{kvk}@out.nl.billtobox.com", inputs.pasted("purchase_address"))


def _pasted(inputs, _kbo, _kvk):
    # Octopus and any other package: the addresses as the package shows them.
    sales, purchases = inputs.pasted("sales_address"), inputs.pasted("purchase_address")
    if not sales and not purchases:
        raise PresetError("missing", "sales_address")
    return _spread(sales, purchases)


_BUILDERS = {
    "clearfacts": _clearfacts,
    "yuki": _yuki,
    "winbooks": _winbooks,
    "billtobox_nl": _billtobox_nl,
    "octopus": _pasted,
    "other": _pasted,
}


def build(preset, inputs, kbo=None, kvk=None):
    """The address of each document type for `preset`, from the preset's `inputs`
    (a dict; missing or empty inputs are None) and the company's Belgian enterprise
    number `kbo` (10 digits) or Dutch KvK number `kvk` (8 digits).

    Returns ``{document type: address}`` for the types the preset serves; raises
    :class:`PresetError` naming the input to fix."""
    if preset not in _BUILDERS:
        raise PresetError("unknown_preset", "preset", preset=preset)
    return _BUILDERS[preset](_Inputs(inputs), kbo, kvk)


def _spread(sales, purchases):
    """Invoices and credit notes of a side go to the same address."""
    addresses = {}
    for kind in SALES:
        if sales:
            addresses[kind] = sales
    for kind in PURCHASES:
        if purchases:
            addresses[kind] = purchases
    return addresses


def kvk_number(company_registry):
    """The 8-digit Dutch Chamber of Commerce number of a registry entry, or None."""
    digits = re.sub(r"\D", "", company_registry or "")
    return digits if len(digits) == 8 else None
