"""A5 pages imposed two-up on A4 sheets in booklet order (saddle stitch): print
double-sided (flip on the short edge), fold the stack once, staple on the fold.

With the pages padded with blanks to a multiple of four (n in all), sheet k (from 0) carries
on its front pages n-2k and 2k+1, on its back 2k+2 and n-2k-1 (left, right; pages from 1).
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

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
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    width, height = A4_LANDSCAPE
    for left, right in booklet_order(len(reader.pages)):
        sheet = PageObject.create_blank_page(width=width, height=height)
        for number, x in ((left, 0.0), (right, width / 2)):
            if number is None:
                continue
            page = reader.pages[number - 1]
            box = page.mediabox
            # Each A5 page is centred in its half of the sheet (scaled down if it is larger).
            scale = min((width / 2) / float(box.width), height / float(box.height), 1.0)
            dx = x + ((width / 2) - float(box.width) * scale) / 2 - float(box.left) * scale
            dy = (height - float(box.height) * scale) / 2 - float(box.bottom) * scale
            sheet.merge_transformed_page(page, Transformation().scale(scale).translate(dx, dy))
        writer.add_page(sheet)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
