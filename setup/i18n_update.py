"""Refresh each addon's .pot from the test database and merge it into nl.po and fr.po:
translations kept, new terms added untranslated (the test suite then names them),
terms gone removed.   ./setup/i18n
"""

import subprocess
import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
LANGS = {"nl": "nplurals=2; plural=(n != 1);", "fr": "nplurals=2; plural=(n > 1);"}


def export_pot(addon, conf, db):
    pot = REPO / addon / "i18n" / f"{addon}.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "odoo", "-c", conf, "-d", db, f"--i18n-export={pot}",
         f"--modules={addon}", "--stop-after-init", "--log-level=warn"],
        check=True,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return polib.pofile(str(pot))


def merge(pot, po_path, lang):
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {entry.msgid: entry.msgstr for entry in old if entry.msgstr}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata, Language=lang, **{"Plural-Forms": LANGS[lang]})
    for entry in pot:
        entry.msgstr = known.get(entry.msgid, "")
        po.append(entry)
    po.save(str(po_path))
    return [entry.msgid for entry in po if not entry.msgstr]


def main(conf, db):
    for manifest in sorted(REPO.glob("*/__manifest__.py")):
        addon = manifest.parent.name
        pot = export_pot(addon, conf, db)
        for lang in LANGS:
            missing = merge(pot, REPO / addon / "i18n" / f"{lang}.po", lang)
            for msgid in missing:
                print(f"{addon}/i18n/{lang}.po: to translate: {msgid!r}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
