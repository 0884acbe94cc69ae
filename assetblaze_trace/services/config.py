"""The traceability type and format of an item, resolved Item → Item Group tree → Traceability Settings."""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe import _

from assetblaze_trace.rules.resolution import Resolved, build_tiers, resolve
from assetblaze_trace.services.settings import FALLBACK_FORMAT, get_settings

NO_VALUE = Resolved(None, None)


@dataclass(frozen=True)
class ItemTraceConfig:
	item_code: str
	trace_type: str  # "None", "Serial" or "Batch" (the effective type)
	type_resolved: Resolved
	serial_format: str
	format_resolved: Resolved
	native: str | None  # "Serial No" / "Batch No" when ERPNext's own tracking is on for the item
	shelf_life_resolved: Resolved = NO_VALUE

	@property
	def shelf_life_days(self) -> int | None:
		"""Days from manufacture to expiry (Item → Item Group tree → Traceability Settings); None: no expiry."""
		return int(self.shelf_life_resolved.value) if self.shelf_life_resolved.value else None

	@property
	def is_serial(self) -> bool:
		return self.trace_type == "Serial"

	@property
	def is_batch(self) -> bool:
		return self.trace_type == "Batch"

	@property
	def is_traced(self) -> bool:
		return self.trace_type in ("Serial", "Batch")


def _days(value) -> str | None:
	"""A shelf life as a resolution tier's value: 0 or blank inherits."""
	return str(int(value)) if value and int(value) > 0 else None


def _group_chain(item_group: str | None) -> list[tuple[str, str | None, str | None, int | None]]:
	"""The item's group and its ancestors, nearest first, with their own values."""
	if not item_group:
		return []
	bounds = frappe.db.get_value("Item Group", item_group, ["lft", "rgt"])
	if not bounds:
		return []
	group = frappe.qb.DocType("Item Group")
	rows = (
		frappe.qb.from_(group)
		.select(group.name, group.trace_type, group.trace_serial_format, group.trace_shelf_life_days)
		.where((group.lft <= bounds[0]) & (group.rgt >= bounds[1]))
		.orderby(group.lft, order=frappe.qb.desc)
		.run()
	)
	return [tuple(r) for r in rows]


def resolve_item(item_code: str, *, ignore_toggle: bool = False) -> ItemTraceConfig:
	"""What the item uses. With the master toggle off every item is untraced (unless ``ignore_toggle``,
	used to show the user what would apply)."""
	cache = getattr(frappe.local, "assetblaze_trace_item_config", None)
	if cache is None:
		cache = frappe.local.assetblaze_trace_item_config = {}
	key = (item_code, ignore_toggle)
	if key in cache:
		return cache[key]

	settings = get_settings()
	item = frappe.db.get_value(
		"Item",
		item_code,
		[
			"item_group",
			"trace_type",
			"trace_serial_format",
			"trace_shelf_life_days",
			"has_serial_no",
			"has_batch_no",
			"is_stock_item",
		],
		as_dict=True,
	)
	if not item:
		frappe.throw(_("Item {0} does not exist.").format(item_code), frappe.DoesNotExistError)

	chain = _group_chain(item.item_group)
	type_resolved = resolve(
		build_tiers(
			item_code, item.trace_type, [(n, t) for n, t, _f, _d in chain], settings.default_trace_type
		)
	)
	format_resolved = resolve(
		build_tiers(
			item_code,
			item.trace_serial_format,
			[(n, f) for n, _t, f, _d in chain],
			settings.default_serial_format,
		)
	)
	shelf_life_resolved = resolve(
		build_tiers(
			item_code,
			_days(item.trace_shelf_life_days),
			[(n, _days(d)) for n, _t, _f, d in chain],
			_days(settings.get("default_shelf_life_days")),
		)
	)
	native = "Serial No" if item.has_serial_no else ("Batch No" if item.has_batch_no else None)
	effective = type_resolved.value or "None"
	if native or not (settings.enabled or ignore_toggle) or not item.is_stock_item:
		# (an item that keeps no stock — a service, a Product Bundle — has no units: a bundle's components do)
		effective = "None"

	config = ItemTraceConfig(
		item_code=item_code,
		trace_type=effective,
		type_resolved=type_resolved,
		serial_format=format_resolved.value or FALLBACK_FORMAT,
		format_resolved=format_resolved,
		native=native,
		shelf_life_resolved=shelf_life_resolved,
	)
	cache[key] = config
	return config


@frappe.whitelist()
def get_item_trace_config(item_code: str) -> dict:
	"""For the Item form: the resolved type and format and where each came from."""
	frappe.has_permission("Item", "read", item_code, throw=True)
	config = resolve_item(item_code, ignore_toggle=True)
	return {
		"enabled": get_settings().enabled,
		"trace_type": config.type_resolved.value or "None",
		"trace_type_source": config.type_resolved.source_label,
		"serial_format": config.serial_format,
		"serial_format_source": config.format_resolved.source_label or _("built-in default"),
		"native": config.native,
		"shelf_life_days": config.shelf_life_days,
		"shelf_life_source": config.shelf_life_resolved.source_label,
	}
