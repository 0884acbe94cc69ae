// AssetBlaze Trace: pick or scan the units of a Delivery Note / Sales Invoice row.
for (const cdt of ["Delivery Note Item", "Sales Invoice Item"]) {
	frappe.ui.form.on(cdt, {
		trace_pick(frm, cdt, cdn) {
			if (frm.doc.docstatus !== 0) return;
			assetblaze_trace.pick_serials(frm, cdt, cdn);
		},
	});
}
