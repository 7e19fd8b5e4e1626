"""A4 pages with reportlab's standard fonts: the PDF setup shared by victim letters and OM reports.

No system fonts and no network; `invariant` makes the same content give the same bytes.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate


def build_pdf(story: list, *, title: str, margins_mm: tuple[float, float], author: str = "") -> bytes:
    """Return the story laid out on A4 pages with (side, top and bottom) margins, as PDF bytes."""
    side, vertical = (value * mm for value in margins_mm)
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=side,
        rightMargin=side,
        topMargin=vertical,
        bottomMargin=vertical,
        title=title,
        author=author,
        invariant=1,
    )
    document.build(story)
    return buffer.getvalue()


def paragraph(text, style: ParagraphStyle) -> Paragraph:
    """Return a paragraph of plain text: markup characters in data are shown, never interpreted."""
    return Paragraph(escape(str(text)), style)
