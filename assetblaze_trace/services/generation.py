"""Making serials and lots when a Manufacture entry is submitted, and taking them back on cancel."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, now_datetime

from assetblaze_trace.exceptions import (
	FractionalSerialQtyError,
	InvalidSerialFormatError,
	LotMismatchError,
	MissingLotError,
)
from assetblaze_trace.expiry.dates import new_unit_dates
from assetblaze_trace.quality import quarantine
from assetblaze_trace.rules import lifecycle as rules
from assetblaze_trace.rules.serial_format import ParsedFormat, SerialFormatError, parse
from assetblaze_trace.services import counter
from assetblaze_trace.services.config import ItemTraceConfig, resolve_item
from assetblaze_trace.services.db import chunks, placeholders
from assetblaze_trace.services.lifecycle import (
	NewUnit,
	Reference,
	SerialRange,
	create_serial_range,
	create_units,
	name_units,
	take_back,
)

MAX_LOT_LENGTH = 120


def finished_rows(stock_entry) -> list[tuple[object, ItemTraceConfig]]:
	"""The entry's finished-goods rows whose item is traced, with the item's resolved config."""
	if stock_entry.purpose != "Manufacture":
		return []
	rows = []
	for row in stock_entry.items:
		if not cint(row.is_finished_item) or not row.t_warehouse or cint(row.get("is_scrap_item")):
			continue
		config = resolve_item(row.item_code)
		if config.is_traced:
			rows.append((row, config))
	return rows


def parsed_format(config: ItemTraceConfig) -> ParsedFormat:
	try:
		return parse(config.serial_format)
	except SerialFormatError as error:
		source = config.format_resolved.source_label or _("the built-in default")
		frappe.throw(
			_("The serial format {0} of item {1} (from {2}) is not valid: {3}").format(
				frappe.bold(config.serial_format),
				frappe.bold(config.item_code),
				source,
				_(error.reason).format(**error.params),
			),
			InvalidSerialFormatError,
			title=_("Invalid Serial Format"),
		)


def validate_completion(stock_entry) -> None:
	"""Before submit: whole quantities for serials, a lot for batches, the Work Order's lot kept."""
	for row, config in finished_rows(stock_entry):
		qty = flt(row.transfer_qty or row.qty)
		if config.is_serial:
			if abs(qty - round(qty)) > 1e-9:
				frappe.throw(
					_(
						"Row {0}: item {1} gets one serial number per unit, so its quantity must be a whole number "
						"(it is {2}). Change the quantity to a whole number of units."
					).format(row.idx, frappe.bold(row.item_code), qty),
					FractionalSerialQtyError,
					title=_("Whole Units Needed"),
				)
			parsed_format(config)
		elif config.is_batch:
			lot = (stock_entry.get("trace_batch_no") or "").strip()
			if not lot:
				existing = existing_lot(stock_entry.work_order, row.item_code)
				frappe.throw(
					_(
						"Item {0} is traced by lot. Enter the lot number in the Lot / Batch No field of this "
						"Stock Entry before submitting{1}."
					).format(
						frappe.bold(row.item_code),
						_(" (this Work Order already uses lot {0})").format(frappe.bold(existing))
						if existing
						else "",
					),
					MissingLotError,
					title=_("Lot Number Needed"),
				)
			if len(lot) > MAX_LOT_LENGTH:
				frappe.throw(
					_("The lot number is {0} characters long; use at most {1}.").format(
						len(lot), MAX_LOT_LENGTH
					),
					MissingLotError,
				)
			existing = existing_lot(stock_entry.work_order, row.item_code)
			if existing and existing != lot:
				frappe.throw(
					_(
						"Work Order {0} already made item {1} under lot {2}; every completion of one Work Order "
						"shares its lot. Use lot {2}, or make a new Work Order for lot {3}."
					).format(
						frappe.bold(stock_entry.work_order),
						frappe.bold(row.item_code),
						frappe.bold(existing),
						frappe.bold(lot),
					),
					LotMismatchError,
					title=_("Lot Differs"),
				)


def existing_lot(work_order: str | None, item_code: str) -> str | None:
	if not work_order:
		return None
	return frappe.db.get_value(
		"Serial Record",
		{"work_order": work_order, "item_code": item_code, "trace_type": "Batch"},
		"serial_no",
		order_by="manufactured_on asc",
	)


def generate(stock_entry) -> list[str]:
	"""On submit of a Manufacture entry: one record per serial unit, or one per lot completion."""
	rows = finished_rows(stock_entry)
	if not rows:
		return []
	made_on = now_datetime()
	sales_order, customer = None, None
	if stock_entry.work_order:
		sales_order = frappe.db.get_value("Work Order", stock_entry.work_order, "sales_order")
		if sales_order:
			customer = frappe.db.get_value("Sales Order", sales_order, "customer")
	common = {
		"company": stock_entry.company,
		"work_order": stock_entry.work_order,
		"stock_entry": stock_entry.name,
		"manufactured_on": made_on,
		"sales_order": sales_order,
		"customer": customer,
		"reserved_on": made_on if sales_order else None,
	}
	item_names = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", [r.item_code for r, _c in rows])},
			fields=["name", "item_name"],
			as_list=True,
		)
	)
	reference = Reference("Stock Entry", stock_entry.name)
	extra_events = (rules.RESERVED,) if sales_order else ()
	units: list[NewUnit] = []
	made: list[str] = []
	for row, config in rows:
		base = {
			**common,
			"item_code": row.item_code,
			"item_name": item_names.get(row.item_code),
			"warehouse": row.t_warehouse,
			"trace_type": config.trace_type,
			**new_unit_dates(row.item_code, stock_entry.posting_date, row.get("trace_expiry_date")),
		}
		if config.is_serial:
			qty = round(flt(row.transfer_qty or row.qty))
			fmt = parsed_format(config)
			taken = take_serials(fmt, qty, made_on)
			first, last = taken[0][2], taken[-1][2]
			if last - first + 1 == len(taken) and frappe.db.db_type == "mariadb":
				# one unbroken run of numbers: the database writes it from its sequence table
				head, tail = fmt.render_parts(getdate(made_on))
				create_serial_range(
					SerialRange(head, tail, fmt.padding, first, last),
					{**base, "serial_counter": taken[0][1]},
					reference,
					extra_events,
				)
				made += [serial for serial, _key, _seq in taken]
				continue
			for serial, key, sequence in taken:
				units.append(
					NewUnit(
						serial,
						{
							**base,
							"serial_no": serial,
							"qty": 1,
							"serial_counter": key,
							"serial_sequence": sequence,
						},
					)
				)
		else:
			lot = stock_entry.trace_batch_no.strip()
			units.append(
				NewUnit(
					lot_portion_name(lot),
					{**base, "serial_no": lot, "qty": flt(row.transfer_qty or row.qty)},
				)
			)
	create_units(units, reference, extra_events=extra_events)
	made += [u.name for u in units]
	quarantine.new_units(made)  # held until inspected, when the settings say so
	return made


def take_serials(fmt: ParsedFormat, qty: int, made_on) -> list[tuple[str, str, int]]:
	"""``qty`` new serials from the format's counter, skipping numbers whose serial already exists
	(a record imported or made under another format): the counter moves past them, nothing is overwritten."""
	on = getdate(made_on)
	key = fmt.counter_key(on)
	out: list[tuple[str, str, int]] = []
	needed = qty
	while needed:
		first = counter.take(key, needed)
		serials = fmt.render_many(on, first, needed)
		taken = (
			existing_in_range(fmt, on, first, needed)
			if frappe.db.db_type == "mariadb"
			else existing_names(serials)
		)
		for offset, serial in enumerate(serials):
			if serial not in taken:
				out.append((serial, key, first + offset))
		needed = len(taken)
	return out


def existing_in_range(fmt: ParsedFormat, on, first: int, count: int) -> set[str]:
	"""Serials of the range that exist already, looked up by the database from its sequence table."""
	head, tail = fmt.render_parts(on)
	return set(
		frappe.db.sql(
			f"""SELECT r.name FROM seq_{int(first)}_to_{int(first) + count - 1} s
			JOIN `tabSerial Record` r
				ON r.name = CONCAT(%(head)s, LPAD(s.seq, GREATEST(%(padding)s, LENGTH(s.seq)), '0'), %(tail)s)""",
			{"head": head, "tail": tail, "padding": fmt.padding},
			pluck=True,
		)
	)


def existing_names(names: list[str]) -> set[str]:
	found: set[str] = set()
	for part in chunks(names):
		found.update(
			r[0]
			for r in frappe.db.sql(
				f"SELECT name FROM `tabSerial Record` WHERE name IN ({placeholders(part)})", part
			)
		)
	return found


def lot_portion_name(lot: str) -> str:
	return f"{lot}-{frappe.generate_hash(length=6).upper()}"


def units_of_entry(stock_entry_name: str) -> list[frappe._dict]:
	return frappe.db.sql(
		"SELECT name, status, warehouse, item_code, serial_counter, serial_sequence FROM `tabSerial Record` "
		"WHERE stock_entry = %s",
		stock_entry_name,
		as_dict=True,
	)


def check_take_back(stock_entry) -> None:
	"""Before cancel: refuse, naming them, if any unit the entry made has moved on from Available."""
	if stock_entry.purpose != "Manufacture":
		return
	# a unit has moved on when it is no longer Available, or no longer where the entry put it (transferred):
	# ERPNext takes the stock back out of the entry's target warehouse
	made_in = {row.item_code: row.t_warehouse for row in stock_entry.items if row.t_warehouse}
	moved = [
		u
		for u in units_of_entry(stock_entry.name)
		if u.status != rules.AVAILABLE or made_in.get(u.item_code, u.warehouse) != u.warehouse
	]
	if moved:
		from assetblaze_trace.services.lifecycle import raise_moved_on

		raise_moved_on(
			[u.name for u in moved],
			{
				u.name: u.status if u.status != rules.AVAILABLE else _("now in {0}").format(u.warehouse)
				for u in moved
			},
		)


def take_back_entry(stock_entry) -> None:
	"""On cancel: delete what the entry made. Their numbers are not handed out again: labels may
	already have been printed for them, and a serial string must name one physical unit for ever."""
	if stock_entry.purpose != "Manufacture":
		return
	units = units_of_entry(stock_entry.name)
	if units:
		take_back([u.name for u in units], Reference("Stock Entry", stock_entry.name))


__all__ = ["check_take_back", "generate", "name_units", "take_back_entry", "validate_completion"]
