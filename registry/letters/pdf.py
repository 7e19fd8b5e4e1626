"""Lay out a victim letter as PDF with reportlab's standard fonts (no system fonts, no network)."""

from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from registry.maps import draw_map
from registry.pdfpage import build_pdf, paragraph

from .letter import LetterContent

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName="Helvetica", fontSize=10, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=11, spaceBefore=8)
SUBJECT = ParagraphStyle("subject", parent=BODY, fontName="Helvetica-Bold", fontSize=13, leading=17, spaceBefore=10)


def render_letter(letter: LetterContent, title: str) -> bytes:
    """Return the letter as PDF bytes."""
    author = letter.closing[-1] if letter.closing else ""
    return build_pdf(_story(letter), title=title, margins_mm=(25, 20), author=author)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return paragraph(text, style)


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
