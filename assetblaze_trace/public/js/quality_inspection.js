// AssetBlaze Trace: a Quality Inspection of one unit or lot (Unit or Lot, `trace_serial`). Choosing or scanning
// the unit fills in its item, the document that made or received it and the inspection type; submitting it
// Accepted releases the unit from its inspection hold, Rejected holds it.
frappe.ui.form.on("Quality Inspection", {
	setup(frm) {
		frm.set_query("trace_serial", () => (frm.doc.item_code ? { filters: { item_code: frm.doc.item_code } } : {}));
	},
	refresh(frm) {
		// opened by Inspect with the unit named: whatever did not arrive (or was cleared while the form loaded)
		// is filled in from the unit
		if (frm.is_new() && frm.doc.trace_serial && !(frm.doc.reference_name && frm.doc.item_code)) {
			frm.trigger("trace_serial");
		}
	},
	trace_serial(frm) {
		if (!frm.doc.trace_serial || frm.doc.docstatus) return;
		frappe
			.xcall("assetblaze_trace.api.inspection_defaults", { unit: frm.doc.trace_serial })
			.then((values) => assetblaze_trace.fill_inspection(frm, values));
	},
});

frappe.provide("assetblaze_trace");

assetblaze_trace.fill_inspection = async function (frm, values) {
	// the type first: ERPNext's form clears the reference when the type changes
	for (const field of ["inspection_type", "reference_type", "reference_name", "item_code", "sample_size"]) {
		if (values[field] !== undefined && values[field] !== null && frm.doc[field] !== values[field]) {
			await frm.set_value(field, values[field]);
		}
	}
	if (frm.doc.trace_serial !== values.trace_serial) await frm.set_value("trace_serial", values.trace_serial);
};
