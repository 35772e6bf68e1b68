"""What a mail server answered, read back from the text of the error that Python's
smtplib raised and Odoo's mail queue kept (``mail.mail.failure_reason``).

smtplib's refusals carry the server's reply code and text: ``(554, b'5.7.1 ...')``
for a refused message (``SMTPDataError``), ``(553, b'...', 'from@x')`` for a refused
sender, ``{'to@x': (550, b'...')}`` for refused recipients. RFC 5321 §4.2.1: a
reply code 5yz is a permanent refusal (sending the same message again is refused
again), 4yz a temporary one. A connection refused, lost or timed out carries no
code: it may pass.
"""

import re

_REPLY = re.compile(r"\((?P<code>[245]\d\d), b?['\"]")


def reply_codes(text):
    """The SMTP reply codes found in `text`, in order."""
    return [int(match.group("code")) for match in _REPLY.finditer(text or "")]


def is_permanent(text):
    """Whether the mail server refused for good (every reply code found is 5yz)."""
    codes = [code for code in reply_codes(text) if code >= 400]
    return bool(codes) and all(code >= 500 for code in codes)
