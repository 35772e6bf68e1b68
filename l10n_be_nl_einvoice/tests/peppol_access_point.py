# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A stand-in for Odoo's Peppol access point, the server account_edi_proxy_client talks
to: JSON-RPC over HTTP on 127.0.0.1, requests signed by the proxy user's refresh token.

It answers what Odoo 18.0's account_peppol asks while sending and following
invoices: ``/api/peppol/1/send_document`` (a message id per document),
``/api/peppol/1/get_document`` (per message id: its state, or an error),
``/api/peppol/1/ack`` and the participant status. A test settles a message as the
network would (`settle`), and sets the fault of the next send (`fault`): its answer
lost (the document received, then the connection dropped) or an error answer.
`register_company` registers a test class's company with it.

`PeppolDirectory` stands in for the Peppol directory (SML/SMP) participants are
looked up in: registered, unknown, or not reachable at all.
"""

import base64
import hashlib
import hmac
import json
import os
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from unittest.mock import patch

import requests
from lxml import etree

import odoo


class PeppolAccessPoint:
    def __init__(self, id_client, refresh_token):
        self.id_client = id_client
        self.refresh_token = refresh_token
        # message id -> {"receiver", "filename", "ubl" (bytes), "state", "error"}
        self.documents = {}
        self.acked = []
        self.participant_state = "receiver"
        # The next send's fault: None, "lost" (no answer) or ("error", message).
        self.fault = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def reset(self):
        with self._lock:
            self.documents.clear()
            self.acked.clear()
            self.fault = None

    def settle(self, message_uuid, state, error=None):
        """What the network made of a message: "processing", "done" or "error"; with
        `error` (e.g. the receiver's rejection) the access point reports that error
        for it, as Odoo 18.0 reads a receiver's rejection."""
        with self._lock:
            self.documents[message_uuid].update(state=state, error=error)

    # -- the API ----------------------------------------------------------------------

    def _send_document(self, params):
        messages = []
        for document in params["documents"]:
            message_uuid = str(uuid.uuid4())
            self.documents[message_uuid] = {
                "receiver": document["receiver"],
                "filename": document["filename"],
                "ubl": base64.b64decode(document["ubl"]),
                "state": "processing",
                "error": None,
            }
            messages.append({"message_uuid": message_uuid})
        return {"messages": messages}

    def _get_document(self, params):
        answer = {}
        for message_uuid in params["message_uuids"]:
            document = self.documents.get(message_uuid)
            if document is None:
                answer[message_uuid] = {
                    "error": {"code": 404, "message": "Unknown message"}
                }
            elif document["error"]:
                answer[message_uuid] = {
                    "error": {"code": 301, "message": document["error"]}
                }
            else:
                answer[message_uuid] = {
                    "state": document["state"],
                    "direction": "outgoing",
                    "filename": document["filename"],
                    "accounting_supplier_party": False,
                    "document_type": "Invoice",
                }
        return answer

    def _ack(self, params):
        self.acked.extend(params["message_uuids"])
        return {}

    def _participant_status(self, _params):
        return {"peppol_state": self.participant_state}

    ROUTES: ClassVar[dict[str, str]] = {
        "/api/peppol/1/send_document": "_send_document",
        "/api/peppol/1/get_document": "_get_document",
        "/api/peppol/1/ack": "_ack",
        "/api/peppol/1/participant_status": "_participant_status",
        "/api/peppol/2/participant_status": "_participant_status",
    }

    def _signed(self, headers, path, body):
        """The signature account_edi_proxy_client's OdooEdiProxyAuth puts on a
        request: HMAC-SHA256 of timestamp|path|client id|query|body, keyed by the
        refresh token."""
        if headers.get("odoo-edi-client-id") != self.id_client:
            return False
        message = "|".join(
            [
                headers.get("odoo-edi-timestamp", ""),
                path,
                self.id_client,
                json.dumps({}),
                json.dumps(body, sort_keys=True),
            ]
        )
        expected = hmac.new(
            base64.b64decode(self.refresh_token), message.encode(), hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, headers.get("odoo-edi-signature", ""))

    def _answer(self, path, headers, body):
        """The JSON-RPC answer to a request, or None when it is lost."""
        if path not in self.ROUTES:
            return {"error": {"code": 404, "message": "Not found"}}
        if not self._signed(headers, path, body):
            error = {"code": "invalid_signature", "message": "Invalid signature"}
            return {"result": {"proxy_error": error}}
        with self._lock:
            fault = None
            if path.endswith("/send_document"):
                fault, self.fault = self.fault, None
            if isinstance(fault, tuple):
                return {"result": {"error": {"code": 200, "message": fault[1]}}}
            result = getattr(self, self.ROUTES[path])(body.get("params") or {})
        return None if fault == "lost" else {"result": result}

    def _handler(self):
        access_point = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # pylint: disable=invalid-name
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                answer = access_point._answer(self.path, self.headers, body)
                if answer is None:
                    # Received, then the connection drops before any answer.
                    self.close_connection = True
                    return
                payload = json.dumps(
                    {"jsonrpc": "2.0", "id": body.get("id"), **answer}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass

        return Handler


def register_company(case):
    """For the test class `case`: its company registered on Peppol (what Odoo's
    registration leads to: state *receiver*, a proxy user with a key of its own, edi
    mode "test"), Odoo's proxy client pointed at a stand-in access point, returned."""
    # Odoo's test runner says a test is running (Odoo's sending then does not
    # commit, account.move.send._can_commit); pytest's does not.
    case.startClassPatcher(patch.object(odoo.modules.module, "current_test", True))
    case.env["ir.config_parameter"].sudo().set_param("account_peppol.edi.mode", "test")
    case.company.account_peppol_proxy_state = "receiver"
    proxy_users = case.env["account_edi_proxy_client.user"]
    id_client, refresh_token = (
        "einvoice-test-client",
        base64.b64encode(os.urandom(32)).decode(),
    )
    proxy_users.create(
        {
            "id_client": id_client,
            "company_id": case.company.id,
            "proxy_type": "peppol",
            "edi_mode": "test",
            "edi_identification": proxy_users._get_proxy_identification(
                case.company, "peppol"
            ),
            "private_key_id": case.env["certificate.key"]
            ._generate_rsa_private_key(case.company, name="peppol_test.key")
            .id,
            "refresh_token": refresh_token,
        }
    )
    access_point = PeppolAccessPoint(id_client, refresh_token).start()
    case.addClassCleanup(access_point.stop)
    urls = {"peppol": {"prod": access_point.url, "test": access_point.url}}
    case.startClassPatcher(
        patch.object(type(proxy_users), "_get_proxy_urls", lambda self: urls)
    )
    return access_point


class PeppolDirectory:
    """A stand-in of the Peppol directory account_peppol looks participants up in
    (the SML's DNS name of a participant, then its SMP's service group over HTTP), at
    the requests seam of Odoo's tests (`BaseCase._request_handler`): a participant in
    `registered` answers with a service group listing `document_types`; any other is
    unknown, as a name the SML does not resolve; with `down`, nothing answers."""

    SMP_NS = "http://busdox.org/serviceMetadata/publishing/1.0/"
    ID_NS = "http://busdox.org/transport/identifiers/1.0/"

    def __init__(self, document_types):
        self.document_types = list(document_types)
        self.registered = set()
        self.down = False
        self.asked = []

    @staticmethod
    def handles(url):
        host = urllib.parse.urlsplit(url).hostname or ""
        return host.endswith(".edelivery.tech.ec.europa.eu")

    def answer(self, url):
        """The response to a GET of `url`, or the error requests raises."""
        quoted = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]
        participant = urllib.parse.unquote_plus(quoted).split("::", 1)[-1].lower()
        self.asked.append(participant)
        if self.down or participant not in self.registered:
            raise requests.exceptions.ConnectionError(f"cannot resolve {url}")
        response = requests.Response()
        response.status_code = 200
        response.url = url
        response._content = self._service_group(participant)
        return response

    def _service_group(self, participant):
        group = etree.Element(f"{{{self.SMP_NS}}}ServiceGroup")
        identifier = etree.SubElement(group, f"{{{self.ID_NS}}}ParticipantIdentifier")
        identifier.set("scheme", "iso6523-actorid-upis")
        identifier.text = participant
        collection = etree.SubElement(
            group, f"{{{self.SMP_NS}}}ServiceMetadataReferenceCollection"
        )
        for document_type in self.document_types:
            reference = etree.SubElement(
                collection, f"{{{self.SMP_NS}}}ServiceMetadataReference"
            )
            service = urllib.parse.quote_plus(
                "busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:"
                f"Invoice-2::Invoice##{document_type}::2.1"
            )
            reference.set(
                "href",
                f"https://smp.example/{urllib.parse.quote_plus(participant)}"
                f"/services/{service}",
            )
        return etree.tostring(group, xml_declaration=True, encoding="UTF-8")


class DirectoryLookups:
    """For a test class with a `directory` (`PeppolDirectory`): its look-ups are
    answered there, and nothing else leaves."""

    @classmethod
    def _request_handler(cls, s, r, **kw):
        if PeppolDirectory.handles(r.url):
            return cls.directory.answer(r.url)
        return super()._request_handler(s, r, **kw)
