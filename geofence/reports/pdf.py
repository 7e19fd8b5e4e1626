"""Lay out a violation report for the OM as PDF: facts, track map, closest distance, tables."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from registry.maps import MapContent, MapZone, draw_map
from registry.models.legal import rule_for
from registry.pdfpage import build_pdf, paragraph

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_TRACK_ROWS = 300  # the JSON export has every fix
STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("report-body", parent=STYLES["BodyText"], fontName="Helvetica", fontSize=9, leading=12)
CELL = ParagraphStyle("report-cell", parent=BODY, fontSize=7.5, leading=9)
HEADING = ParagraphStyle("report-heading", parent=BODY, fontName="Helvetica-Bold", fontSize=11, spaceBefore=8)
TITLE = ParagraphStyle("report-title", parent=BODY, fontName="Helvetica-Bold", fontSize=14, leading=18)


def local(iso: str | None) -> str:
    if not iso:
        return "–"
    return datetime.fromisoformat(iso).astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M:%S")


def metres(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} m".replace(",", ".")


def render_report(facts: dict, status_label: str) -> bytes:
    """Return the report as PDF bytes."""
    title = _("Rapport overtreding voor het OM, incident %(id)s") % {"id": facts["incident"]["id"]}
    return build_pdf(_story(facts, status_label), title=title, margins_mm=(18, 16))


def _p(text, style=BODY) -> Paragraph:
    return paragraph(text, style)


def _pairs(rows: list[tuple[str, str]]) -> Table:
    table = Table([[_p(k), _p(v)] for k, v in rows], colWidths=[55 * mm, 115 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _grid(header: list[str], rows: list[list[str]], widths) -> Table:
    table = Table(
        [[_p(h, CELL) for h in header]] + [[_p(c, CELL) for c in r] for r in rows], colWidths=widths, repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _story(facts: dict, status_label: str) -> list:
    incident, ban, person = facts["incident"], facts["ban"] or {}, facts["person"] or {}
    story = [
        _p(_("Rapport overtreding verbod – voor het Openbaar Ministerie"), TITLE),
        _p(
            _("Incident %(id)s · status rapport: %(status)s · opgesteld %(at)s")
            % {"id": incident["id"], "status": status_label, "at": local(facts["generated_at"])}
        ),
        _p(_("Betrokkene"), HEADING),
        _pairs(
            [
                (_("Naam"), person.get("name", "–")),
                (_("Geboortedatum"), person.get("date_of_birth") or "–"),
                (_("Strafrechtketennummer"), person.get("strafrechtketennummer") or "–"),
                (_("Beschermd persoon"), (facts["protected_person"] or {}).get("name", "–")),
            ]
        ),
        _p(_("Verbod en grondslag"), HEADING),
        _pairs(_ban_rows(ban)),
        _p(_("Overtreding"), HEADING),
        _pairs(_violation_rows(facts)),
    ]
    story += _map_block(facts)
    story += _track_block(facts)
    story += _events_block(facts)
    story += _timeline_block(facts)
    story += _police_block(facts)
    return story


def _ban_rows(ban: dict) -> list[tuple[str, str]]:
    if not ban:
        return [(_("Verbod"), "–")]
    zone = ban.get("zone") or {}
    zone_text = "–"
    if zone.get("shape") == "circle":
        zone_text = _("cirkel, straal %(radius)s") % {"radius": metres(zone["radius_m"])}
    elif zone.get("shape") == "polygon":
        zone_text = _("gebied (polygoon)")
    return [
        (_("Soort"), ban["kind_label"]),
        (_("Kenmerk"), ban["reference"]),
        (_("Instantie, datum"), f"{ban['authority']}, {ban['decision_date']}"),
        (_("Wettelijke grondslag"), ban["legal_basis_label"]),
        (_("Dadelijk uitvoerbaar (DUT)"), _("ja") if ban["dut"] else _("nee")),
        (_("Aanhouding bij heterdaad mogelijk"), _("ja") if ban["arrest_possible"] else _("nee")),
        (_("Geldig"), f"{local(ban['valid_from'])} – {local(ban['valid_until'])}"),
        (_("Zone"), zone_text + (f" ({zone['description']})" if zone.get("description") else "")),
        *_legal_rows(ban),
    ]


def _legal_rows(ban: dict) -> list[tuple[str, str]]:
    """Word the basis's term and the consequences of a violation, from the rule table in the active language."""
    rule = rule_for(ban["legal_basis"])
    legal = ban.get("legal") or {}
    if rule.offence_article:
        offence = _("ja, zelfstandig strafbaar feit (%(article)s)") % {"article": rule.offence_article}
    else:
        offence = _("nee, op zichzelf geen strafbaar feit")
    term = str(rule.term_text)
    if legal.get("legal_end"):
        term += " · " + _("wettelijk uiterlijk tot %(date)s") % {"date": local(legal["legal_end"])}
    if legal.get("term_justification"):
        term += " · " + _("grond langere termijn: %(ground)s") % {"ground": legal["term_justification"]}
    return [
        (_("Artikelen"), rule.articles),
        (_("Wettelijke termijn"), term),
        (_("Overtreding strafbaar"), offence),
        (_("Mogelijk vervolg door het OM"), str(rule.om_follow_up)),
    ]


def _violation_rows(facts: dict) -> list[tuple[str, str]]:
    times, closest, incident = facts["times"], facts["closest_approach"], facts["incident"]
    closest_text = metres(closest.get("distance_m"))
    if closest.get("at"):
        closest_text += _(" om %(at)s (nauwkeurigheid ± %(acc)s)") % {
            "at": local(closest["at"]),
            "acc": metres(closest["accuracy_m"]),
        }
    duration = times["duration_s"]
    return [
        (_("Soort incident"), incident["type_label"]),
        (_("Zeker of mogelijk"), _("zeker") if incident["definite"] else _("mogelijk (binnen GPS-onnauwkeurigheid)")),
        (_("Binnengekomen"), local(times["entry"])),
        (_("Verlaten"), local(times["exit"]) if times["exit"] else _("niet vastgesteld")),
        (_("Duur"), f"{int(duration // 60)} min {int(duration % 60)} s" if duration is not None else "–"),
        (_("Kleinste afstand tot beschermde locatie"), closest_text),
        (_("Kleinste afstand volgens bewaking"), metres(closest.get("incident_distance_m"))),
        (_("Diepste indringing"), metres(facts.get("deepest_intrusion_m"))),
    ]


def _map_block(facts: dict) -> list:
    zone = (facts["ban"] or {}).get("zone") or {}
    zones = []
    if zone.get("shape") == "circle":
        zones.append(MapZone(centre=(zone["centre"]["lat"], zone["centre"]["lon"]), radius_m=zone["radius_m"]))
    elif zone.get("shape") == "polygon":
        zones.append(MapZone(geojson=zone["geojson"]))
    track = [(p["lat"], p["lon"], p["accuracy_m"]) for p in facts["track"]]
    closest = facts["closest_approach"]
    markers = [(closest["lat"], closest["lon"], _("dichtstbij"))] if closest.get("at") else []
    if not zones and not track:
        return []
    drawing = draw_map(MapContent(zones=zones, track=track, markers=markers), width=480, height=300)
    return [
        _p(_("Kaart van het spoor"), HEADING),
        drawing,
        _p(_("Rood: zone. Blauw: posities met nauwkeurigheidscirkels. Schaalstreep linksonder."), CELL),
    ]


def _track_block(facts: dict) -> list:
    track = facts["track"]
    rows = [
        [
            local(p["ts"]),
            f"{p['lat']:.5f}",
            f"{p['lon']:.5f}",
            metres(p["accuracy_m"]),
            metres(p["distance_m"]),
            {True: _("ja"), False: _("nee"), None: "–"}[p["inside"]],
        ]
        for p in track[:MAX_TRACK_ROWS]
    ]
    header = [_("Tijd"), _("Breedte"), _("Lengte"), _("Nauwkeurigheid"), _("Afstand"), _("In zone")]
    block = [_p(_("Posities (%(n)s)") % {"n": len(track)}, HEADING)]
    if not rows:
        return block + [_p(_("Geen posities in deze periode."))]
    block.append(_grid(header, rows, [36 * mm, 24 * mm, 24 * mm, 28 * mm, 28 * mm, 20 * mm]))
    if len(track) > MAX_TRACK_ROWS:
        block.append(_p(_("Eerste %(n)s posities getoond; de JSON-export bevat alle.") % {"n": MAX_TRACK_ROWS}, CELL))
    return block


def _events_block(facts: dict) -> list:
    rows = [
        [local(e["ts"]), e["type_label"], ", ".join(f"{k}={v}" for k, v in e["payload"].items())]
        for e in facts["device_events"]
    ]
    block = [_p(_("Apparaatgebeurtenissen rond de overtreding"), HEADING)]
    if not rows:
        return block + [_p(_("Geen."))]
    return block + [_grid([_("Tijd"), _("Gebeurtenis"), _("Gegevens")], rows, [36 * mm, 50 * mm, 84 * mm])]


def _timeline_block(facts: dict) -> list:
    rows = [
        [local(e["at"]), e["action"], f"{e['from_state']} → {e['to_state']}", e["actor"], e["note"]]
        for e in facts["timeline"]
    ]
    block = [_p(_("Verloop en notities van de operator"), HEADING)]
    if not rows:
        return block + [_p(_("Geen."))]
    header = [_("Tijd"), _("Actie"), _("Status"), _("Door"), _("Notitie")]
    return block + [_grid(header, rows, [32 * mm, 24 * mm, 34 * mm, 24 * mm, 56 * mm])]


def _police_block(facts: dict) -> list:
    rows = [
        [
            e["change"],
            local(e["published_at"]),
            local(e["acknowledged_at"]),
            e["acknowledged_by"] or "–",
            e["outcome"] or "–",
            e["note"],
        ]
        for e in facts["police"]
    ]
    block = [_p(_("Politie: ontvangstbevestiging en afloop"), HEADING)]
    if not rows:
        return block + [_p(_("Geen meldingen aan de politie."))]
    header = [_("Melding"), _("Afgeleverd"), _("Bevestigd"), _("Door"), _("Afloop"), _("Notitie")]
    return block + [_grid(header, rows, [20 * mm, 28 * mm, 28 * mm, 30 * mm, 24 * mm, 40 * mm])]
