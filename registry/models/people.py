"""Persons bound by bans, and the protected persons (victims) the bans protect."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..names import alias_keys, full_name_key, surname_key

bsn_validator = RegexValidator(r"^\d{9}$", _("Een BSN bestaat uit 9 cijfers."))


class Person(models.Model):
    """The subject of a ban."""

    given_names = models.CharField(_("voornamen"), max_length=200)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    surname = models.CharField(_("achternaam"), max_length=200)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True, validators=[bsn_validator])
    strafrechtketennummer = models.CharField(_("strafrechtketennummer"), max_length=40, blank=True)
    cjib_reference = models.CharField(_("CJIB-kenmerk"), max_length=40, blank=True)
    # Folded keys, kept in step by save(): they make matching work on SQLite too.
    name_key = models.CharField(max_length=400, editable=False, db_index=True)
    surname_key = models.CharField(max_length=200, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: the lookup's vocabulary reads the persons changed in the last seconds (lookup.vocabulary).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        ordering = ["surname", "given_names"]
        indexes = [
            models.Index(fields=["bsn"]),
            models.Index(fields=["strafrechtketennummer"]),
            models.Index(fields=["cjib_reference"]),
            models.Index(fields=["surname_key", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_keys()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.tussenvoegsel, self.surname) if p)

    def refresh_keys(self) -> None:
        self.name_key = full_name_key(self.given_names, self.tussenvoegsel, self.surname)
        self.surname_key = surname_key(f"{self.tussenvoegsel} {self.surname}")


class PersonAlias(models.Model):
    """Another name a person is known by."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=300)
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    # The police lookup reads an alias as given names and a surname, and finds it by that last word.
    last_word = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliassen")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.set_keys()
        super().save(*args, **kwargs)

    def set_keys(self) -> None:
        """Work out the search keys from the name (save() does; bulk writers call it themselves)."""
        self.name_key, self.last_word = alias_keys(self.name)


class ProtectedPerson(models.Model):
    """A victim whom a ban protects. Identity, contact details and address are restricted."""

    given_names = models.CharField(_("voornamen"), max_length=200)
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    surname = models.CharField(_("achternaam"), max_length=200)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    home_lat = models.FloatField(_("breedtegraad woning"), null=True, blank=True)
    home_lon = models.FloatField(_("lengtegraad woning"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("beschermd persoon")
        verbose_name_plural = _("beschermde personen")
        ordering = ["surname", "given_names"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.tussenvoegsel, self.surname) if p)
