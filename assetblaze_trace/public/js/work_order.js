// AssetBlaze Trace: the Work Order's Traceability tab, labels, and the lot asked for at Finish.
frappe.ui.form.on("Work Order", {
	refresh(frm) {
		if (!assetblaze_trace.enabled() || frm.is_new()) return;
		assetblaze_trace.render_serials(frm, "trace_serials_html", { work_order: frm.doc.name });
		if (frm.doc.produced_qty > 0) {
			frm.add_custom_button(
				__("Print Labels"),
				() => assetblaze_trace.print_labels({ work_order: frm.doc.name }),
				__("Traceability")
			);
			frm.add_custom_button(
				__("Inspect Units"),
				() => assetblaze_trace.inspect_by_scanning(frm.doc.name),
				__("Traceability")
			);
		}
	},
});

// Finish (Manufacture) of a Batch-traced item asks for the lot together with the quantity.
if (window.erpnext && erpnext.work_order && !erpnext.work_order.__assetblaze_trace_wrapped) {
	const make_se = erpnext.work_order.make_se;
	erpnext.work_order.make_se = function (frm, purpose) {
		if (purpose !== "Manufacture" || !assetblaze_trace.enabled()) {
			return make_se.call(this, frm, purpose);
		}
		frappe
			.xcall("assetblaze_trace.services.config.get_item_trace_config", { item_code: frm.doc.production_item })
			.then((config) => {
				if (config.trace_type !== "Batch" || config.native) {
					return make_se.call(erpnext.work_order, frm, purpose);
				}
				let qty;
				erpnext.work_order
					.show_prompt_for_qty_input(frm, purpose)
					.then((data) => {
						qty = data.qty;
						return frappe.xcall("assetblaze_trace.api.work_order_lot", { work_order: frm.doc.name });
					})
					.then(
						(existing) =>
							new Promise((resolve) => {
								frappe.prompt(
									{
										fieldname: "lot",
										fieldtype: "Data",
										label: __("Lot / Batch No"),
										reqd: 1,
										default: existing || "",
										read_only: existing ? 1 : 0,
										description: existing
											? __("Every completion of this Work Order shares lot {0}.", [existing])
											: __("All units of this Work Order will share this lot."),
									},
									(values) => resolve(values.lot),
									__("Lot for this completion"),
									__("Continue")
								);
							})
					)
					.then((lot) =>
						frappe
							.xcall("erpnext.manufacturing.doctype.work_order.work_order.make_stock_entry", {
								work_order_id: frm.doc.name,
								purpose,
								qty,
							})
							.then((stock_entry) => {
								stock_entry.trace_batch_no = lot;
								frappe.model.sync(stock_entry);
								frappe.set_route("Form", stock_entry.doctype, stock_entry.name);
							})
					);
			});
	};
	erpnext.work_order.__assetblaze_trace_wrapped = true;
}
