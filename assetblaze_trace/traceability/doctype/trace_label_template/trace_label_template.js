// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

// The form works on its own (sizes, sheet, the element table); the designer page places elements by hand.
// Under the table: the label as it prints, for the newest unit the user may read.

frappe.ui.form.on("Trace Label Template", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Open Designer"), () =>
				frappe.set_route("trace-label-designer", frm.doc.name)
			);
		}
		frm.trigger("preview");
	},
	width_mm: (frm) => frm.trigger("preview"),
	height_mm: (frm) => frm.trigger("preview"),
	preview(frm) {
		clearTimeout(frm.__trace_preview);
		frm.__trace_preview = setTimeout(() => {
			frappe
				.xcall("assetblaze_trace.api.label_preview", { template: JSON.stringify(frm.doc) })
				.then((answer) => {
					const wrapper = frm.get_field("preview_html").$wrapper.empty();
					$(`<img class="trace-label-preview" alt="">`)
						.attr("src", "data:image/png;base64," + answer.png)
						.css({ "max-width": "480px", width: "100%", border: "1px solid var(--border-color)" })
						.appendTo(wrapper);
					$(`<div class="text-muted small"></div>`)
						.text(
							answer.unit
								? __("Unit {0}, as it prints", [answer.unit])
								: __("No unit yet: field names shown")
						)
						.appendTo(wrapper);
					for (const problem of answer.problems || [])
						$(`<div class="text-danger small"></div>`).text(problem).appendTo(wrapper);
				});
		}, 300);
	},
});

frappe.ui.form.on("Trace Label Element", {
	element_type: (frm) => frm.trigger("preview"),
	bind_to: (frm) => frm.trigger("preview"),
	text: (frm) => frm.trigger("preview"),
	x_mm: (frm) => frm.trigger("preview"),
	y_mm: (frm) => frm.trigger("preview"),
	width_mm: (frm) => frm.trigger("preview"),
	height_mm: (frm) => frm.trigger("preview"),
	font_size: (frm) => frm.trigger("preview"),
	elements_remove: (frm) => frm.trigger("preview"),
});
