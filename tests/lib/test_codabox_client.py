"""The CodaBox client against the local stand-in of CodaBox API v2: onboarding, the
feed, downloads and acknowledgements, the errors CodaBox answers with, slow answers
and dropped connections. Nothing here reaches the internet."""

import importlib.util

import pytest
import requests
from codabox_connector_lib import client as cb

from conftest import REPO

_spec = importlib.util.spec_from_file_location(
    "fake_codabox", REPO / "codabox_connector" / "tests" / "fake_codabox.py"
)
fake_codabox = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake_codabox)

VAT = "0712345630"


@pytest.fixture
def fake():
    server = fake_codabox.FakeCodaBox(page_size=2).start()
    server.add_office_client(VAT)
    yield server
    server.stop()


def client(fake, username=None, password=None, **kwargs):
    kwargs.setdefault("sleep", lambda _seconds: None)
    return cb.CodaBoxClient(
        fake.url,
        fake_codabox.SOFTWARE_COMPANY,
        username=username,
        password=password,
        **kwargs,
    )


def test_token_then_credentials_once(fake):
    api = client(fake)
    api.request_token(VAT)
    ((vat, token),) = fake.emailed_tokens
    assert vat == VAT
    username, password = api.get_credentials(f" {token} ")
    assert (username, password) == (f"user-{VAT}", f"secret-{VAT}")
    with pytest.raises(cb.InvalidToken):
        api.get_credentials(token)


@pytest.mark.parametrize(
    ("vat", "error", "code"),
    [
        ("0999999999", cb.UnknownAccountingOffice, "unknownAccountingOffice"),
        ("BE0712", cb.InvalidRequest, "validationError"),
    ],
)
def test_onboarding_errors_carry_codabox_codes(fake, vat, error, code):
    with pytest.raises(error) as raised:
        client(fake).request_token(vat)
    assert raised.value.code == code
    assert raised.value.status == 400
    assert not raised.value.retryable


def test_a_second_registration_is_refused(fake):
    fake.connect(VAT)
    with pytest.raises(cb.AlreadyRegistered):
        client(fake).request_token(VAT)


def test_bad_credentials_and_software_id_are_unauthorized(fake):
    fake.connect(VAT)
    with pytest.raises(cb.Unauthorized) as raised:
        client(fake, "user-0712345630", "wrong").pod_client()
    assert raised.value.status == 401
    with pytest.raises(cb.Unauthorized):
        cb.CodaBoxClient(fake.url, "other", *fake.connect(VAT)).pod_client()


def test_feed_download_and_acknowledge_in_pages(fake):
    username, password = fake.connect(VAT)
    indexes = [fake.add_coda(username, f"file {i}".encode()) for i in range(3)]
    api = client(fake, username, password)
    (feed,) = api.pod_client().feed_clients
    first = api.feed(feed.id)
    assert [e.feed_index for e in first] == indexes[:2], "two per page"
    assert first[0].document_model == "coda"
    assert first[0].metadata["iban"] == "BE68539007547034"
    assert api.download(first[0].feed_index) == b"file 0"
    api.acknowledge(feed.id, first[1].feed_index)
    assert [e.feed_index for e in api.feed(feed.id)] == indexes[2:]
    with pytest.raises(cb.NotFound):
        api.download("no-such-index")


def test_server_errors_and_dropped_connections_are_retried_for_reads(fake):
    username, password = fake.connect(VAT)
    fake.add_coda(username, b"x")
    waits = []
    api = client(fake, username, password, sleep=waits.append)
    fake.fault("GET", "/delivery/pod-client/", 503)
    fake.fault("GET", "/delivery/pod-client/", "drop")
    assert api.pod_client().feed_clients
    assert waits == [0.5, 1.0]
    for _i in range(4):
        fake.fault("GET", "/delivery/feed/", 500)
    with pytest.raises(cb.Unavailable) as raised:
        api.feed(api.pod_client().feed_clients[0].id)
    assert raised.value.retryable
    assert raised.value.status == 500


def test_a_slow_answer_times_out(fake):
    username, password = fake.connect(VAT)
    api = client(fake, username, password, timeout=0.2, retries=0)
    fake.fault("GET", "/delivery/pod-client/", ("slow", 0.5))
    with pytest.raises(cb.Unavailable) as raised:
        api.pod_client()
    assert raised.value.code == "timeout"


def test_a_lost_answer_to_an_upload_is_not_repeated(fake):
    username, password = fake.connect(VAT)
    api = client(fake, username, password)
    assert api.upload_sales_invoice("FA-1.xml", b"<Invoice/>")
    assert len(fake.uploads) == 1
    fake.fault("POST", "/delivery/sales-invoice/", "drop")
    with pytest.raises(cb.OutcomeUnknown) as raised:
        api.upload_sales_invoice("FA-2.xml", b"<Invoice/>")
    assert not raised.value.retryable
    fake.fault("POST", "/delivery/sales-invoice/", 502)
    with pytest.raises(cb.OutcomeUnknown):
        api.upload_sales_invoice("FA-3.xml", b"<Invoice/>")
    assert len([r for r in fake.requests if r[0] == "POST"]) == 3, "each tried once"
    with pytest.raises(cb.InvalidRequest):
        api.upload_sales_invoice("FA-4.pdf", b"%PDF")


def test_a_refused_connection_is_unavailable_and_retryable():
    api = cb.CodaBoxClient(
        "http://127.0.0.1:9/v2", "x", retries=1, sleep=lambda _s: None
    )
    with pytest.raises(cb.Unavailable) as raised:
        api.pod_client()
    assert raised.value.code == "connection"


def test_every_request_has_a_timeout(fake, monkeypatch):
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    client(fake).request_token(VAT)
    assert seen == [30]


def test_an_answer_of_the_wrong_shape_is_a_server_error(fake):
    username, password = fake.connect(VAT)
    fake.fault("GET", "/delivery/pod-client/", 200)
    with pytest.raises(cb.Unavailable) as raised:
        client(fake, username, password).pod_client()
    assert raised.value.code == "server"
    assert "pod client" in raised.value.message
