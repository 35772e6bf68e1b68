"""A small client for CodaBox API v2, free of Odoo.

What is publicly known of the API (an open-source client and integrators' help pages;
CodaBox gives its full reference to software partners only):

* base ``https://api.codabox.com/v2``; HTTP Basic with the credentials issued for one
  client company, and the header ``X-Software-Company`` (the software vendor's id) on
  every request;
* onboarding: ``POST request-access-token/invoicing-software/`` with the company's VAT
  digits (CodaBox e-mails a one-time token), then ``GET get-credentials/<token>/``;
* delivery: ``GET delivery/pod-client/`` (the feeds), ``GET delivery/feed/<id>/`` (the
  entries not yet acknowledged), ``GET delivery/download/<feed index>/<format>/``,
  ``PUT delivery/feed/<id>/`` with ``{"feed_offset": <feed index>}`` (acknowledges up to
  that entry);
* error codes seen by integrators: ``notFound``, ``validationError``,
  ``unknownAccountingOffice``, ``alreadyRegistered``, ``timeout``; 401 for bad
  credentials.

The upload of sales invoices is not public: :meth:`CodaBoxClient.upload_sales_invoice`
posts to a path the caller configures, an assumption named in the README.

Every request has a timeout. Requests that can be repeated safely (GET, the PUT that
acknowledges) are retried on a server error, a timeout or a dropped connection, with a
growing wait; one that cannot (the POSTs) is not retried once it may have reached the
server. Errors are typed and carry CodaBox's code.
"""

import time
from dataclasses import dataclass, field

import requests

DEFAULT_BASE_URL = "https://api.codabox.com/v2"
DEFAULT_UPLOAD_PATH = "delivery/sales-invoice/"


class CodaBoxError(Exception):
    """A call to CodaBox that did not succeed. `code` is CodaBox's error code (or
    ours: ``timeout``, ``connection``, ``server``), `status` the HTTP status (None
    when no answer came), `retryable` whether trying again later may succeed."""

    retryable = False

    def __init__(self, code, message="", status=None):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status


class Unauthorized(CodaBoxError):
    """The credentials (or the software id) are refused."""


class NotFound(CodaBoxError):
    pass


class InvalidRequest(CodaBoxError):
    """CodaBox's ``validationError``, e.g. a VAT number it does not accept."""


class UnknownAccountingOffice(CodaBoxError):
    """The company is not linked to an accounting office at CodaBox."""


class AlreadyRegistered(CodaBoxError):
    """This software is already connected for the company (revoke it in myCodaBox)."""


class InvalidToken(CodaBoxError):
    """The token is unknown, already used or expired."""


class Unavailable(CodaBoxError):
    """No usable answer: a server error, a timeout or a dropped connection."""

    retryable = True


class OutcomeUnknown(Unavailable):
    """A call that changes something may have reached CodaBox, but its answer was
    lost: it is not repeated on its own (it could be done twice)."""

    retryable = False


_BY_CODE = {
    "notFound": NotFound,
    "validationError": InvalidRequest,
    "unknownAccountingOffice": UnknownAccountingOffice,
    "alreadyRegistered": AlreadyRegistered,
    "invalidToken": InvalidToken,
    "unauthorized": Unauthorized,
    "timeout": Unavailable,
}


@dataclass(frozen=True)
class FeedClient:
    id: int
    client_id: str = ""
    client_name: str = ""
    fiduciary_id: str = ""


@dataclass(frozen=True)
class PodClient:
    id: int
    fetch_delay: int = 0
    allowed_formats: dict = field(default_factory=dict)
    feed_clients: tuple = ()


@dataclass(frozen=True)
class FeedEntry:
    feed_index: str
    document_model: str
    metadata: dict = field(default_factory=dict)


class _answer:
    """An answer without the expected shape is a server error, not a crash."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if kind is not None and issubclass(kind, ValueError | KeyError | TypeError):
            raise Unavailable("server", f"unexpected {self.what} answer: {error!r}")
        return False


class CodaBoxClient:
    def __init__(
        self,
        base_url=DEFAULT_BASE_URL,
        software_company="",
        username=None,
        password=None,
        session=None,
        timeout=30,
        retries=3,
        backoff=0.5,
        upload_path=DEFAULT_UPLOAD_PATH,
        sleep=None,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.software_company = software_company
        self.auth = (username, password) if username else None
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.upload_path = upload_path.strip("/") + "/"
        self.sleep = sleep or time.sleep

    # -- onboarding ----------------------------------------------------------------

    def request_token(self, vat):
        """Ask CodaBox to e-mail a one-time token for the company `vat` (its digits,
        without country code, dots or spaces)."""
        self._call(
            "POST", "request-access-token/invoicing-software/", json={"vat": vat}
        )

    def get_credentials(self, token):
        """(username, password) for the token; a token works once."""
        try:
            response = self._call("GET", f"get-credentials/{token.strip()}/")
        except NotFound as error:
            raise InvalidToken("invalidToken", error.message, error.status) from error
        with _answer("credentials"):
            data = response.json()
            return data["username"], data["password"]

    # -- delivery ------------------------------------------------------------------

    def pod_client(self):
        response = self._call("GET", "delivery/pod-client/")
        with _answer("pod client"):
            return self._pod_client(response.json())

    @staticmethod
    def _pod_client(data):
        return PodClient(
            id=data["id"],
            fetch_delay=data.get("fetch_delay") or 0,
            allowed_formats=data.get("allowed_formats") or {},
            feed_clients=tuple(
                FeedClient(
                    id=feed["id"],
                    client_id=feed.get("client_id") or "",
                    client_name=feed.get("client_name") or "",
                    fiduciary_id=feed.get("fiduciary_id") or "",
                )
                for feed in data.get("feed_clients") or ()
            ),
        )

    def feed(self, feed_id):
        """The entries of a feed not acknowledged yet, oldest first (CodaBox may
        return only the first ones: acknowledge them and ask again)."""
        response = self._call("GET", f"delivery/feed/{feed_id}/")
        with _answer("feed"):
            return CodaBoxClient._entries(response.json())

    @staticmethod
    def _entries(data):
        return [
            FeedEntry(
                feed_index=str(entry["feed_index"]),
                document_model=entry.get("document_model") or "",
                metadata=entry.get("metadata") or {},
            )
            for entry in data.get("feed_entries") or ()
        ]

    def download(self, feed_index, file_format="cod"):
        return self._call(
            "GET", f"delivery/download/{feed_index}/{file_format}/"
        ).content

    def acknowledge(self, feed_id, feed_offset):
        """Everything up to and including the entry `feed_offset` was processed."""
        self._call(
            "PUT",
            f"delivery/feed/{feed_id}/",
            json={"feed_offset": feed_offset},
            repeatable=True,
        )

    # -- sales invoices (not public: see the module's docstring) ------------------

    def upload_sales_invoice(self, filename, content):
        """Send one sales invoice (UBL.BE with its PDF inside); returns CodaBox's id
        of it when the answer gives one."""
        response = self._call(
            "POST",
            self.upload_path,
            files={"file": (filename, content, "application/xml")},
        )
        try:
            data = response.json()
        except ValueError:
            return ""
        return (
            str(data.get("id") or data.get("uuid") or "")
            if isinstance(data, dict)
            else ""
        )

    # -- the one place that talks HTTP ---------------------------------------------

    def _call(self, method, path, repeatable=None, **kwargs):
        """One request, retried where that is safe; the response, or a typed error."""
        if repeatable is None:
            repeatable = method in ("GET", "HEAD")
        url = self.base_url + path
        headers = {
            "X-Software-Company": self.software_company,
            "Accept": "application/json",
        }
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=headers,
                    auth=self.auth,
                    timeout=self.timeout,
                    **kwargs,
                )
            except requests.ConnectTimeout as error:
                # Not connected: nothing reached CodaBox, so it can be tried again.
                failure = Unavailable("timeout", str(error))
            except requests.ConnectionError as error:
                failure = self._lost("connection", error, repeatable)
            except requests.Timeout as error:
                failure = self._lost("timeout", error, repeatable)
            else:
                if response.status_code < 400:
                    return response
                failure = self._error(response)
                if response.status_code < 500:
                    raise failure
                if not repeatable:
                    raise OutcomeUnknown(failure.code, failure.message, failure.status)
            if not failure.retryable or attempt > self.retries:
                raise failure
            self.sleep(self.backoff * 2 ** (attempt - 1))

    @staticmethod
    def _lost(code, error, repeatable):
        if repeatable:
            return Unavailable(code, str(error))
        return OutcomeUnknown(code, str(error))

    @staticmethod
    def _error(response):
        """The typed error of an answer with a 4xx or 5xx status."""
        code, message = "", ""
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            errors = data.get("errors")
            first = errors[0] if isinstance(errors, list) and errors else data
            if isinstance(first, dict):
                code = str(first.get("code") or first.get("error") or "")
                message = str(first.get("message") or first.get("detail") or "")
        status = response.status_code
        if status == 401 or (status == 403 and not code):
            return Unauthorized(code or "unauthorized", message, status)
        if status >= 500:
            return Unavailable(code or "server", message or response.reason, status)
        kind = _BY_CODE.get(code)
        if kind is None:
            kind = NotFound if status == 404 else InvalidRequest
            code = code or ("notFound" if status == 404 else "validationError")
        return kind(code, message, status)
