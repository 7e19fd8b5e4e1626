"""The integration API: devices, assignments and incidents for other systems, thin over the services."""
