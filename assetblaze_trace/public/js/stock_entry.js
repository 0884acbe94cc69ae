// AssetBlaze Trace: the lot of a Batch-traced completion.
frappe.ui.form.on("Stock Entry", {
	onload(frm) {
		const pending = window.assetblaze_trace_pending_lot;
		if (frm.is_new() && pending && pending.work_order === frm.doc.work_order && !frm.doc.trace_batch_no) {
			frm.set_value("trace_batch_no", pending.lot);
			window.assetblaze_trace_pending_lot = null;
		}
	},
});
