from .audit import AuditChainHead, AuditEntry
from .bans import Ban, BanKind, BanStatus, ContactMode, ZoneShape
from .decisions import Authority, Decision, LegalBasis, RiskLevel
from .history import HistoryEntry
from .imports import ImportBatch, ImportStatus, RejectedRow
from .people import Person, PersonAlias, ProtectedPerson

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "Authority",
    "Ban",
    "BanKind",
    "BanStatus",
    "ContactMode",
    "Decision",
    "HistoryEntry",
    "ImportBatch",
    "ImportStatus",
    "LegalBasis",
    "Person",
    "PersonAlias",
    "ProtectedPerson",
    "RejectedRow",
    "RiskLevel",
    "ZoneShape",
]
