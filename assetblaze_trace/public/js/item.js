// AssetBlaze Trace: the Item form shows the resolved traceability and the item's serial records.
frappe.ui.form.on("Item", {
	refresh(frm) {
		if (!assetblaze_trace.enabled() || frm.is_new()) return;
		frappe
			.xcall("assetblaze_trace.services.config.get_item_trace_config", { item_code: frm.doc.name })
			.then((r) => {
				const field = frm.get_field("trace_resolved_html");
				if (!field) return;
				const source = (s) => (s ? ` <span class="text-muted">${__("from {0}", [frappe.utils.escape_html(s)])}</span>` : "");
				let html = `<div class="trace-resolved">
					<div><b>${__("Traceability Type")}:</b> ${__(r.trace_type)}${source(r.trace_type_source)}</div>
					<div><b>${__("Serial Format")}:</b> <code>${frappe.utils.escape_html(r.serial_format)}</code>${source(r.serial_format_source)}</div>
					<div><b>${__("Shelf Life")}:</b> ${r.shelf_life_days ? __("{0} days", [r.shelf_life_days]) + source(r.shelf_life_source) : __("does not expire")}</div>`;
				if (r.native) {
					html += `<div class="text-warning">${__("This item uses ERPNext's own {0} tracking, so AssetBlaze Trace leaves it alone.", [__(r.native)])}</div>`;
				}
				html += "</div>";
				field.$wrapper.html(html);
				if (r.trace_type === "None" || r.native) return;
				frappe.xcall("assetblaze_trace.api.item_stock_check", { item_code: frm.doc.name }).then((rows) => {
					if (!rows.length) return;
					const esc = frappe.utils.escape_html;
					const lines = rows.map(
						(s) => `<tr><td>${esc(s.warehouse)}</td><td class="text-right">${s.erpnext_qty}</td>
							<td class="text-right">${s.units_in_stock}</td>
							<td class="text-right ${s.untraced_qty ? "text-warning" : ""}">${s.untraced_qty}</td>
							<td class="text-right ${s.difference ? "text-danger" : ""}">${s.difference}</td></tr>`
					);
					field.$wrapper.append(`<table class="table table-sm table-bordered trace-stock-check" style="margin-top: var(--margin-sm); font-size: var(--text-sm)">
						<thead><tr><th>${__("Warehouse")}</th><th class="text-right">${__("ERPNext Stock")}</th>
						<th class="text-right">${__("Units in Stock")}</th><th class="text-right">${__("Untraced Qty")}</th>
						<th class="text-right">${__("Difference")}</th></tr></thead><tbody>${lines.join("")}</tbody></table>`);
				});
			});
		assetblaze_trace.render_serials(frm, "trace_serials_html", { item_code: frm.doc.name });
		if (frappe.user.has_role("Stock Manager") && !frm.doc.has_serial_no && !frm.doc.has_batch_no) {
			frm.add_custom_button(
				__("Register Existing Stock"),
				() => assetblaze_trace.register_existing_stock(frm),
				__("Traceability")
			);
		}
	},
});

// Stock that is on the shelves without units (there before tracing started, or received): give it units.
assetblaze_trace.register_existing_stock = async function (frm) {
	const config = await frappe.xcall("assetblaze_trace.services.config.get_item_trace_config", {
		item_code: frm.doc.name,
	});
	const is_batch = config.trace_type === "Batch";
	const dialog = new frappe.ui.Dialog({
		title: __("Register Existing Stock of {0}", [frm.doc.name]),
		fields: [
			{
				fieldname: "warehouse",
				fieldtype: "Link",
				options: "Warehouse",
				label: __("Warehouse"),
				reqd: 1,
				get_query: () => ({ filters: { is_group: 0 } }),
				onchange() {
					const warehouse = dialog.get_value("warehouse");
					if (!warehouse) return;
					frappe
						.xcall("assetblaze_trace.api.untraced_stock", { item_code: frm.doc.name, warehouse })
						.then((qty) => {
							dialog.set_df_property(
								"qty",
								"description",
								__("Untraced quantity in {0}: {1}", [warehouse, qty])
							);
							if (!dialog.get_value("qty")) dialog.set_value("qty", qty);
						});
				},
			},
			{ fieldname: "qty", fieldtype: "Float", label: __("Quantity"), reqd: 1 },
			{
				fieldname: "lot",
				fieldtype: "Data",
				label: __("Lot No"),
				reqd: is_batch ? 1 : 0,
				hidden: is_batch ? 0 : 1,
			},
			{
				fieldname: "serials",
				fieldtype: "Small Text",
				label: __("Serials (optional, one per line)"),
				description: __("Left blank, serials come from the item's format ({0}).", [config.serial_format]),
				hidden: is_batch ? 1 : 0,
			},
		],
		primary_action_label: __("Register"),
		primary_action(values) {
			frappe
				.xcall("assetblaze_trace.api.register_existing_stock", { item_code: frm.doc.name, ...values })
				.then((r) => {
					dialog.hide();
					frappe.show_alert({ message: __("{0} units registered", [r.count]), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
};
