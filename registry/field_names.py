"""The fields that describe a decision, a bound person, a protected person and a ban: named once.

The registrar API, the decision import (file columns and validation), the
admin forms and the police lookup all list these fields; they take them from
here so a new field cannot be forgotten in one of them.
"""

DECISION_COLUMNS = (
    "authority",
    "legal_basis",
    "reference",
    "decision_date",
    "dut",
    "electronic_monitoring",
    "sash_risk",
)
PERSON_FIELDS = (
    "given_names",
    "tussenvoegsel",
    "surname",
    "date_of_birth",
    "bsn",
    "strafrechtketennummer",
    "cjib_reference",
    "aliases",
)
PROTECTED_NAME_FIELDS = ("given_names", "tussenvoegsel", "surname")
# Beyond the name: date of birth, how to reach them, where they live.
PROTECTED_DETAIL_FIELDS = (
    "date_of_birth",
    "phone",
    "email",
    "street",
    "postcode",
    "city",
    "home_lat",
    "home_lon",
)
PROTECTED_FIELDS = PROTECTED_NAME_FIELDS + PROTECTED_DETAIL_FIELDS
BAN_FIELDS = (
    "kind",
    "status",
    "valid_from",
    "valid_until",
    "contact_modes",
    "zone_shape",
    "centre_lat",
    "centre_lon",
    "radius_m",
    "zone_geojson",
    "zone_description",
    "time_windows",
    "term_justification",
)
