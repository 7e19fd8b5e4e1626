"""Play the drill's stories against a running banwatch over HTTP, and read the police queue like dispatch does.

- `Client`: one keep-alive HTTP connection with cookies (the operator's session) and JSON helpers.
- `Player`: one thread per scenario, each step posted at its time: fixes and events to the feed API with the
  vendor's key, bans to the registrar API with a token, operator actions to the monitor's JSON API with a session.
- `Heartbeats`: every device sends a heartbeat every 20 s (as a worn device does) until a `Silence` step.
- `Listener`: reads the police queue, de-duplicating on alert_id, and stamps each alert's first arrival.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from drill_model import Event, Fix, Operate, SaveBan, Silence
from drill_world import World, ban_body, hours_ago, iso

HEARTBEAT_EVERY_S = 20.0
# A burst of every story's first batch at one moment queues them behind each other for seconds on a small host.
STAGGER_S = 10.0
ZONE_TYPES = ("zone_violation", "presence_violation")


class Client:
    """A small HTTP client: keep-alive, cookies kept, JSON in and out; reconnects after a broken connection."""

    def __init__(self, port: int, headers: dict | None = None, cookies: dict | None = None) -> None:
        self.port = port
        self.headers = headers or {}
        self.cookies = cookies if cookies is not None else {}
        self.conn = None

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict | str]:
        data = body if isinstance(body, str | bytes | None) else json.dumps(body)
        sent = {**self.headers, **(headers or {})}
        if not isinstance(body, str | bytes | None):
            sent.setdefault("Content-Type", "application/json")
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request(method, path, data, sent)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.5)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        try:
            return response.status, json.loads(raw or b"{}")
        except ValueError:
            return response.status, raw.decode(errors="replace")


def operator_session(port: int, username: str, password: str, totp_key: str) -> dict:
    """Sign the operator in through the forms, password then authenticator code; return the session's cookies."""
    client = Client(port)
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    client.request("GET", "/accounts/login/")
    form = {"username": username, "password": password, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
    client.request("POST", "/accounts/login/", urlencode(form), form_type)
    code = {"code": _totp_code(totp_key), "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
    client.request("POST", "/accounts/two-factor/", urlencode(code), form_type)
    status, _ = client.request("GET", "/monitor/api/incidents/")
    if status != 200:
        raise SystemExit(f"operator sign-in failed (the board answered HTTP {status})")
    return client.cookies


def _totp_code(hex_key: str) -> str:
    """Return the code an authenticator app with this key shows now."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    return f"{TOTP(unhexlify(hex_key)).token():06d}"


@dataclass
class Played:
    """What happened while one scenario's story was told."""

    start: float = 0.0  # epoch of the story's t=0
    sends: dict[float, float] = field(default_factory=dict)  # story time -> wall clock the batch went out
    answers: dict[float, list] = field(default_factory=dict)  # story time -> [(status, answer)] of feed posts
    problems: list[str] = field(default_factory=list)  # steps that could not be done as written
    positions: list = field(default_factory=list)  # every answer of the positions feed (the events' are apart)


class Player:
    """Tell every scenario's story at once, one thread each.

    `client` makes the HTTP clients from `port` (bench/faults.py passes one that fails over between two web
    processes and resends after a 503, as a device does); `stagger_s` spreads the stories' starts.
    """

    def __init__(
        self,
        world: World,
        port,
        operator_cookies: dict,
        silenced: set[str],
        *,
        client=Client,
        stagger_s: float = STAGGER_S,
    ) -> None:
        self.world = world
        self.port = port
        self.operator_cookies = operator_cookies
        self.silenced = silenced
        self.client, self.stagger_s = client, stagger_s
        self.played = {p.scenario.name: Played() for p in world.placed}

    def story_start(self, here, start: float) -> float:
        """Return when the scenario's story starts: the stories start within stagger_s of `start`, not all at once."""
        order = self.world.placed.index(here)
        return start + self.stagger_s * order / max(1, len(self.world.placed))

    def save_bans_before(self, start: float) -> None:
        """POST every ban saved before its story; stories start from `start`."""
        client = self.client(self.port, {"Authorization": f"Token {self.world.token}"})
        for here in self.world.placed:
            for key, spec in here.scenario.bans.items():
                if spec.saved is None:
                    self._save_ban(client, here, key, self.story_start(here, start))

    def _save_ban(self, client: Client, here, key: str, start: float) -> None:
        body = ban_body(here, key, start, valid_from=hours_ago(1))
        status, answer = client.request("POST", "/api/v1/bans/", body)
        if status != 201:
            self.played[here.scenario.name].problems.append(f"ban {key}: HTTP {status} {str(answer)[:200]}")
            return
        here.bans[key] = answer["id"]

    def run(self, start: float) -> None:
        threads = [
            threading.Thread(target=self._tell, args=(here, self.story_start(here, start)), daemon=True)
            for here in self.world.placed
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _tell(self, here, start: float) -> None:
        played = self.played[here.scenario.name]
        played.start = start
        feed = self.client(self.port, {"Authorization": f"Api-Key {self.world.key}"})
        registrar = self.client(self.port, {"Authorization": f"Token {self.world.token}"})
        monitor = self.client(self.port, cookies=dict(self.operator_cookies))
        steps = sorted(here.scenario.steps, key=lambda s: s.sent)
        lag = 0.0  # how late the last ban's 201 came: later steps keep their distance to it
        for sent, group in itertools.groupby(steps, key=lambda s: s.sent):
            group = list(group)
            time.sleep(max(0.0, start + sent + lag - time.time()))
            played.sends[sent] = time.time()
            for step in group:
                if isinstance(step, SaveBan):
                    self._save_ban(registrar, here, step.ban, start)
                    lag = time.time() - (start + sent)
            self._post_items(feed, here, played, sent, group, start)
            for step in group:
                if isinstance(step, Silence):
                    self.silenced.add(here.devices[step.device])
                elif isinstance(step, Operate):
                    self._operate(monitor, here, played, step)

    def _post_items(self, feed: Client, here, played: Played, sent: float, group: list, start: float) -> None:
        fixes = [self._fix(here, f, start) for f in group if isinstance(f, Fix)]
        events = [self._event(here, e, start) for e in group if isinstance(e, Event)]
        for path, key, items in (("positions", "fixes", fixes), ("events", "events", events)):
            if items:
                status, answer = feed.request("POST", f"/api/v1/feeds/{path}", {key: items})
                played.answers.setdefault(sent, []).append((status, answer))
                if path == "positions":
                    played.positions.append((status, answer))
                if status != 202:
                    played.problems.append(f"t={sent:g} {path}: HTTP {status} {str(answer)[:200]}")

    @staticmethod
    def _fix(here, fix: Fix, start: float) -> dict:
        lat, lon = here.point(fix.at)
        return {
            "device": here.devices[fix.device],
            "ts": iso(start + fix.t),
            "lat": lat,
            "lon": lon,
            "accuracy_m": fix.acc,
        }

    @staticmethod
    def _event(here, event: Event, start: float) -> dict:
        item = {"device": here.devices[event.device], "ts": iso(start + event.t), "type": event.type}
        if event.battery_pct is not None:
            item["battery_pct"] = event.battery_pct
        return item

    def _operate(self, monitor: Client, here, played: Played, step: Operate) -> None:
        """Find the ban subject's open zone incident on the board and act on it with the version seen."""
        name = here.names[here.scenario.bans[step.ban].subject]
        deadline = time.time() + 10
        while True:
            status, board = monitor.request("GET", "/monitor/api/incidents/")
            rows = board.get("incidents", []) if isinstance(board, dict) else []
            row = next((r for r in rows if r["person"] == name and r["type"] in ZONE_TYPES), None)
            if row is not None or time.time() > deadline:
                break
            time.sleep(1.0)
        if row is None:
            played.problems.append(f"t={step.sent:g} {step.action}: no open incident on the board (HTTP {status})")
            return
        body = {"version": row["version"], "outcome": step.outcome}
        headers = {"X-CSRFToken": monitor.cookies.get("csrftoken", "")}
        status, answer = monitor.request("POST", f"/monitor/api/incidents/{row['id']}/{step.action}/", body, headers)
        if status != 200:
            played.problems.append(f"t={step.sent:g} {step.action}: HTTP {status} {str(answer)[:200]}")


class Heartbeats(threading.Thread):
    """Every device reports a heartbeat every HEARTBEAT_EVERY_S seconds, unless silenced."""

    def __init__(self, port, key: str, devices: list[str], silenced: set[str], *, client=Client) -> None:
        super().__init__(daemon=True)
        self.client = client(port, {"Authorization": f"Api-Key {key}"})
        self.devices = devices
        self.silenced = silenced
        self.stopping = threading.Event()

    def beat_once(self) -> None:
        now = iso(time.time())
        events = [{"device": d, "ts": now, "type": "heartbeat"} for d in self.devices if d not in self.silenced]
        status, answer = self.client.request("POST", "/api/v1/feeds/events", {"events": events})
        if status != 202:
            print(f"heartbeats: HTTP {status} {str(answer)[:200]}")

    def run(self) -> None:
        while not self.stopping.wait(HEARTBEAT_EVERY_S):
            self.beat_once()


class Listener(threading.Thread):
    """Read the police queue like dispatch: ack each message, keep the first of each alert_id."""

    def __init__(self, queue_url: str) -> None:
        super().__init__(daemon=True)
        self.queue_url = queue_url
        self.first: dict[str, tuple[float, dict]] = {}
        self.redelivered = 0
        self.stopping = threading.Event()
        self.last_arrival = time.time()

    def run(self) -> None:
        from geofence.alerts.police_queue import PoliceQueue

        while not self.stopping.is_set():
            try:
                for alert, message in PoliceQueue(self.queue_url).receive(timeout=1.0):
                    self.last_arrival = time.time()
                    if alert.alert_id in self.first:
                        self.redelivered += 1
                    else:
                        self.first[alert.alert_id] = (self.last_arrival, alert.body)
                    message.ack()
            except Exception as exc:  # noqa: BLE001 - dispatch reconnects; so does the drill
                print(f"listener reconnects after {type(exc).__name__}: {exc}")
                time.sleep(0.5)
