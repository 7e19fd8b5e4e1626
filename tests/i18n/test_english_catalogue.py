"""Every Dutch source string has an English translation, and the compiled catalogues match the sources."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/en/LC_MESSAGES/*.po")
    if not {".venv", "staticfiles", "artifacts"} & set(path.parts)
)


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 2


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_msgid_has_a_non_fuzzy_translation(path):
    untranslated = [
        entry.msgid
        for entry in polib.pofile(str(path))
        if not entry.obsolete and ("fuzzy" in entry.flags or not (entry.msgstr or all(entry.msgstr_plural.values())))
    ]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_its_source(path):
    # CI has no gettext tools: the committed .mo must be compiled from the committed .po.
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(path)) if not e.obsolete}
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(path.with_suffix(".mo")))}
    compiled.pop((None, ""), None)
    assert compiled == source
