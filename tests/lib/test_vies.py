"""The VIES check against a local stand-in of the REST service: valid and invalid
numbers, the faults VIES answers with, server errors, slow and malformed answers, and
numbers refused before any call. Nothing here reaches the internet."""

import json
import socket
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from l10n_be_nl_einvoice_lib import vies

PATH = "/taxation_customs/vies/rest-api/check-vat-number"


class FakeVies(ThreadingHTTPServer):
    """Answers every POST with `answer`: ("json", status, body), ("raw", status,
    bytes) or ("slow", seconds, answer); keeps what it was sent in `received`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = ("json", 200, {})
        self.received = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}{PATH}"

    def handle_error(self, request, client_address):
        """A client that timed out has gone: writing to it fails, as expected."""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass  # quiet: the tests say what went wrong

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.received.append(
            (self.path, self.headers.get("Content-Type"), json.loads(body))
        )
        answer = self.server.answer
        if answer[0] == "slow":
            time.sleep(answer[1])
            answer = answer[2]
        kind, status, content = answer
        payload = json.dumps(content).encode() if kind == "json" else content
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake():
    server = FakeVies()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def answer(valid=True, name="BAKKERIJ JANSSENS BV", address="KERKSTRAAT 1\n9000 GENT"):
    return {
        "countryCode": "BE",
        "vatNumber": "0403170701",
        "requestDate": "2026-03-02T10:20:30.123Z",
        "valid": valid,
        "requestIdentifier": "",
        "name": name,
        "address": address,
    }


class NoNetwork:
    """A session for checks that must not make a call."""

    def post(self, *args, **kwargs):
        raise AssertionError("no call was expected")


def test_a_valid_number_comes_back_with_its_name_and_address(fake):
    fake.answer = ("json", 200, answer())
    result = vies.check("BE 0403.170.701", url=fake.url)
    assert result.status == "valid"
    assert result.name == "BAKKERIJ JANSSENS BV"
    assert result.address == "KERKSTRAAT 1\n9000 GENT"
    assert result.checked_on == date(2026, 3, 2)
    assert result.error == ""
    assert fake.received == [
        (PATH, "application/json", {"countryCode": "BE", "vatNumber": "0403170701"})
    ]


def test_numbers_are_sent_as_vies_writes_them(fake):
    fake.answer = ("json", 200, answer())
    vies.check("004495445B01", country="NL", url=fake.url)
    vies.check("GR094259216", url=fake.url, session=requests.Session())
    assert [body for _path, _type, body in fake.received] == [
        {"countryCode": "NL", "vatNumber": "004495445B01"},
        {"countryCode": "EL", "vatNumber": "094259216"},
    ]


def test_an_undisclosed_name_and_address_are_empty(fake):
    fake.answer = ("json", 200, answer(name="---", address="---"))
    result = vies.check("DE136695976", url=fake.url)
    assert (result.status, result.name, result.address) == ("valid", "", "")


def test_a_number_vies_does_not_know_is_invalid(fake):
    fake.answer = ("json", 200, answer(valid=False, name="---", address="---"))
    result = vies.check("BE0403170701", url=fake.url)
    assert result.status == "invalid"
    assert result.checked_on == date(2026, 3, 2)
    assert "BE0403170701" in result.message


@pytest.mark.parametrize(
    ("vat", "error"),
    [
        ("BE0403170702", "vat_invalid"),  # check digits
        ("NL004495446B01", "vat_invalid"),
        ("", "vat_missing"),
        ("GB980780684", "not_eu"),
        ("CHE-123.456.788", "not_eu"),
    ],
)
def test_a_number_stdnum_refuses_is_invalid_without_a_call(vat, error):
    result = vies.check(vat, session=NoNetwork())
    assert (result.status, result.error) == ("invalid", error)
    assert result.checked_on == date.today()
    assert result.message


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            200,
            {"actionSucceed": False, "errorWrappers": [{"error": "MS_UNAVAILABLE"}]},
            "MS_UNAVAILABLE",
        ),
        (
            200,
            {
                "actionSucceed": False,
                "errorWrappers": [{"error": "MS_MAX_CONCURRENT_REQ"}],
            },
            "MS_MAX_CONCURRENT_REQ",
        ),
        (
            400,
            {
                "actionSucceed": False,
                "errorWrappers": [{"error": "INVALID_INPUT", "message": "bad input"}],
            },
            "INVALID_INPUT",
        ),
        (200, {"actionSucceed": False}, "unknown"),
        # the GET variant's keys: a blocked caller is not told the number is invalid
        (200, {"isValid": False, "userError": "IP_BLOCKED"}, "IP_BLOCKED"),
        (403, {"message": "Forbidden"}, "http_403"),
    ],
)
def test_service_faults_are_unavailable_not_invalid(fake, status, body, error):
    fake.answer = ("json", status, body)
    result = vies.check("BE0403170701", url=fake.url)
    assert (result.status, result.error) == ("unavailable", error)
    assert "BE0403170701" in result.message
    assert result.checked_on == date.today()


def test_the_get_variants_verdict_is_read_too(fake):
    fake.answer = ("json", 200, {"isValid": True, "userError": "VALID", "name": "X"})
    result = vies.check("BE0403170701", url=fake.url)
    assert (result.status, result.name) == ("valid", "X")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailable(fake, status):
    fake.answer = ("raw", status, b"<html>Service Unavailable</html>")
    result = vies.check("BE0403170701", url=fake.url)
    assert (result.status, result.error) == ("unavailable", f"http_{status}")


@pytest.mark.parametrize(
    "content",
    [
        b"<html>maintenance</html>",
        b'{"valid": tru',
        b"[]",
        b'{"valid": "yes"}',
        b"{}",
        b"\xff\xfe",
    ],
)
def test_malformed_answers_are_unavailable(fake, content):
    fake.answer = ("raw", 200, content)
    result = vies.check("BE0403170701", url=fake.url)
    assert (result.status, result.error) == ("unavailable", "malformed")


def test_a_slow_answer_is_unavailable_within_the_timeout(fake):
    timeout = 0.3
    fake.answer = ("slow", timeout + 1.5, ("json", 200, answer()))
    started = time.monotonic()
    result = vies.check("BE0403170701", url=fake.url, timeout=timeout)
    assert time.monotonic() - started < timeout + 1
    assert (result.status, result.error) == ("unavailable", "timeout")


def test_a_refused_connection_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = vies.check("BE0403170701", url=f"http://127.0.0.1:{port}{PATH}")
    assert (result.status, result.error) == ("unavailable", "connection")
    assert "BE0403170701" in result.message
