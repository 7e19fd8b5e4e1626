"""PostgreSQL gets the trigram and JSON indexes of migration lookup_trgm_indexes; SQLite needs none."""

from django.db import connection
from services import require_postgres


def test_trigram_and_audit_indexes_exist_on_postgresql(db):
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["registry_%"])
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["registry_person_surname_words_trgm"]
    assert "WHERE" in indexes["registry_person_surname_words_trgm"]
    assert "gin_trgm_ops" in indexes["registry_personalias_name_key_trgm"]
    assert "jsonb_path_ops" in indexes["registry_auditentry_person_ids_gin"]
