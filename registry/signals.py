"""Signals of the registry's bulk writes, which send no post_save per row.

`decisions_imported` is sent inside the transaction that bulk-created
decisions, with the new bans and their persons' ids. Receivers do what their
post_save receivers do for one row: open the victims' letters, refresh the
zone catalogue and judge the subjects' recent fixes again.

`ban_region_chosen` carries the monitoring region chosen for a ban where it is registered (API, desk)
to the monitoring centre, which keeps it (geofence.monitor.models.BanRegion): the registry chooses,
the centre stores, and neither layer imports the other's models.
"""

from django.dispatch import Signal

# kwargs: bans (list of new Ban), protected_of ({ban: [ProtectedPerson]}), person_ids (set of int)
decisions_imported = Signal()

# kwargs: ban (Ban), region (a PoliceRegion value; "" takes the region away)
ban_region_chosen = Signal()
