// AssetBlaze Trace: pick or scan the units of a Delivery Note / Sales Invoice row.
for (const cdt of ["Delivery Note Item", "Sales Invoice Item"]) {
	frappe.ui.form.on(cdt, {
		trace_pick(frm, cdt, cdn) {
			if (frm.doc.docstatus !== 0) return;
			assetblaze_trace.pick_serials(frm, cdt, cdn);
		},
	});
}

// A cancelled shipment holds its units (back in stock) until it is amended or they are released.
for (const doctype of ["Delivery Note", "Sales Invoice"]) {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (!assetblaze_trace.enabled() || frm.doc.docstatus !== 2) return;
			const link = doctype === "Delivery Note" ? "delivery_note" : "sales_invoice";
			frappe.db.count("Serial Record", { filters: { [link]: frm.doc.name, status: "Allocated" } }).then((n) => {
				if (!n) return;
				frm.dashboard.set_headline(
					__("{0} traced units are back in stock, held by this cancelled document: amend it to ship them again, or release them.", [n]),
					"orange"
				);
				frm.add_custom_button(__("Release Traced Units"), () =>
					frappe
						.xcall("assetblaze_trace.api.release_cancelled_shipment", { doctype, name: frm.doc.name })
						.then((count) => {
							frappe.show_alert({ message: __("{0} units are Available again", [count]), indicator: "green" });
							frm.reload_doc();
						})
				);
			});
		},
	});
}
