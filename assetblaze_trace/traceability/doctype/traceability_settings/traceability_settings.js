// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

frappe.ui.form.on("Traceability Settings", {
	refresh(frm) {
		frm.trigger("default_serial_format");
	},
	default_serial_format(frm) {
		frappe
			.xcall("assetblaze_trace.traceability.doctype.traceability_settings.traceability_settings.get_preview", {
				serial_format: frm.doc.default_serial_format || "",
			})
			.then((preview) => {
				frm.doc.next_serial_preview = preview;
				frm.refresh_field("next_serial_preview");
			});
	},
	after_save(frm) {
		// The master toggle and scope live in the boot info: reload so every form follows them.
		frappe.boot.assetblaze_trace = Object.assign(frappe.boot.assetblaze_trace || {}, {
			enabled: !!frm.doc.enabled,
			scope: frm.doc.config_scope,
			prompt_label_print: !!frm.doc.prompt_label_print,
		});
	},
});
