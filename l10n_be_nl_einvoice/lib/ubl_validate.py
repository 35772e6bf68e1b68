"""Pre-flight validation of UBL invoices and credit notes with the official rules.

Layers, as a receiver's access point or accounting software applies them:

* ``xsd``     OASIS UBL 2.1 schema (and no document type declaration: XML-DTD);
* ``en16931`` CEN EN 16931 business rules (BR-*, BR-CO-*, BR-S-*, ...);
* ``peppol``  Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-*, PEPPOL-COMMON-*);
* ``nlcius``  SI-UBL 2.0 / NLCIUS (embeds EN 16931, adds BR-NL-*);
* ``ublbe``   UBL.BE (Belgian accounting software).

The Schematron rules come compiled to XSLT and run with Saxon (``saxonche``); each
stylesheet is compiled once per process and kept. The rule files live in a cache folder
(``setup/rules.py`` fills it; its layout is the one of ``setup/rules.lock``).
"""

import base64
import json
import select
import subprocess
import sys
import threading
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "svrl": "http://purl.oclc.org/dsdl/svrl",
}
SCHEMAS = {
    NS["inv"]: "xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    NS["cn"]: "xsd/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
RULES = {
    "en16931": "cen/EN16931-UBL-validation.xslt",
    "peppol": "peppol/phive-2026.5-xslt/PEPPOL-EN16931-UBL.xslt",
    "nlcius": "nlcius/si-ubl-2.0.3.13.xslt",
    "ublbe": "ublbe/GLOBALUBL.BE-v1.31.xslt",
}
PROFILE_LAYERS = {
    "peppol_bis3": ("en16931", "peppol"),
    # The SI-UBL stylesheet carries the EN 16931 rules itself.
    "nlcius": ("nlcius",),
    # So does the UBL.BE one, with its own exemption codes (BETE-*) in place of
    # the CEF VATEX list that the EN 16931 stylesheet alone would demand.
    "ublbe": ("ublbe",),
}


class UblValidationError(ValueError):
    """The document cannot be checked at all (not XML, not UBL, rules missing)."""


# A UBL document has no document type declaration: its entities could read local files
# or the network, or grow a few bytes into gigabytes, and the schema cannot validate a
# tree in which they stay unexpanded. Such a document is invalid, its DTD never read.
DTD_FAILURE = (
    "The document has a document type declaration (<!DOCTYPE ...>), which a UBL "
    "e-invoice must not have; its entities are not read. Remove the declaration."
)


@dataclass(frozen=True)
class RuleFailure:
    layer: str
    rule: str
    flag: str  # "fatal" or "warning"
    text: str
    location: str = ""
    line: int = 0


@dataclass
class Report:
    profile: str
    failures: list = field(default_factory=list)

    @property
    def fatal(self):
        return [f for f in self.failures if f.flag == "fatal"]

    @property
    def valid(self):
        return not self.fatal

    def rule_ids(self, flag="fatal"):
        return sorted({f.rule for f in self.failures if f.flag == flag})


def parse_xml(data: bytes):
    """Parse untrusted XML: no entities, no network, no DTD."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise UblValidationError(f"not well-formed XML: {error}") from error


def profile_of(root) -> str:
    """The profile a document claims by its CustomizationID."""
    customization = (root.findtext("cbc:CustomizationID", namespaces=NS) or "").strip()
    if "nen.nl:nlcius" in customization or "nen.nl:gaccount" in customization:
        return "nlcius"
    if "UBL.BE" in customization:
        return "ublbe"
    return "peppol_bis3"


class Validator:
    """Validates UBL documents against the rules in `rules_dir`. One per process is
    enough (see `get_validator`): compiled schemas and stylesheets are kept."""

    def __init__(self, rules_dir):
        self.rules_dir = Path(rules_dir)
        self._schemas = {}
        self._stylesheets = {}
        self._lock = threading.Lock()  # Saxon's processor is shared by the threads
        self._saxon = None

    def _path(self, relative):
        path = self.rules_dir / relative
        if not path.is_file():
            raise UblValidationError(
                f"validation rule file {relative} is missing in {self.rules_dir}"
            )
        return path

    def _schema(self, namespace):
        if namespace not in self._schemas:
            parser = etree.XMLParser(no_network=True)
            tree = etree.parse(str(self._path(SCHEMAS[namespace])), parser)
            self._schemas[namespace] = etree.XMLSchema(tree)
        return self._schemas[namespace]

    def _stylesheet(self, layer):
        if layer not in self._stylesheets:
            if self._saxon is None:
                from saxonche import PySaxonProcessor

                processor = PySaxonProcessor(license=False)
                self._saxon = (processor, processor.new_xslt30_processor())
            path = self._path(RULES[layer])
            self._stylesheets[layer] = self._saxon[1].compile_stylesheet(
                stylesheet_file=str(path)
            )
        return self._stylesheets[layer]

    def check_xsd(self, root):
        namespace = etree.QName(root).namespace
        if namespace not in SCHEMAS:
            raise UblValidationError(
                f"the root element {etree.QName(root).localname} is not a UBL Invoice "
                "or CreditNote"
            )
        if root.getroottree().docinfo.doctype:
            return [RuleFailure("xsd", "XML-DTD", "fatal", DTD_FAILURE)]
        schema = self._schema(namespace)
        if schema.validate(root):
            return []
        return [
            RuleFailure("xsd", "XSD", "fatal", error.message, "", error.line)
            for error in schema.error_log
        ]

    def check_rules(self, layers, xml_text):
        """Run the Schematron `layers` on one document, parsed once for all of them."""
        from saxonche import PySaxonApiError

        failures = []
        with self._lock:
            stylesheets = [(layer, self._stylesheet(layer)) for layer in layers]
            try:
                node = self._saxon[0].parse_xml(xml_text=xml_text)
                outputs = [
                    (layer, s.transform_to_string(xdm_node=node))
                    for layer, s in stylesheets
                ]
            except PySaxonApiError as error:
                raise UblValidationError(
                    f"the rules could not run on the document: {error}"
                ) from error
        for layer, output in outputs:
            failures += self._failures(layer, output)
        return failures

    @staticmethod
    def _failures(layer, output):
        svrl = etree.fromstring(output.encode("utf-8"))
        failures = []
        for element in svrl.iterfind(".//svrl:failed-assert", NS):
            text = element.find("svrl:text", NS)
            failures.append(
                RuleFailure(
                    layer,
                    element.get("id") or "",
                    (element.get("flag") or element.get("role") or "fatal").lower(),
                    " ".join("".join(text.itertext()).split())
                    if text is not None
                    else "",
                    element.get("location") or "",
                )
            )
        return failures

    def validate(self, data: bytes, profile=None) -> Report:
        """XSD first: a document the schema rejects is not run through the rules."""
        root = parse_xml(data)
        profile = profile or profile_of(root)
        if profile not in PROFILE_LAYERS:
            raise UblValidationError(f"unknown UBL profile {profile!r}")
        report = Report(profile, self.check_xsd(root))
        if report.failures:
            return report
        xml_text = etree.tostring(root, encoding="unicode")
        report.failures += self.check_rules(PROFILE_LAYERS[profile], xml_text)
        return report


class ValidatorProcess:
    """A `Validator` in a helper process of its own.

    Saxon (GraalVM) reserves a large address space when it starts; Odoo limits each
    server process's address space (limit_memory_hard, 2.5 GiB by default), under
    which Saxon cannot start and ends the whole process. The helper lifts its own soft
    limit back to the hard one, keeps the compiled rules warm, and a crash or a hang
    there costs one restart, not an Odoo worker. Requests are JSON lines."""

    def __init__(self, rules_dir, timeout=120):
        self.rules_dir = str(Path(rules_dir).resolve())
        self.timeout = timeout
        self._process = None
        self._lock = threading.Lock()

    def _start(self):
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--serve", self.rules_dir],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def _ask(self, request, retry=True):
        if self._process is None or self._process.poll() is not None:
            self._start()
        try:
            self._process.stdin.write(json.dumps(request).encode() + b"\n")
            self._process.stdin.flush()
            ready, _w, _x = select.select([self._process.stdout], [], [], self.timeout)
            line = self._process.stdout.readline() if ready else b""
        except BrokenPipeError:
            ready, line = True, b""
        if not line:
            self.close()
            if ready and retry:  # the helper had stopped: one fresh start
                return self._ask(request, retry=False)
            raise UblValidationError(
                "the validator did not answer" if not ready else "the validator stopped"
            )
        answer = json.loads(line)
        if "error" in answer:
            raise UblValidationError(answer["error"])
        return answer

    def validate(self, data: bytes, profile=None) -> Report:

        request = {"xml": base64.b64encode(data).decode(), "profile": profile}
        with self._lock:
            answer = self._ask(request)
        return Report(answer["profile"], [RuleFailure(**f) for f in answer["failures"]])

    def validate_many(self, documents):
        """The reports of `documents` ((xml bytes, profile) pairs), checked in one
        exchange with the helper; a document that cannot be checked has its
        `UblValidationError` in its place. Thread-safe: another thread can render
        while this one waits for the helper."""
        if not documents:
            return []
        request = {
            "batch": [
                {"xml": base64.b64encode(data).decode(), "profile": profile}
                for data, profile in documents
            ]
        }
        with self._lock:
            answer = self._ask(request)
        return [
            UblValidationError(item["error"])
            if "error" in item
            else Report(item["profile"], [RuleFailure(**f) for f in item["failures"]])
            for item in answer["reports"]
        ]

    def close(self):
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def _answer(validator, request):
    try:
        report = validator.validate(
            base64.b64decode(request["xml"]), request["profile"]
        )
    except (UblValidationError, ValueError, KeyError, TypeError) as error:
        return {"error": str(error)}
    except Exception as error:  # noqa: BLE001 - answered, the helper stays up
        # The helper's boundary: a document that fails in a way not foreseen is
        # answered with the error, and the helper stays up for the next one.
        traceback.print_exc(file=sys.stderr)
        return {"error": f"the document could not be checked: {error!r}"}
    return {"profile": report.profile, "failures": [asdict(f) for f in report.failures]}


def serve(rules_dir, stdin, stdout):
    """The helper's loop: one JSON request per line in, one JSON answer per line out;
    a request ``{"batch": [...]}`` is answered with ``{"reports": [...]}``. Every
    request gets an answer and the helper stays up for the next one: a document that
    fails in a way not foreseen is answered with the error, not by a stopped helper
    (whose restart costs Saxon's start and its compiled rules)."""
    validator = Validator(rules_dir)
    for line in stdin:
        try:
            request = json.loads(line)
            if "batch" in request:
                answer = {"reports": [_answer(validator, r) for r in request["batch"]]}
            else:
                answer = _answer(validator, request)
        except (ValueError, TypeError) as error:
            answer = {"error": str(error)}
        stdout.write(json.dumps(answer).encode() + b"\n")
        stdout.flush()


_validators = {}
_validators_lock = threading.Lock()


def get_validator(rules_dir) -> ValidatorProcess:
    """The process-wide validator of a rules folder."""
    key = str(Path(rules_dir).resolve())
    with _validators_lock:
        if key not in _validators:
            _validators[key] = ValidatorProcess(key)
        return _validators[key]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        import resource

        # Lift the address-space limit inherited from Odoo (soft, up to the hard one)
        # before Saxon reserves its memory.
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        serve(sys.argv[2], sys.stdin.buffer, sys.stdout.buffer)
