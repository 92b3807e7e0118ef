"""Typst runs bounded, like pandoc: a document too long to set or one Typst refuses is a
ConversionError that says why, never a hung or crashed worker."""

import pytest

from statements.core.pandoc import ConversionError
from statements.editions.typeset import typeset_pdf
from tests.factories import children_cpu_seconds


def test_a_document_is_set():
    assert typeset_pdf("Hello, *world*.").startswith(b"%PDF")


def test_a_document_typst_refuses_says_why():
    with pytest.raises(ConversionError, match="Typst could not set it"):
        typeset_pdf("#let f(n) = f(n + 1)\n#f(0)")


def test_a_document_that_would_take_too_long_is_stopped():
    before = children_cpu_seconds()
    with pytest.raises(ConversionError, match="too complex to typeset within 2 s of processor"):
        typeset_pdf("#for i in range(50000) { for j in range(50000) { let x = i * j } }", seconds=2)
    # Stopped by its processor time, however busy the machine: about the limit, not more.
    assert 1.5 < children_cpu_seconds() - before < 3.5


def test_a_booklet_is_imposed_in_the_same_bounded_process():
    import io

    import pikepdf

    pdf = typeset_pdf('#set page(paper: "a5")\nOne\n#pagebreak()\nTwo', booklet=True)
    sheets = pikepdf.Pdf.open(io.BytesIO(pdf)).pages
    assert len(sheets) == 2  # four pages, two of them blank, on one sheet's two sides
    assert [round(float(v)) for v in sheets[0].mediabox[2:]] == [842, 595]
