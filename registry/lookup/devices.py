"""The monitoring device's last contact, as a lookup shows it."""

from datetime import datetime

from django.apps import apps
from django.db import connection
from django.utils import timezone


def device_last_contact(person_id: int, at: datetime | None = None) -> datetime | None:
    """Return when the ankle monitor the person wears now last reported, or None when unknown."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {last_contact_sql('%s')}", [person_id, *last_contact_params(at or timezone.now())])
        return read_last_contact(cursor.fetchone()[0])


def last_contact_sql(person: str) -> str:
    """Return a scalar subquery: when a device the person (an SQL expression) wears at a time last reported.

    Its parameters follow `person`'s: last_contact_params(at). With more than one
    device assigned (a replacement strap, say) the latest contact of any of them
    counts. No device, or one that never reported, gives NULL: "unknown", never
    a made-up time. The lookup asks it beside each ban, in the ban query itself.
    """
    # Through the app registry: the registry app must not import geofence when it loads (geofence imports us).
    assignment = apps.get_model("geofence", "DeviceAssignment")._meta
    status = apps.get_model("geofence", "DeviceStatus")._meta
    qn = connection.ops.quote_name
    device, wearer = (qn(assignment.get_field(name).column) for name in ("device", "person"))
    return (
        f"(SELECT MAX(s.{qn(status.get_field('last_contact_at').column)}) "  # noqa: S608 - our own names
        f"FROM {qn(assignment.db_table)} a "
        f"LEFT JOIN {qn(status.db_table)} s ON s.{qn(status.pk.column)} = a.{device} "
        f"WHERE a.{wearer} = {person} AND a.valid_from <= %s "
        "AND (a.valid_until IS NULL OR a.valid_until > %s))"
    )


def last_contact_params(at: datetime) -> list:
    moment = apps.get_model("geofence", "DeviceAssignment")._meta.get_field("valid_from")
    value = moment.get_db_prep_value(at, connection)
    return [value, value]


def read_last_contact(value) -> datetime | None:
    """Return the subquery's value as the ORM reads a DateTimeField (SQLite hands back text)."""
    field = apps.get_model("geofence", "DeviceStatus")._meta.get_field("last_contact_at")
    column = field.get_col(field.model._meta.db_table)
    for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = convert(value, column, connection)
    return value
