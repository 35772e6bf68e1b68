"""Every user-facing string of each addon is translated in Dutch and French."""

import re

import polib
import pytest

from conftest import ADDONS, REPO


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("addon", ADDONS)
def test_every_exported_term_has_a_translation(addon, lang):
    i18n = REPO / addon / "i18n"
    template = polib.pofile(str(i18n / f"{addon}.pot"))
    catalog = polib.pofile(str(i18n / f"{lang}.po"))
    assert catalog.metadata.get("Language") == lang
    translated = {
        entry.msgid: entry.msgstr for entry in catalog if entry.msgstr.strip()
    }
    missing = [entry.msgid for entry in template if entry.msgid not in translated]
    assert not missing, f"{addon}/i18n/{lang}.po lacks: {missing}"
    stale = [
        entry.msgid
        for entry in catalog
        if entry.msgid not in {e.msgid for e in template}
    ]
    assert not stale, f"{addon}/i18n/{lang}.po has terms no longer in the .pot: {stale}"


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("addon", ADDONS)
def test_translations_keep_every_placeholder(addon, lang):
    catalog = polib.pofile(str(REPO / addon / "i18n" / f"{lang}.po"))
    placeholder = re.compile(r"%\(\w+\)s|%s")
    broken = [
        entry.msgid
        for entry in catalog
        if sorted(placeholder.findall(entry.msgid))
        != sorted(placeholder.findall(entry.msgstr))
    ]
    assert not broken, f"{addon}/i18n/{lang}.po changes placeholders in: {broken}"
