// AssetBlaze Trace: the lot of a Batch-traced completion, and labels after a completion.
frappe.ui.form.on("Stock Entry", {
	on_submit(frm) {
		if (frm.doc.purpose === "Manufacture") assetblaze_trace.offer_labels(frm.doc.name);
	},
});
