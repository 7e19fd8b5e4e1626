"""The one-command demo: migrate, seed, then run web server, simulator, consumer and periodic tasks."""

import logging
import re
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from seeds import demo_runner as runner
from seeds.demo_data import DEMO_VENDOR, USERS
from seeds.incident_watch import IncidentWatch
from seeds.seeding import DemoModeRequired, require_demo_mode, seed_demo

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
PAGES = (
    ("Startpagina (per rol)", "/"),
    ("Meldkamer-dashboard", "/monitor/"),
    ("Opzoeken door politie", "/politie/"),
    ("Registratie (werkvoorraad)", "/registratie/"),
    ("API-documentatie", "/api/docs/"),
    ("Beheer (Django admin)", "/admin/"),
)


class Command(BaseCommand):
    help = "Start de complete demo op de ingebouwde standaard (SQLite, Celery in-process). Stop met Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-simulator", action="store_true", help="start de feedsimulator niet")
        parser.add_argument("--scenario", default="approach", help="scenario van de simulator (zie simulate_feed)")
        parser.add_argument("--speedup", type=float, default=30.0, help="versnelling van de simulator")
        parser.add_argument(
            "--preroll", type=float, default=600.0, help="zoveel seconden scenario speelt versneld, in het verleden"
        )
        parser.add_argument("--duration", type=float, default=None, help="stop na zoveel seconden")

    def handle(self, *args, **options):
        try:
            require_demo_mode()
        except DemoModeRequired as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        # The in-process periodic tasks would otherwise log every run.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        self._prepare()
        stop = threading.Event()
        runner.install_stop_handlers(stop)
        children = self._children(options)
        base_url = f"http://{options['host']}:{options['port']}"
        code = self._run(children, stop, base_url, options, started)
        sys.exit(code)

    def _prepare(self) -> None:
        """Create the var directories, migrate and seed: a fresh clone needs nothing else."""
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        Path(settings.POLICE_QUEUE_FILESYSTEM_DIR).mkdir(parents=True, exist_ok=True)
        runner.say("demo", "Database bijwerken (migrate)...")
        call_command("migrate", interactive=False, verbosity=0)
        counts = seed_demo()
        changed = sum(n for (_, outcome), n in counts.items() if outcome != "unchanged")
        runner.say("demo", f"Demodata geladen ({changed} rijen nieuw of bijgewerkt).")

    def _children(self, options) -> list[runner.Child]:
        python = [sys.executable, MANAGE]
        address = f"{options['host']}:{options['port']}"
        # The simulator reports its own uploads; the web server's access line for each adds nothing.
        # Nor do Celery's lines for every task run in-process.
        quiet = re.compile(r'"POST /api/v1/feeds/\S+ HTTP/[\d.]+" 202 |^Task [\w.]+\[[\w-]+\] succeeded in')
        children = [runner.Child("web", [*python, "runserver", "--noreload", address], quiet=quiet)]
        if "police_queue" in get_commands():
            children.append(runner.Child("politie-wachtrij", [*python, "police_queue", "tail"], required=False))
        else:
            runner.say("demo", "police_queue ontbreekt: geen consument van de politiewachtrij.")
        if not options["no_simulator"]:
            sim = [*python, "simulate_feed", "--scenario", options["scenario"], "--keep-alive"]
            sim += ["--speedup", str(options["speedup"]), "--preroll", str(options["preroll"])]
            children.append(runner.Child("simulator", [*sim, "--url", f"http://{address}"], required=False))
        return children

    def _run(self, children, stop, base_url, options, started) -> int:
        env = runner.child_env()
        web, others = children[0], children[1:]
        web.start(env)
        if not runner.wait_for_port(options["host"], options["port"], 60.0, lambda: not web.exited()):
            runner.say("demo", "De webserver start niet; zie de regels van [web] hierboven.")
            self._stop(children)
            return 1
        self._banner(base_url)
        for child in others:
            child.start(env)
        tasks = runner.beat_tasks(getattr(settings, "CELERY_BEAT_SCHEDULE", {}))
        watch = IncidentWatch(lambda line: runner.say("demo", line))
        runner.PeriodicTasks([*tasks, ("incidenten tonen", 1.0, watch.poll)], stop).start()
        code = self._watch(children, stop, options["duration"], started)
        stop.set()
        self._stop(children)
        runner.say("demo", "Gestopt.")
        return code

    def _watch(self, children, stop, duration, started) -> int:
        """Wait for Ctrl-C, SIGTERM or the end of --duration; return 1 when a required process died."""
        finished: set[str] = set()
        while not stop.wait(0.5):
            if duration is not None and time.monotonic() - started >= duration:
                return 0
            for child in children:
                if child.exited() and child.name not in finished:
                    finished.add(child.name)
                    runner.say("demo", f"{child.name} is gestopt (code {child.process.returncode}).")
                    if child.required:
                        return 1
        return 0

    def _stop(self, children) -> None:
        # The simulator first (no new fixes), the consumer last (it prints what is still queued).
        for child in sorted(children, key=lambda c: {"simulator": 0, "web": 1}.get(c.name, 2)):
            child.stop()

    def _banner(self, base_url: str) -> None:
        lines = ["", "banwatch-demo draait. Inloggen:"]
        lines.extend(f"  {title:<24} {base_url}{path}" for title, path in PAGES)
        lines.append("Demogebruikers (wachtwoorden alleen voor deze demo, zie docs/demo.md):")
        lines.extend(f"  {u.username:<12} {u.password:<18} {u.description}" for u in USERS)
        lines.append(f"Feed-API-sleutel van '{DEMO_VENDOR.name}': {DEMO_VENDOR.api_key}")
        lines.append(
            "LET OP: demomodus (BANWATCH_DEMO=true). De tweede stap (authenticator-code) is hier optioneel; "
            "in productie is hij verplicht voor registratie, meldkamer, supervisors en beheerders."
        )
        lines.append("Stoppen: Ctrl-C.")
        for line in lines:
            runner.say("demo", line)
