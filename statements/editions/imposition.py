"""A5 pages imposed two-up on A4 sheets in booklet order (saddle stitch): print
double-sided (flip on the short edge), fold the stack once, staple on the fold.

With the pages padded with blanks to a multiple of four (n in all), sheet k (from 0) carries
on its front pages n-2k and 2k+1, on its back 2k+2 and n-2k-1 (left, right; pages from 1).
Each page goes on its half-sheet as a form XObject (pikepdf, on qpdf): 800 pages take 0.3 s
and share their fonts, where merging page contents with pypdf took 37 s for *Ethics*.
"""

from __future__ import annotations

import io

A4_LANDSCAPE = (841.89, 595.28)  # points


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) page numbers (from 1) of each side of each sheet, front then back;
    None where a blank pads the booklet to a multiple of four pages."""
    total = -(-pages // 4) * 4

    def page(number: int) -> int | None:
        return number if number <= pages else None

    sides = []
    for sheet in range(total // 4):
        sides.append((page(total - 2 * sheet), page(2 * sheet + 1)))
        sides.append((page(2 * sheet + 2), page(total - 2 * sheet - 1)))
    return sides


def booklet_impose(pdf: bytes) -> bytes:
    """The A5 PDF ``pdf`` as a booklet on A4 (see the module's docstring)."""
    from pikepdf import Page, Pdf, Rectangle

    source = Pdf.open(io.BytesIO(pdf))
    booklet = Pdf.new()
    width, height = A4_LANDSCAPE
    for left, right in booklet_order(len(source.pages)):
        sheet = Page(booklet.add_blank_page(page_size=A4_LANDSCAPE))
        for number, x in ((left, 0.0), (right, width / 2)):
            if number is not None:  # scaled to fit its half, centred
                sheet.add_overlay(source.pages[number - 1], Rectangle(x, 0, x + width / 2, height))
    out = io.BytesIO()
    booklet.save(out)
    return out.getvalue()
