"""Lay out a victim letter as PDF with reportlab's standard fonts (no system fonts, no network)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from registry.maps import draw_map

from .letter import LetterContent

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName="Helvetica", fontSize=10, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=11, spaceBefore=8)
SUBJECT = ParagraphStyle("subject", parent=BODY, fontName="Helvetica-Bold", fontSize=13, leading=17, spaceBefore=10)


def render_letter(letter: LetterContent, title: str) -> bytes:
    """Return the letter as PDF bytes."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=letter.closing[-1] if letter.closing else "",
        invariant=1,  # the same letter gives the same bytes
    )
    document.build(_story(letter))
    return buffer.getvalue()


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _story(letter: LetterContent) -> list:
    story = [_p(line) for line in letter.recipient_lines if line]
    story += [
        Spacer(1, 8 * mm),
        _p(_("Datum: %(date)s") % {"date": letter.letter_date}),
        _p(_("Kenmerk: %(reference)s") % {"reference": letter.reference}),
        _p(letter.subject, SUBJECT),
        Spacer(1, 3 * mm),
        _p(letter.salutation),
    ]
    story += [_p(text) for text in letter.intro]
    for section in letter.sections:
        block = [_p(section.heading, HEADING)] + [_p(text) for text in section.paragraphs]
        if section.map is not None:
            block += [Spacer(1, 2 * mm), draw_map(section.map, width=260, height=190)]
            block.append(_p(_("Kaart: het rode gebied is de zone. Schaalstreep linksonder."), SMALL))
        story.append(KeepTogether(block))
    story.append(Spacer(1, 5 * mm))
    story += [_p(text) for text in letter.closing]
    return story
