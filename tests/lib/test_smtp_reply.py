"""The mail server's answer read back from the error smtplib raised: a 5yz reply is a
permanent refusal, a 4yz one or a lost connection may pass."""

import smtplib

import pytest
from l10n_be_nl_einvoice_lib.smtp_reply import is_permanent, reply_codes


def as_odoo_keeps_it(error):
    """The failure reason Odoo's mail queue stores for an smtplib error (18.0)."""
    return (
        "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
        f"{type(error).__name__}: {error}"
    )


@pytest.mark.parametrize(
    ("error", "codes", "permanent"),
    [
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected"), [554], True),
        (smtplib.SMTPDataError(451, b"4.3.0 Try again later"), [451], False),
        (
            smtplib.SMTPSenderRefused(553, b"5.7.1 Sender refused", "x@y.be"),
            [553],
            True,
        ),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@y.be": (550, b"5.1.1 unknown"), "b@y.be": (450, b"4.2.0 busy")}
            ),
            [550, 450],
            False,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@y.be": (550, b"5.1.1 unknown")}),
            [550],
            True,
        ),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), [], False),
        (ConnectionRefusedError(111, "Connection refused"), [], False),
    ],
)
def test_the_reply_code_says_whether_the_refusal_is_for_good(error, codes, permanent):
    text = as_odoo_keeps_it(error)
    assert reply_codes(text) == codes
    assert is_permanent(text) is permanent


def test_no_text_is_no_refusal():
    assert reply_codes(None) == []
    assert not is_permanent("")
