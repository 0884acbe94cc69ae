// AssetBlaze Trace: the Work Order's Traceability tab, and the lot asked for at Finish.
frappe.ui.form.on("Work Order", {
	refresh(frm) {
		if (!(frappe.boot.assetblaze_trace && frappe.boot.assetblaze_trace.enabled) || frm.is_new()) return;
		if (window.assetblaze_trace && assetblaze_trace.render_serials) {
			assetblaze_trace.render_serials(frm, "trace_serials_html", { work_order: frm.doc.name });
		}
	},
});
