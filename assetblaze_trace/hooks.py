app_name = "assetblaze_trace"
app_title = "AssetBlaze Trace"
app_publisher = "AssetBlaze"
app_description = (
	"Serial-number and batch/lot traceability for ERPNext, from Work Order to shipment and return"
)
app_email = "dev@assetblaze.example"
app_license = "mit"
required_apps = ["frappe/erpnext"]

# Install, migrate, uninstall
before_install = "assetblaze_trace.setup.install.before_install"
after_install = "assetblaze_trace.setup.install.after_install"
after_migrate = "assetblaze_trace.setup.install.after_migrate"
before_uninstall = "assetblaze_trace.setup.install.before_uninstall"

extend_bootinfo = "assetblaze_trace.boot.boot_session"

# ERPNext document events: one thin handler module per DocType
doc_events = {
	"Quality Inspection": {
		"validate": "assetblaze_trace.quality.inspection.validate",
		"on_submit": "assetblaze_trace.quality.inspection.on_submit",
		"on_cancel": "assetblaze_trace.quality.inspection.on_cancel",
	},
	"Stock Entry": {
		"validate": "assetblaze_trace.overrides.stock_entry.validate",
		"before_submit": "assetblaze_trace.overrides.stock_entry.before_submit",
		"on_submit": "assetblaze_trace.overrides.stock_entry.on_submit",
		"before_cancel": "assetblaze_trace.overrides.stock_entry.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.stock_entry.on_cancel",
	},
	"Pick List": {
		"on_update": "assetblaze_trace.overrides.pick_list.on_update",
		"on_cancel": "assetblaze_trace.overrides.pick_list.on_cancel",
		"on_trash": "assetblaze_trace.overrides.pick_list.on_trash",
	},
	"Delivery Note": {
		"validate": "assetblaze_trace.overrides.delivery_note.validate",
		"on_submit": "assetblaze_trace.overrides.delivery_note.on_submit",
		"before_cancel": "assetblaze_trace.overrides.delivery_note.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.delivery_note.on_cancel",
		"on_trash": "assetblaze_trace.overrides.delivery_note.on_trash",
	},
	"Sales Invoice": {
		"validate": "assetblaze_trace.overrides.sales_invoice.validate",
		"on_submit": "assetblaze_trace.overrides.sales_invoice.on_submit",
		"before_cancel": "assetblaze_trace.overrides.sales_invoice.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.sales_invoice.on_cancel",
		"on_trash": "assetblaze_trace.overrides.sales_invoice.on_trash",
	},
	"Purchase Receipt": {
		"validate": "assetblaze_trace.overrides.purchase_receipt.validate",
		"before_submit": "assetblaze_trace.overrides.purchase_receipt.before_submit",
		"on_submit": "assetblaze_trace.overrides.purchase_receipt.on_submit",
		"before_cancel": "assetblaze_trace.overrides.purchase_receipt.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.purchase_receipt.on_cancel",
	},
	"Purchase Invoice": {
		"validate": "assetblaze_trace.overrides.purchase_receipt.validate",
		"before_submit": "assetblaze_trace.overrides.purchase_receipt.before_submit",
		"on_submit": "assetblaze_trace.overrides.purchase_receipt.on_submit",
		"before_cancel": "assetblaze_trace.overrides.purchase_receipt.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.purchase_receipt.on_cancel",
	},
	# the safety net: any other voucher that posts stock of a traced item leaves the records equal to it
	"*": {
		"on_submit": "assetblaze_trace.overrides.ledger.on_submit",
		"on_cancel": "assetblaze_trace.overrides.ledger.on_cancel",
	},
	"Sales Order": {
		"on_cancel": "assetblaze_trace.overrides.sales_order.on_cancel",
	},
	"Stock Reconciliation": {
		"before_submit": "assetblaze_trace.overrides.stock_reconciliation.before_submit",
		"on_submit": "assetblaze_trace.overrides.stock_reconciliation.on_submit",
		"before_cancel": "assetblaze_trace.overrides.stock_reconciliation.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.stock_reconciliation.on_cancel",
	},
	"Subcontracting Receipt": {
		"before_submit": "assetblaze_trace.overrides.subcontracting_receipt.before_submit",
		"on_submit": "assetblaze_trace.overrides.subcontracting_receipt.on_submit",
		"before_cancel": "assetblaze_trace.overrides.subcontracting_receipt.before_cancel",
		"on_cancel": "assetblaze_trace.overrides.subcontracting_receipt.on_cancel",
	},
	"Item": {
		"validate": "assetblaze_trace.overrides.item.validate_item",
	},
	"Item Group": {
		"validate": "assetblaze_trace.overrides.item.validate_item_group",
	},
}

# ERPNext's Scan Barcode also finds our serials and lots (and answers everything else as ERPNext does)
override_whitelisted_methods = {
	"erpnext.stock.utils.scan_barcode": "assetblaze_trace.api.scan_barcode",
	# the awesome bar's full-text search: Serial Records answered from the suffix index (see api.global_search)
	"frappe.utils.global_search.search": "assetblaze_trace.api.global_search",
}

app_include_js = ["/assets/assetblaze_trace/js/assetblaze_trace.js"]

doctype_js = {
	"Item": "public/js/item.js",
	"Stock Entry": "public/js/stock_entry.js",
	"Work Order": "public/js/work_order.js",
	"Sales Order": "public/js/sales_order.js",
	"Delivery Note": "public/js/shipment.js",
	"Sales Invoice": "public/js/shipment.js",
	"Quality Inspection": "public/js/quality_inspection.js",
}

jinja = {
	"methods": [
		"assetblaze_trace.floor.jinja.trace_barcode",
		"assetblaze_trace.floor.jinja.trace_qr",
		"assetblaze_trace.floor.jinja.trace_zpl",
		"assetblaze_trace.floor.jinja.trace_label",
		"assetblaze_trace.floor.jinja.trace_label_zpl",
		"assetblaze_trace.utils.printing.serials_of_row",
	],
}

global_search_doctypes = {
	"Default": [{"doctype": "Serial Record", "index": 5}],
}

# A unit's history names the documents it went through; that must not stop a draft being deleted.
ignore_links_on_delete = ["Serial Record Event"]

export_python_type_annotations = True

# The serial suffix index is written just after each completion by a background job; the scheduler's run
# (every few minutes) catches up whatever a missed job left queued.
scheduler_events = {
	"all": ["assetblaze_trace.services.fragments.index_queue"],
	# Stock Managers hear every morning what expires within the horizon (Traceability Settings)
	"daily": ["assetblaze_trace.expiry.expiring.send_daily"],
}

# Link search on Serial Record through the suffix index (Frappe's own scans every record with LIKE '%txt%').
standard_queries = {
	"Serial Record": "assetblaze_trace.api.search_serial_records",
}
