"""Reading Traceability Settings, once per request."""

from __future__ import annotations

import frappe

SETTINGS = "Traceability Settings"
FALLBACK_FORMAT = "SN-{YY}-{00000}"


def get_settings() -> frappe._dict:
	cache = getattr(frappe.local, "assetblaze_trace_settings", None)
	if cache is None:
		cache = frappe._dict(frappe.db.get_singles_dict(SETTINGS, cast=True))
		cache.enabled = bool(cache.get("enabled"))
		cache.config_scope = cache.config_scope or "Item Group"
		# a site migrated from before the setting has no value saved: the field's default (ship it)
		cache.ship_untraced = int(cache.get("ship_untraced", 1) or 0)
		frappe.local.assetblaze_trace_settings = cache
	return cache


def is_enabled() -> bool:
	return get_settings().enabled


def clear_cache() -> None:
	frappe.local.assetblaze_trace_settings = None
	frappe.local.assetblaze_trace_item_config = {}
