"""Look up a person's bans: search, gather the bans to show, and write the audit entry."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from registry.models import AuditEntry, Ban, Person
from registry.regions import may_see_protected_persons_by_ban, persons_visible_to, regions_of

from .query import Identifier, looks_like_identifier, parse_identifier, parse_name
from .search import Match, SearchOutcome, search_identifier, search_name
from .windows import BanWindow, ShownBan, persons_with_bans

# Persons shown at most; more matches mean the officer should add a date of birth.
MAX_RESULTS = 10
AUDIT_ACTION = "lookup"
# Letters a query needs to be tried as a name when no identifier matched it.
MIN_NAME_LETTERS = 3
AUDIT_ACTION_PROTECTED = "lookup.protected_persons"


@dataclass
class PersonResult:
    person: Person
    match: Match
    bans: list[ShownBan] = field(default_factory=list)

    @property
    def ban_in_force(self) -> bool:
        return any(shown.window == BanWindow.IN_FORCE for shown in self.bans)


@dataclass
class LookupResult:
    text: str
    dob: date | None
    identifier: Identifier | None
    at: datetime
    persons: list[PersonResult]
    match_count: int
    truncated: bool = False
    dob_relaxed: bool = False
    # Last contact of the ankle monitor per person with a monitored ban shown (None: unknown).
    device_contacts: dict[int, datetime | None] = field(default_factory=dict)
    # Whether the bans carry their protected persons (roles that see them; never region-bound operators).
    with_protected: bool = False

    @property
    def kind(self) -> str:
        return "identifier" if self.identifier is not None else "name"

    @property
    def ban_in_force(self) -> bool:
        return any(p.ban_in_force for p in self.persons)


def lookup(user, *, q: str = "", dob: date | None = None, identifier: str = "", channel: str = "api", now=None):
    """Return the persons matching a name or identifier with their bans, and audit the lookup."""
    now = now or timezone.now()
    parsed_id = None
    if identifier or looks_like_identifier(q):
        parsed_id = parse_identifier(identifier or q)
        outcome = search_identifier(parsed_id)
        if not outcome.matches and not identifier and sum(ch.isalpha() for ch in q) >= MIN_NAME_LETTERS:
            # No such code: letters with a stray digit may still be a name ("Jansen2" typed in a hurry).
            parsed_id, outcome = None, search_name(parse_name(q), dob)
    else:
        outcome = search_name(parse_name(q), dob)
    outcome = _in_regions_of(user, outcome)
    result = _result(identifier or q, dob, parsed_id, outcome, now, may_see_protected_persons_by_ban(user))
    record_lookup(user, result, channel)
    return result


def _in_regions_of(user, outcome: SearchOutcome) -> SearchOutcome:
    """Keep the matches a region-bound operator may see; the count then tells nothing of other regions."""
    if regions_of(user) is None:
        return outcome
    ids = [m.person_id for m in outcome.matches]
    visible = set(persons_visible_to(Person.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    outcome.matches = [m for m in outcome.matches if m.person_id in visible]
    return outcome


def _result(text: str, dob, identifier, outcome: SearchOutcome, now: datetime, full: bool) -> LookupResult:
    shown = outcome.matches[:MAX_RESULTS]
    people, bans = persons_with_bans([m.person_id for m in shown], now, with_protected=full)
    persons = [PersonResult(people[m.person_id], m, bans.get(m.person_id, [])) for m in shown if m.person_id in people]
    truncated = outcome.truncated or len(outcome.matches) > MAX_RESULTS
    # Read with the bans (windows._candidate_bans): the same for every ban of a person.
    contacts = {s.ban.person_id: s.ban.device_last_contact for shown in bans.values() for s in shown}
    return LookupResult(
        text, dob, identifier, now, persons, len(outcome.matches), truncated, outcome.dob_relaxed, contacts, full
    )


def record_lookup(user, result: LookupResult, channel: str) -> AuditEntry:
    """Write who looked up what, and which persons were shown (also when none were)."""
    return AuditEntry.record(
        user,
        AUDIT_ACTION,
        person_ids=[p.person.pk for p in result.persons],
        protected_person_ids=sorted(
            {v.pk for p in result.persons for s in p.bans for v in s.ban.protected_persons.all()}
            if result.with_protected
            else ()
        ),
        channel=channel,
        query=result.text,
        dob=result.dob.isoformat() if result.dob else None,
        kind=result.kind,
        identifier_kind=result.identifier.kind if result.identifier else None,
        result_count=len(result.persons),
        match_count=result.match_count,
        ban_in_force=result.ban_in_force,
    )


def protected_persons_of_ban(user, ban: Ban) -> list:
    """Return the persons a ban protects, and audit that this user saw them."""
    protected = list(ban.protected_persons.all())
    AuditEntry.record(
        user,
        AUDIT_ACTION_PROTECTED,
        target=ban,
        person_ids=[ban.person_id],
        protected_person_ids=[p.pk for p in protected],
    )
    return protected
