"""Helpers for the victim letter tests (a module, not conftest, so imports never pick another directory's)."""

from io import BytesIO
from zoneinfo import ZoneInfo

from pypdf import PdfReader

AMS = ZoneInfo("Europe/Amsterdam")
HOME = (52.0907, 5.1214)  # an invented address in Utrecht


def pdf_text(data: bytes) -> str:
    """Return the PDF's text with whitespace runs folded to single spaces."""
    reader = PdfReader(BytesIO(bytes(data)))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
