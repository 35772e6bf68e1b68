"""The legal mentions an invoice carries, by case, in the invoice's language.

Which case applies follows from the kinds of the taxes on the invoice (see
`vat_categories`: reverse charge, intra-EU supply, export, exemption) and from the
seller's VAT scheme (the Belgian small-business exemption, the Dutch KOR). The texts,
their legal basis and the publications they were checked against live in
``legal_mentions.json`` next to this module: one entry per case, with for each
source its address and whether it was read on an official site (``official``),
elsewhere (``secondary``) or inferred (``derived``).
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("legal_mentions.json")
LANGUAGES = ("nl", "fr", "de", "en")
# Tax kinds that need no mention of their own.
PLAIN_KINDS = frozenset({"standard", "zero"})
SCHEMES = {"be_franchise": "be_franchise", "nl_kor": "nl_kor"}


@dataclass(frozen=True)
class Case:
    key: str
    country: str
    basis: str
    texts: dict
    category: str
    vatex: str | None
    sources: tuple

    def text(self, lang):
        """The mention in `lang` (an Odoo language code such as 'nl_BE' or 'fr')."""
        return self.texts[language(lang)]


def language(lang):
    """'nl_BE' -> 'nl'; the language of a mention, English when not ours."""
    code = (lang or "").split("_")[0].lower()
    return code if code in LANGUAGES else "en"


@cache
def cases():
    """Every case, by key, from the data file."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    found = {}
    for key, entry in raw["cases"].items():
        missing = [lang for lang in LANGUAGES if not entry["texts"].get(lang)]
        if missing:
            raise ValueError(f"legal mention {key}: no text in {', '.join(missing)}")
        found[key] = Case(
            key,
            entry["country"],
            entry["basis"],
            dict(entry["texts"]),
            entry["category"],
            entry.get("vatex"),
            tuple(entry["sources"]),
        )
    return found


def case_key(kind, country, vatex=None):
    """The case of a tax kind for a seller in `country` ('BE', 'NL'), or None
    when the kind needs no mention. An exemption with a code has its own case when
    the data knows it (e.g. 'be_exempt_VATEX-EU-132'), else the country's general
    exemption."""
    if not kind or kind in PLAIN_KINDS:
        return None
    prefix = (country or "").lower()
    known = cases()
    for key in (f"{prefix}_{kind}_{vatex}" if vatex else None, f"{prefix}_{kind}"):
        if key and key in known:
            return key
    return kind if kind in known else None


def cases_for(kinds, country, scheme="standard"):
    """The cases of an invoice, in a stable order and each once: the seller's
    exemption scheme alone when it has one (it charges no VAT at all), else one
    per kind of tax on the invoice. `kinds` are (kind, VATEX code) pairs."""
    if scheme in SCHEMES:
        return [SCHEMES[scheme]]
    found = []
    for kind, vatex in kinds:
        key = case_key(kind, country, vatex)
        if key and key not in found:
            found.append(key)
    return sorted(found, key=list(cases()).index)


def mentions(keys, lang):
    """The texts of `keys` in `lang`."""
    known = cases()
    return [known[key].text(lang) for key in keys]
