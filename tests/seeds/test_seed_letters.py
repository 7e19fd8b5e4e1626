"""seed_demo writes the victim letter of every seeded ban with a protected person."""

from io import BytesIO

import pytest
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from pypdf import PdfReader

from registry.letters.letter import local_datetime
from registry.letters.models import NoticeStatus, VictimNotice
from registry.models import Ban, BanStatus
from seeds.seeding import seed_demo


@pytest.fixture
def seeded(db, settings):
    settings.DEMO_MODE = True
    return seed_demo()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(bytes(data)))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def bans_needing_letters():
    """Return the seeded active bans with protected persons, in force or still to start.

    A ban that expired or ended before its victim was ever told needs no letter about its end.
    """
    now = timezone.now()
    bans = Ban.objects.filter(status=BanStatus.ACTIVE, protected_persons__isnull=False)
    bans = bans.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    return bans.distinct().prefetch_related("protected_persons")


def test_every_protected_person_of_a_seeded_ban_has_a_written_letter(seeded):
    bans = list(bans_needing_letters())
    assert len(bans) >= 5
    for ban in bans:
        for person in ban.protected_persons.all():
            notice = VictimNotice.objects.current().get(ban=ban, protected_person=person)
            assert notice.status == NoticeStatus.GENERATED, (ban.pk, person.pk)


def test_seeded_letters_name_the_police_number_and_the_bans_dates(seeded):
    for notice in VictimNotice.objects.current().select_related("ban"):
        text = pdf_text(notice.pdf)
        with translation.override("nl"):
            valid_from = local_datetime(notice.ban.valid_from)
            valid_until = local_datetime(notice.ban.valid_until) if notice.ban.valid_until else "tot nader order"
        assert settings.POLICE_PHONE_NUMBER in text
        assert valid_from in text and valid_until in text, notice.ban.decision.reference


def test_seeding_again_writes_no_new_letters(seeded):
    before = sorted(VictimNotice.objects.values_list("pk", "generated_at"))
    counts = seed_demo()
    assert sorted(VictimNotice.objects.values_list("pk", "generated_at")) == before
    assert ("VictimNotice", "generated") not in counts


def test_seeding_reports_the_letters_it_wrote(seeded):
    assert seeded[("VictimNotice", "generated")] == VictimNotice.objects.count()
