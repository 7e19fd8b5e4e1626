"""Open due letters as soon as a ban changes, in the transaction that changes it.

This is the fast path only: `VictimNotice.objects.reconcile()` compares
snapshots and also catches changes made without signals (bulk updates, raw
SQL). The overdue list and "generate all due" run it first.
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from registry.models import Ban, Decision
from registry.signals import decisions_imported

from .models import VictimNotice


@receiver(post_save, sender=Ban, dispatch_uid="letters_ban_saved")
def ban_saved(sender, instance: Ban, raw: bool = False, **kwargs) -> None:
    if not raw:
        VictimNotice.objects.reconcile_ban(instance)


@receiver(post_save, sender=Decision, dispatch_uid="letters_decision_saved")
def decision_saved(sender, instance: Decision, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        for ban in instance.bans.select_related("decision"):
            VictimNotice.objects.reconcile_ban(ban)


@receiver(m2m_changed, sender=Ban.protected_persons.through, dispatch_uid="letters_protected_persons_changed")
def protected_persons_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse and action == "post_clear":
        return  # the cleared bans are unknown here; reconcile() catches them
    bans = Ban.objects.filter(pk__in=pk_set) if reverse else [instance]
    for ban in bans:
        VictimNotice.objects.reconcile_ban(ban)


@receiver(decisions_imported, dispatch_uid="letters_decisions_imported")
def decisions_imported_in_bulk(sender, protected_of: dict, **kwargs) -> None:
    VictimNotice.objects.open_for_new_bans({ban: people for ban, people in protected_of.items() if people})
