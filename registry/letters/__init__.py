"""Victim notification letters: one per protected person and version of a ban that matters to them."""
