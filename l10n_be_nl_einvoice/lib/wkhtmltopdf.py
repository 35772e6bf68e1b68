"""What the installed wkhtmltopdf can do, from what ``wkhtmltopdf --version`` prints.

Only the build "with patched qt" (the one wkhtmltopdf.org ships and Odoo recommends)
renders several documents in one call, and draws headers and footers (the company's
letterhead). Distribution packages are built against plain Qt: with them an invoice is
rendered one per call.
"""

import re

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def is_patched(version_output: str) -> bool:
    """Whether the output of ``wkhtmltopdf --version`` names a patched-Qt build."""
    return "patched qt" in (version_output or "").lower()


def version(version_output: str) -> tuple[int, int, int] | None:
    """The version printed, e.g. ``(0, 12, 6)``; None when there is none."""
    found = _VERSION.search(version_output or "")
    return tuple(int(part) for part in found.groups()) if found else None


def render_in_batches(items, render_batch, render_one, size=50):
    """One document per item, with as few calls of ``render_batch`` as possible.

    Without patched Qt, wkhtmltopdf takes one page flow per call and marks nothing in
    the PDF where one document ends. Documents that start on a new page and fill one
    page each can still share a call: the PDF then has exactly one page per item.
    ``render_batch(batch)`` returns the documents of ``batch`` (one per item) or None
    when it cannot be cut that way (an item longer than a page, or a failed call);
    such a batch is halved, down to ``render_one(item)``. Batches hold at most
    ``size`` items. A batch of documents of one page costs one call; one long
    document among n costs about 2 log2(n) calls instead of n.
    """
    items = list(items)
    documents = []
    for start in range(0, len(items), size):
        documents += _halving(items[start : start + size], render_batch, render_one)
    return documents


def _halving(items, render_batch, render_one):
    if len(items) == 1:
        return [render_one(items[0])]
    documents = render_batch(items)
    if documents is not None:
        if len(documents) != len(items):
            raise ValueError("render_batch must return one document per item")
        return list(documents)
    middle = len(items) // 2
    return _halving(items[:middle], render_batch, render_one) + _halving(
        items[middle:], render_batch, render_one
    )
