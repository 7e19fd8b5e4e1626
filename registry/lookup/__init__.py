"""Police lookup: find a person by name or identifier and show the bans that bind them."""
