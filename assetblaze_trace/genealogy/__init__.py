"""Genealogy: what went into what, and the exports a regulator asks for (FSMA 204)."""
