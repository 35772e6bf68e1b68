"""Telling a patched-Qt wkhtmltopdf from a distribution build, and sharing its calls
between documents of one page."""

from l10n_be_nl_einvoice_lib.wkhtmltopdf import is_patched, render_in_batches, version


def test_the_official_build_is_patched():
    assert is_patched("wkhtmltopdf 0.12.6.1 (with patched qt)\n")
    assert version("wkhtmltopdf 0.12.6.1 (with patched qt)") == (0, 12, 6)


def test_a_distribution_build_is_not():
    assert not is_patched("wkhtmltopdf 0.12.6\n")
    assert version("wkhtmltopdf 0.12.6") == (0, 12, 6)
    assert not is_patched("") and version("") is None


class Renderer:
    """A stand-in for wkhtmltopdf: each item is a document of that many pages."""

    def __init__(self):
        self.calls = []

    def batch(self, items):
        self.calls.append(list(items))
        if any(pages != 1 for pages in items):
            return None
        return [f"doc{len(self.calls)}-{i}" for i, _ in enumerate(items)]

    def one(self, pages):
        self.calls.append([pages])
        return f"single-{pages}"


def test_documents_of_one_page_share_one_call_per_batch():
    renderer = Renderer()
    documents = render_in_batches([1] * 120, renderer.batch, renderer.one, size=50)
    assert len(documents) == 120
    assert [len(call) for call in renderer.calls] == [50, 50, 20]


def test_a_longer_document_is_isolated_by_halving():
    renderer = Renderer()
    items = [1] * 16
    items[5] = 2
    documents = render_in_batches(items, renderer.batch, renderer.one)
    # Each document keeps its place; the long one and its last neighbour are
    # rendered alone, the others in batches.
    assert documents[4:6] == ["single-1", "single-2"]
    assert all(d.startswith("doc") for i, d in enumerate(documents) if i not in (4, 5))
    # 16 -> 8 (fails) + 8 -> 4 + 4 (fails) -> 2 (fails) + 2 -> 1 + 1: 9 calls, not 16.
    assert len(renderer.calls) == 9


def test_a_single_item_is_rendered_on_its_own():
    renderer = Renderer()
    assert render_in_batches([3], renderer.batch, renderer.one) == ["single-3"]
    assert render_in_batches([], renderer.batch, renderer.one) == []
