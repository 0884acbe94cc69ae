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
					<div><b>${__("Serial Format")}:</b> <code>${frappe.utils.escape_html(r.serial_format)}</code>${source(r.serial_format_source)}</div>`;
				if (r.native) {
					html += `<div class="text-warning">${__("This item uses ERPNext's own {0} tracking, so AssetBlaze Trace leaves it alone.", [__(r.native)])}</div>`;
				}
				html += "</div>";
				field.$wrapper.html(html);
			});
		assetblaze_trace.render_serials(frm, "trace_serials_html", { item_code: frm.doc.name });
	},
});
