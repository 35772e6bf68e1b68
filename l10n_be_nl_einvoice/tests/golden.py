# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Golden e-invoices: the reviewed XML of each hard case, compared after export.

What changes from run to run (the invoice number, its payment reference, the PDF) is
replaced by a placeholder; the rest must match byte for byte. Set
EINVOICE_UPDATE_GOLDEN=1 to write the files anew, then review the diff and validate
them (tests/lib/test_golden_files.py runs the official rules on each).
"""

import os
import re
from pathlib import Path

from lxml import etree

GOLDEN_DIR = Path(__file__).parent / "golden"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# base64 of "%PDF placeholder": the embedded PDF differs from run to run.
PDF_PLACEHOLDER = "JVBERiBwbGFjZWhvbGRlcg=="
PARSER = etree.XMLParser(
    remove_blank_text=True, resolve_entities=False, no_network=True
)


def normalise(xml, replacements=()):
    """Pretty-printed XML with the run's own values replaced by placeholders."""
    root = etree.fromstring(xml if isinstance(xml, bytes) else xml.encode(), PARSER)
    for binary in root.iterfind(".//cbc:EmbeddedDocumentBinaryObject", NS):
        binary.text = PDF_PLACEHOLDER
    text = etree.tostring(root, pretty_print=True, encoding="unicode")
    # The order of the namespace declarations carries no meaning: sort them.
    head, rest = text.split(">", 1)
    name, *declarations = re.findall(r'<\S+|xmlns(?::\w+)?="[^"]*"', head)
    text = " ".join([name, *sorted(declarations)]) + ">" + rest
    for value, placeholder in replacements:
        if value:
            text = text.replace(value, placeholder)
    return text


def compare(case, xml, replacements=()):
    """(expected, actual) for a golden file (expected None when it is missing);
    writes the file first when EINVOICE_UPDATE_GOLDEN is set."""
    actual = normalise(xml, replacements)
    path = GOLDEN_DIR / f"{case}.xml"
    if os.environ.get("EINVOICE_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    if not path.exists():
        return None, actual
    return path.read_text(encoding="utf-8"), actual


def values(xml, xpath):
    root = etree.fromstring(xml if isinstance(xml, bytes) else xml.encode(), PARSER)
    return [
        node if isinstance(node, str) else node.text
        for node in root.xpath(xpath, namespaces=NS)
    ]
