# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A stand-in for CodaBox API v2 on loopback, as far as the API is publicly known
(see lib/client.py): token request and credentials, pod client, feed, download,
acknowledgement, and the (assumed) sales-invoice upload; with CodaBox's errors and,
on demand, a server error, a slow answer or a dropped connection.

No Odoo here: the plain client tests use it as well."""
# pylint: disable=invalid-name

import base64
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOFTWARE_COMPANY = "7c5d3a52-1f0e-4c8b-9a4e-3f1d2b6c8e90"


class FakeCodaBox:
    """State of the fake service; `start()` serves it on 127.0.0.1."""

    def __init__(self, page_size=50):
        self.page_size = page_size
        self.offices = {}  # VAT digits -> accounting office name
        self.registered = set()  # VAT digits with credentials issued
        self.tokens = {}  # token -> VAT digits (single use)
        self.clients = {}  # username -> {"password", "vat", "feed_id", "entries", ...}
        self.faults = []  # [(method, path fragment, action)], each used once
        self.requests = []  # (method, path)
        self.uploads = []  # (username, filename, content)
        self.emailed_tokens = []  # (vat, token): what CodaBox would e-mail
        self._next_feed = 100
        self._lock = threading.Lock()

    # -- set-up helpers --------------------------------------------------------------

    def add_office_client(self, vat, office="Kantoor Peeters"):
        self.offices[vat] = office

    def connect(self, vat):
        """Credentials for `vat` as if the token dance had happened."""
        username = f"user-{vat}"
        with self._lock:
            self._next_feed += 1
            self.clients[username] = {
                "password": f"secret-{vat}",
                "vat": vat,
                "feed_id": self._next_feed,
                "client_name": f"Client {vat}",
                "entries": [],
                "acked": 0,
            }
            self.registered.add(vat)
        return username, f"secret-{vat}"

    def add_coda(self, username, content, model="coda", iban="BE68539007547034"):
        entry = {
            "feed_index": str(uuid.uuid4()),
            "document_model": model,
            "metadata": {"iban": iban, "currency": "EUR"},
            "content": content,
        }
        self.clients[username]["entries"].append(entry)
        return entry["feed_index"]

    def pending(self, username):
        client = self.clients[username]
        return client["entries"][client["acked"] :]

    def fault(self, method, fragment, action):
        self.faults.append((method, fragment, action))

    # -- serving ---------------------------------------------------------------------

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def do_PUT(self):
                fake._handle(self, "PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v2"
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler, method):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = handler.path.split("?")[0]
        self.requests.append((method, path))
        for index, (f_method, fragment, action) in enumerate(self.faults):
            if f_method == method and fragment in path:
                del self.faults[index]
                if action == "drop":
                    handler.close_connection = True
                    handler.connection.shutdown(2)
                    return
                if isinstance(action, tuple) and action[0] == "slow":
                    time.sleep(action[1])
                    break
                return self._send(handler, action, {"errors": [{"code": "server"}]})
        status, payload = self._route(handler, method, path, body)
        self._send(handler, status, payload)

    @staticmethod
    def _send(handler, status, payload):
        if isinstance(payload, bytes):
            data, kind = payload, "application/octet-stream"
        else:
            data, kind = json.dumps(payload).encode(), "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client went away (a test's short timeout): nothing to answer

    @staticmethod
    def _error(status, code, message=""):
        return status, {"errors": [{"code": code, "message": message}]}

    def _route(self, handler, method, path, body):
        if handler.headers.get("X-Software-Company") != SOFTWARE_COMPANY:
            return self._error(403, "unauthorized", "unknown software company")
        if method == "POST" and path == "/v2/request-access-token/invoicing-software/":
            vat = (json.loads(body or b"{}") or {}).get("vat") or ""
            if not re.fullmatch(r"\d{10}", vat):
                return self._error(400, "validationError", "vat: 10 digits expected")
            if vat not in self.offices:
                return self._error(400, "unknownAccountingOffice")
            if vat in self.registered:
                return self._error(400, "alreadyRegistered")
            token = uuid.uuid4().hex[:12]
            self.tokens[token] = vat
            self.emailed_tokens.append((vat, token))
            return 201, {}
        match = re.fullmatch(r"/v2/get-credentials/([^/]+)/", path)
        if method == "GET" and match:
            vat = self.tokens.pop(match.group(1), None)
            if not vat:
                return self._error(404, "notFound", "token")
            username, password = self.connect(vat)
            return 200, {"username": username, "password": password}
        client = self._authenticated(handler)
        if client is None:
            return 401, {"detail": "Invalid username/password."}
        return self._delivery(client, method, path, body, handler)

    def _authenticated(self, handler):
        header = handler.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return None
        username, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
        client = self.clients.get(username)
        if not client or client["password"] != password:
            return None
        return dict(client, username=username)

    def _delivery(self, client, method, path, body, handler):
        username = client["username"]
        state = self.clients[username]
        if method == "GET" and path == "/v2/delivery/pod-client/":
            return 200, {
                "id": 66,
                "fetch_delay": 7200,
                "allowed_formats": {"coda": ["cod", "pdf", "xml"]},
                "feed_clients": [
                    {
                        "id": state["feed_id"],
                        "client_id": str(uuid.uuid5(uuid.NAMESPACE_OID, username)),
                        "client_name": state["client_name"],
                        "fiduciary_id": "69febdf6-0000-4ed2-b52f-883b0e8fa18c",
                    }
                ],
            }
        match = re.fullmatch(r"/v2/delivery/feed/(\d+)/", path)
        if match:
            if int(match.group(1)) != state["feed_id"]:
                return self._error(404, "notFound", "feed")
            if method == "GET":
                entries = self.pending(username)[: self.page_size]
                return 200, {
                    "id": state["feed_id"],
                    "type": "download",
                    "feed_entries": [
                        {k: v for k, v in entry.items() if k != "content"}
                        for entry in entries
                    ],
                }
            if method == "PUT":
                offset = (json.loads(body or b"{}") or {}).get("feed_offset")
                indexes = [e["feed_index"] for e in state["entries"]]
                if offset not in indexes:
                    return self._error(400, "validationError", "feed_offset")
                state["acked"] = max(state["acked"], indexes.index(offset) + 1)
                return 200, {"feed_id": state["feed_id"], "feed_offset": offset}
        match = re.fullmatch(r"/v2/delivery/download/([^/]+)/(\w+)/", path)
        if method == "GET" and match:
            for entry in state["entries"]:
                if entry["feed_index"] == match.group(1):
                    if match.group(2) != "cod":
                        return self._error(404, "notFound", "format")
                    return 200, entry["content"]
            return self._error(404, "notFound", "feed_index")
        if method == "POST" and path == "/v2/delivery/sales-invoice/":
            filename, content = _multipart_file(handler.headers, body)
            if not content.lstrip().startswith(b"<"):
                return self._error(400, "validationError", "not an XML file")
            self.uploads.append((username, filename, content))
            return 201, {"id": str(uuid.uuid4())}
        return self._error(404, "notFound", path)


def _multipart_file(headers, body):
    """(file name, content) of the first file of a multipart/form-data body."""
    boundary = re.search(r"boundary=([^;]+)", headers.get("Content-Type") or "")
    if not boundary:
        return "", body
    for part in body.split(b"--" + boundary.group(1).strip('"').encode()):
        head, _sep, content = part.partition(b"\r\n\r\n")
        name = re.search(rb'filename="([^"]*)"', head)
        if name:
            return name.group(1).decode(), content.rsplit(b"\r\n", 1)[0]
    return "", b""
