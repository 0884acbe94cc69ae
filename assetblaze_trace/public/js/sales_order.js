// AssetBlaze Trace: the Sales Order's Serial Numbers section.
frappe.ui.form.on("Sales Order", {
	refresh(frm) {
		if (!assetblaze_trace.enabled() || frm.is_new()) return;
		assetblaze_trace.render_serials(frm, "trace_serials_html", { sales_order: frm.doc.name });
	},
});
