"""An optional online check of an EU VAT number against VIES, the European
Commission's VAT Information Exchange System, through its REST service.

What public material says of the service (client libraries built on the contract the
Commission publishes for its REST endpoints, integrators' notes and issue threads; seen
in 2026, not the Commission's own reference text):

* ``POST .../vies/rest-api/check-vat-number`` with a JSON body naming the member state
  and the number without its prefix: ``{"countryCode": "BE", "vatNumber":
  "0403170701"}``; Greece is ``EL`` and Northern Ireland ``XI``. The same base also has
  ``check-status`` and ``check-vat-test-service``;
* the answer carries ``valid`` (a boolean), ``name`` and ``address`` (``---`` when the
  member state does not disclose them), ``requestDate`` (an ISO timestamp) and the
  number checked;
* when VIES or a member state cannot answer, the body is a fault instead, e.g.
  ``{"actionSucceed": false, "errorWrappers": [{"error": "MS_UNAVAILABLE"}]}``, which
  may come with HTTP 200; codes seen: ``MS_UNAVAILABLE``, ``SERVICE_UNAVAILABLE``,
  ``TIMEOUT``, ``MS_MAX_CONCURRENT_REQ``, ``GLOBAL_MAX_CONCURRENT_REQ``,
  ``INVALID_INPUT``;
* the ``GET .../rest-api/ms/{country}/vat/{number}`` variant answers ``isValid`` with a
  ``userError`` (``VALID``, ``INVALID``, or a fault such as ``IP_BLOCKED`` beside
  ``isValid: false``); those keys are read the same way, so that a blocked caller is
  not told the number is invalid.

None of these faults is a verdict on the number: they all give ``unavailable``, as do
timeouts, dropped connections, server errors and answers that are not the documented
JSON. ``invalid`` is kept for a number python-stdnum rejects (no call is made) and for
an answer in which VIES says the number is not valid, which for a well-formed number
means it is not registered for intra-EU trade. ``check`` never raises for network
trouble.

The timeout is a scalar passed to requests: it bounds the connection and each wait for
data, not the whole exchange, so a server that trickles bytes could take longer.
"""

import logging
from dataclasses import dataclass
from datetime import date

import requests

from .master_data import check_vat, normalise_vat

_logger = logging.getLogger(__name__)

DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"
STATUSES = ("valid", "invalid", "unavailable")
_UNDISCLOSED = "---"
# userError values of the GET variant that are a verdict, not a fault
_VERDICTS = ("", "VALID", "INVALID")


@dataclass(frozen=True)
class Result:
    """The outcome of a check: `status` one of STATUSES; `name` and `address` as VIES
    gives them (empty when undisclosed); `checked_on` the day of the check; `error` the
    VIES fault code, or ours: ``timeout``, ``connection``, ``http_503``, ``malformed``,
    or for a number not sent ``vat_missing``, ``vat_invalid``, ``not_eu``."""

    status: str
    name: str = ""
    address: str = ""
    checked_on: date | None = None
    message: str = ""
    error: str = ""


def _unavailable(number, error, detail) -> Result:
    """An answer that says nothing about the number; logged, since it may repeat."""
    message = f"VIES could not check {number}: {detail}"
    _logger.warning(message)
    return Result("unavailable", checked_on=date.today(), message=message, error=error)


def _request_date(value) -> date:
    """The day of VIES's ``requestDate`` (``2026-03-02T10:20:30.123Z``), else today."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return date.today()


def _disclosed(value) -> str:
    """A name or address as given, empty when VIES hides it (``---``) or omits it."""
    text = str(value or "").strip()
    return "" if text == _UNDISCLOSED else text


def _faults(data) -> list[str]:
    """The VIES fault codes of an answer (empty for a verdict)."""
    wrappers = data.get("errorWrappers")
    wrappers = wrappers if isinstance(wrappers, list) else []
    codes = [
        str(w.get("error") or w.get("message") or "unknown")
        for w in wrappers
        if isinstance(w, dict)
    ]
    if not codes and (data.get("actionSucceed") is False or wrappers):
        codes = ["unknown"]
    user_error = str(data.get("userError") or "").upper()
    if user_error not in _VERDICTS:
        codes.append(user_error)
    return codes


def _read(number, response) -> Result:
    """A Result from the HTTP answer to a check of `number`."""
    if response.status_code >= 500:
        return _unavailable(number, f"http_{response.status_code}", "server error")
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return _unavailable(number, "malformed", "the answer is not a JSON object")
    faults = _faults(data)
    if faults:
        return _unavailable(number, faults[0], ", ".join(faults))
    if response.status_code >= 400:
        return _unavailable(number, f"http_{response.status_code}", "request refused")
    valid = data.get("valid", data.get("isValid"))
    if not isinstance(valid, bool):
        return _unavailable(number, "malformed", "the answer has no verdict")
    checked_on = _request_date(data.get("requestDate"))
    if not valid:
        return Result(
            "invalid",
            checked_on=checked_on,
            message=f"VIES: {number} is not registered for intra-EU trade.",
        )
    return Result(
        "valid",
        name=_disclosed(data.get("name")),
        address=_disclosed(data.get("address")),
        checked_on=checked_on,
        message=f"VIES: {number} is valid.",
    )


def check(vat, *, country=None, url=DEFAULT_URL, timeout=5.0, session=None) -> Result:
    """Ask VIES whether `vat` (with its prefix, or bare for a party in `country`) is
    valid; a number python-stdnum rejects is ``invalid`` without a call."""
    number = normalise_vat(vat, country)
    if number is None:
        problems = check_vat(vat, country)
        if problems:
            error, message = problems[0].code, problems[0].message
        else:
            error, message = "not_eu", f"{vat} is not an EU VAT number: VIES has none."
        return Result("invalid", checked_on=date.today(), message=message, error=error)
    body = {"countryCode": number[:2], "vatNumber": number[2:]}
    http = session or requests
    try:
        response = http.post(
            url, json=body, timeout=timeout, headers={"Accept": "application/json"}
        )
    except requests.Timeout:
        return _unavailable(number, "timeout", f"no answer within {timeout} s")
    except requests.RequestException as error:
        return _unavailable(number, "connection", str(error))
    return _read(number, response)
