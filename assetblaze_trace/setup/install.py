"""Install, migrate and uninstall: custom fields as data, settings defaults, version checks."""

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from assetblaze_trace.constants.custom_fields import CUSTOM_FIELDS

SUPPORTED_MAJORS = (15, 16)


def check_versions():
	for app in ("frappe", "erpnext"):
		try:
			version = frappe.get_attr(f"{app}.__version__")
		except Exception:
			frappe.throw(_("AssetBlaze Trace needs {0} to be installed in this bench.").format(app))
		major = int(str(version).split(".")[0])
		if major not in SUPPORTED_MAJORS:
			frappe.throw(
				_("AssetBlaze Trace supports {0} versions {1}; this bench has {2}.").format(
					app, ", ".join(map(str, SUPPORTED_MAJORS)), version
				)
			)


def before_install():
	check_versions()


def after_install():
	make_custom_fields()
	allow_in_global_search()
	settings_defaults()
	from assetblaze_trace.floor.labels import ensure_default_template, ensure_gs1_template

	ensure_default_template()  # (patches do not run on install: Frappe marks them done)
	ensure_gs1_template()


def after_migrate():
	make_custom_fields()
	allow_in_global_search()
	settings_defaults()
	# the plain tables (counts, serial suffixes): created if missing (the v0_4 patch fills them for old records)
	from assetblaze_trace.services import counts, fragments

	counts.ensure_table()
	fragments.ensure_tables()


SEARCHABLE = "Serial Record"

# settings added after a site installed the app: saved with their default once, so the form shows what applies
NEW_SETTINGS = {"ship_untraced": 1}


def settings_defaults():
	for field, default in NEW_SETTINGS.items():
		saved = frappe.db.sql(
			"SELECT 1 FROM `tabSingles` WHERE doctype = 'Traceability Settings' AND field = %s", field
		)
		if not saved:
			frappe.db.set_single_value("Traceability Settings", field, default)


def allow_in_global_search():
	"""Add Serial Record to the awesome bar's searched DocTypes. Frappe fills that list from the apps'
	hooks only in the setup wizard, so an app installed later adds itself (keeping the user's order)."""
	settings = frappe.get_single("Global Search Settings")
	if any(row.document_type == SEARCHABLE for row in settings.allowed_in_global_search):
		return
	settings.append("allowed_in_global_search", {"document_type": SEARCHABLE})
	settings.flags.ignore_permissions = True
	settings.save()
	frappe.cache.hdel("global_search", "search_priorities")


def remove_from_global_search():
	frappe.db.delete("Global Search DocType", {"document_type": SEARCHABLE})
	frappe.db.delete("__global_search", {"doctype": SEARCHABLE})
	frappe.cache.hdel("global_search", "search_priorities")


def make_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)


def before_uninstall():
	delete_custom_fields()
	remove_from_global_search()


def delete_custom_fields():
	for doctypes, fields in CUSTOM_FIELDS.items():
		if isinstance(doctypes, str):
			doctypes = (doctypes,)
		for doctype in doctypes:
			frappe.db.delete(
				"Custom Field", {"dt": doctype, "fieldname": ("in", [f["fieldname"] for f in fields])}
			)
			frappe.clear_cache(doctype=doctype)
