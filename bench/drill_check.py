"""Hold what came out of the drill against each scenario's expectations, and say what failed.

Alerts are attributed to a scenario by the ids in the police message (device.id, ban.id, subject.person_id: every
scenario has its own). Per expectation, the first `count` alerts with its type, change, subject (ban or device),
verdict, priority band and cause are taken; fewer is a miss. Alerts no expectation takes and no `Allow` covers are
extra; an extra alert with priority 1-2 is an extra urgent alert. Facts that do not decide whether an alert is
the one expected (where the incident opened, the late mark, a position on a device alert) are checked on the
alerts taken and fail the scenario without counting as a miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from drill_model import ANY, BANDS, LATE_DETAIL, OPENED, URGENT, Alert, Allow, Event, Fix
from drill_play import Played
from drill_world import Placed

EVENT_OF_TYPE = {"panic": "panic_button", "strap_tamper": "strap_tamper", "battery_critical": "low_battery"}
TIME_TOLERANCE_S = 0.5


@dataclass
class Row:
    name: str
    group: str
    expected: int = 0
    delivered: int = 0
    missed: int = 0
    extra: int = 0
    urgent_missed: int = 0
    urgent_extra: int = 0
    latency_s: float | None = None
    failures: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)  # alert_id of each expected alert that arrived

    @property
    def ok(self) -> bool:
        return not (self.missed or self.extra or self.failures)


def epoch(text: str | None) -> float | None:
    return datetime.fromisoformat(text).timestamp() if text else None


def describe(body: dict) -> str:
    incident, level = body["incident"], body["priority"]["level"]
    return f"{incident['type']}/{incident['change']} {incident.get('verdict') or '-'} p{level}"


def attribute(placed: list[Placed], alerts: dict[str, tuple[float, dict]]) -> tuple[dict[str, list], list]:
    """Return the alerts of each scenario (arrival order) and those no scenario claims."""
    by_device = {d: p.scenario.name for p in placed for d in p.devices.values()}
    by_ban = {b: p.scenario.name for p in placed for b in p.bans.values()}
    by_person = {i: p.scenario.name for p in placed for i in p.persons.values()}
    found: dict[str, list] = {p.scenario.name: [] for p in placed}
    stray = []
    for arrival, body in sorted(alerts.values(), key=lambda a: a[0]):
        device, ban, subject = body.get("device") or {}, body.get("ban") or {}, body.get("subject") or {}
        name = by_device.get(device.get("id")) or by_ban.get(ban.get("id")) or by_person.get(subject.get("person_id"))
        (found[name] if name else stray).append((arrival, body))
    return found, stray


def check(here: Placed, played: Played, alerts: list, board: list[dict]) -> Row:
    scenario = here.scenario
    row = Row(scenario.name, scenario.group, expected=sum(e.count for e in scenario.expect))
    row.failures += played.problems
    left = list(alerts)
    for number, expectation in enumerate(scenario.expect):
        taken = [
            a for a in left if _identifies(here, expectation, a[1]) and _qualifies(here, played, expectation, a[1])
        ]
        taken = taken[: expectation.count]
        for alert in taken:
            left.remove(alert)
            row.taken.append(alert[1].get("alert_id"))
        _count(row, here, expectation, taken, left)
        row.failures += _details(here, played, expectation, taken, alerts)
        if number == 0 and taken:
            row.latency_s = _latency(scenario, played, taken[0])
    for _arrival, body in left:
        if any(_allowed(here, a, body) for a in scenario.allow):
            continue
        row.extra += 1
        row.urgent_extra += body["priority"]["level"] in BANDS[URGENT]
        row.failures.append(f"extra {describe(body)}")
    row.failures += _centre(here, board) + _answers(scenario, played)
    return row


def _count(row: Row, here: Placed, expectation: Alert, taken: list, left: list) -> None:
    row.delivered += len(taken)
    missing = expectation.count - len(taken)
    if missing <= 0:
        return
    row.missed += missing
    if expectation.band == URGENT:
        row.urgent_missed += missing
    near = [describe(b) for _a, b in left if _identifies(here, expectation, b)]
    got = f"; got {', '.join(near)}" if near else ""
    row.failures.append(f"missed {missing}x {_want(expectation)}{got}")


def _want(e: Alert) -> str:
    verdict = f" {e.verdict}" if e.verdict else ""
    band = "" if e.band == ANY else f" {e.band}"
    after = f" caused at t>={e.not_before:g}" if e.not_before is not None else ""
    return f"{e.type}/{'|'.join(e.change)} about {e.about}{verdict}{band}{after}"


def _identifies(here: Placed, e: Alert, body: dict) -> bool:
    incident = body["incident"]
    if incident["type"] != e.type or incident["change"] not in e.change:
        return False
    if e.about in here.bans:
        return (body.get("ban") or {}).get("id") == here.bans[e.about]
    return (body.get("device") or {}).get("id") == here.devices.get(e.about)


def _qualifies(here: Placed, played: Played, e: Alert, body: dict) -> bool:
    if e.verdict is not None and body["incident"].get("verdict") != e.verdict:
        return False
    if body["priority"]["level"] not in BANDS[e.band]:
        return False
    if e.not_before is not None:
        caused = epoch((body.get("last_fix") or {}).get("time"))
        return caused is not None and caused >= played.start + e.not_before - TIME_TOLERANCE_S
    return True


def _allowed(here: Placed, allow: Allow, body: dict) -> bool:
    if body["incident"]["type"] != allow.type or body["priority"]["level"] not in BANDS[allow.band]:
        return False
    return allow.about is None or (body.get("device") or {}).get("id") == here.devices.get(allow.about)


def _details(here: Placed, played: Played, e: Alert, taken: list, alerts: list) -> list[str]:
    failures = []
    for _arrival, body in taken:
        if e.position and not body.get("last_fix"):
            failures.append(f"{describe(body)} carries no position")
        last = _last_message(body["incident"]["id"], alerts)
        if e.opened_at is not None:
            want = _expected_open(here, played, e.opened_at)
            got = epoch(last["incident"]["opened_at"])
            if want is None or got is None or abs(got - want) > TIME_TOLERANCE_S:
                failures.append(f"opened at {_rel(got, played)}, expected {_rel(want, played)}")
        if e.late and not (last["incident"].get("details") or {}).get(LATE_DETAIL):
            failures.append(f"incident not marked late (details.{LATE_DETAIL})")
    return failures


def _last_message(incident_id: int, alerts: list) -> dict:
    mine = [(epoch(b["created_at"]), a, b) for a, b in alerts if b["incident"]["id"] == incident_id]
    return max(mine, key=lambda m: (m[0], m[1]))[2]


def _expected_open(here: Placed, played: Played, opened_at: float | str) -> float | None:
    if not isinstance(opened_at, str):
        return played.start + opened_at
    ban = opened_at.split(":", 1)[1]  # "window:b1": the first fix of its subject inside the window
    opens = here.window_starts.get(ban)
    device = here.scenario.bans[ban].subject
    times = sorted(played.start + f.t for f in here.scenario.steps if isinstance(f, Fix) and f.device == device)
    return next((t for t in times if opens is not None and t >= opens), None)


def _rel(value: float | None, played: Played) -> str:
    return "-" if value is None else f"t={value - played.start:+.1f}s"


def _latency(scenario, played: Played, taken: tuple) -> float | None:
    """Return the time from sending the fix (or event) that caused the alert to its arrival on the queue."""
    arrival, body = taken
    if body["incident"]["change"] not in (OPENED, "escalated"):
        return None
    caused = epoch((body.get("last_fix") or {}).get("time"))
    event_type = EVENT_OF_TYPE.get(body["incident"]["type"])
    for step in scenario.steps:
        by_fix = isinstance(step, Fix) and caused is not None and abs(played.start + step.t - caused) < 0.01
        by_event = isinstance(step, Event) and step.type == event_type
        if (by_fix or by_event) and step.sent in played.sends:
            return arrival - played.sends[step.sent]
    return None


def _centre(here: Placed, board: list[dict]) -> list[str]:
    failures = []
    for want in here.scenario.centre:
        name = here.names[want.subject]
        rows = [r for r in board if r.get("person") == name]
        if want.kind == "approach":
            rows = [r for r in rows if "approach" in r["type"]]
        elif want.kind == "protection":
            rows = [r for r in rows if "protection" in r["type"] or "interrupt" in r["type"]]
        if not rows:
            failures.append(f"centre: no {want.kind} incident on the board for {want.subject}")
    return failures


def _answers(scenario, played: Played) -> list[str]:
    failures = []
    for want in scenario.answers:
        answers = [a for status, a in played.answers.get(want.sent, []) if status == 202 and isinstance(a, dict)]
        positions = next((a for a in answers if "accepted" in a), None)
        if positions is None or not ANSWER_CHECKS[want.check](positions):
            failures.append(f"feed answer at t={want.sent:g}: want {want.check}, got {positions}")
    return failures


def _reasons(answer: dict) -> set[str]:
    return {r.get("reason") for r in answer.get("rejected", [])}


def _conflict_counted(answer: dict) -> bool:
    counted = any("conflict" in k and isinstance(v, int) and v > 0 for k, v in answer.items())
    return counted or "conflicting_duplicate" in _reasons(answer)


ANSWER_CHECKS = {
    "conflicting_duplicate": _conflict_counted,
    "all_duplicates": lambda a: a["accepted"] == 0 and a["duplicates"] >= 1 and not a.get("rejected"),
    "has_duplicates": lambda a: a["duplicates"] >= 1,
    "future_timestamp": lambda a: "future_timestamp" in _reasons(a),
    "all_accepted": lambda a: a["accepted"] >= 1 and not a.get("rejected"),
}
