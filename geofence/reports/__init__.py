"""Violation reports to the OM: the facts of a confirmed violation as PDF and JSON, and the assessment."""
