from .lookup import admin as lookup_admin  # noqa: F401  (registers the read-only audit log)
