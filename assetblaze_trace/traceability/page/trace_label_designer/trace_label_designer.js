// Copyright (c) 2026, AssetBlaze and contributors
// For license information, please see license.txt

// The label designer: a Trace Label Template on a canvas drawn to scale in millimetres. Elements are placed by
// dragging, sized by their handle, nudged with the arrow keys, snapped to the template's grid; every change can
// be undone. The preview on the right is a real unit's label drawn by the server's PDF writer, the one that
// prints the run (assetblaze_trace.api.label_preview). Saving writes the template through frappe.client.save,
// so the template's own permissions and validation apply; its form stays usable without this page.

frappe.pages["trace-label-designer"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Label Designer"),
		single_column: true,
	});
	wrapper.designer = new LabelDesigner(page, wrapper);
};

frappe.pages["trace-label-designer"].on_page_show = function (wrapper) {
	const name = frappe.get_route()[1];
	if (name) wrapper.designer.open(decodeURIComponent(name));
	else wrapper.designer.choose();
};

const ELEMENT_TYPES = ["Text", "Code 128", "QR", "DataMatrix", "GS1-128", "GS1 DataMatrix", "Line", "Box", "Image"];
const NEW_SIZE = {
	Text: [40, 5],
	"Code 128": [50, 12],
	"GS1-128": [70, 14],
	QR: [20, 20],
	DataMatrix: [14, 14],
	"GS1 DataMatrix": [16, 16],
	Line: [40, 0],
	Box: [40, 20],
	Image: [20, 12],
};
const PT_IN_MM = 25.4 / 72;

class LabelDesigner {
	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.doc = null;
		this.selected = null;
		this.history = [];
		this.future = [];
		this.unit = null;
		this.make();
	}

	make() {
		this.page.set_primary_action(__("Save"), () => this.save(), "save");
		this.page.add_button(__("Undo"), () => this.undo(), { icon: "undo" });
		this.page.add_menu_item(__("Open the Template Form"), () => {
			if (this.doc) frappe.set_route("Form", "Trace Label Template", this.doc.name);
		});
		this.page.add_menu_item(__("Open Another Template"), () => this.choose());
		this.unit_field = this.page.add_field({
			fieldname: "preview_unit",
			fieldtype: "Link",
			options: "Serial Record",
			label: __("Preview Unit"),
			change: () => {
				this.unit = this.unit_field.get_value() || null;
				this.refresh_preview();
			},
		});
		const body = $(`
			<div class="tld">
				<div class="tld-side">
					<div class="tld-heading">${__("Add")}</div>
					<div class="tld-palette"></div>
					<div class="tld-heading">${__("Fields")}</div>
					<div class="tld-hint text-muted small">${__(
						"Click a field to bind the selected element to it, or to add a text showing it."
					)}</div>
					<div class="tld-fields"></div>
				</div>
				<div class="tld-main">
					<div class="tld-size text-muted small"></div>
					<div class="tld-stage"><div class="tld-canvas" tabindex="0"></div></div>
					<div class="tld-keys text-muted small">${__(
						"Drag to move, drag the corner to resize, arrow keys nudge by the grid (Shift: ten), Delete removes, Ctrl+Z undoes."
					)}</div>
				</div>
				<div class="tld-side tld-right">
					<div class="tld-heading">${__("Element")}</div>
					<div class="tld-props"></div>
					<div class="tld-heading">${__("Preview")}</div>
					<div class="tld-preview"><div class="text-muted small">${__("Loading…")}</div></div>
					<div class="tld-problems text-danger small"></div>
				</div>
			</div>`).appendTo(this.page.main);
		this.$canvas = body.find(".tld-canvas");
		this.$props = body.find(".tld-props");
		this.$preview = body.find(".tld-preview");
		this.$problems = body.find(".tld-problems");
		this.$size = body.find(".tld-size");
		const palette = body.find(".tld-palette");
		for (const kind of ELEMENT_TYPES) {
			$(`<button class="btn btn-default btn-xs" data-type="${kind}">${__(kind)}</button>`)
				.appendTo(palette)
				.on("click", () => this.add(kind));
		}
		this.$fields = body.find(".tld-fields");
		frappe.xcall("assetblaze_trace.api.label_bindings").then((fields) => {
			for (const f of fields) {
				$(`<a class="tld-field" data-field="${frappe.utils.escape_html(f.value)}"></a>`)
					.text(f.label)
					.attr("title", f.value)
					.appendTo(this.$fields)
					.on("click", () => this.bind(f.value));
			}
		});
		this.$canvas.on("pointerdown", (e) => {
			if (e.target === this.$canvas[0]) this.select(null);
		});
		this.$canvas.on("keydown", (e) => this.key(e));
	}

	// ---------------------------------------------------------------------------------------- the template

	choose() {
		const dialog = new frappe.ui.Dialog({
			title: __("Label Designer"),
			fields: [
				{
					fieldname: "template",
					fieldtype: "Link",
					options: "Trace Label Template",
					label: __("Template"),
					description: __("Type a new name to start a new template (100 x 50 mm)."),
				},
			],
			primary_action_label: __("Open"),
			primary_action: async ({ template }) => {
				if (!template) return;
				dialog.hide();
				const exists = await frappe.db.exists("Trace Label Template", template);
				if (!exists) {
					await frappe.xcall("frappe.client.insert", {
						doc: { doctype: "Trace Label Template", template_name: template, width_mm: 100, height_mm: 50 },
					});
				}
				frappe.set_route("trace-label-designer", template);
			},
		});
		dialog.show();
	}

	async open(name) {
		if (this.doc && this.doc.name === name && !this.reloading) return;
		const doc = await frappe.xcall("frappe.client.get", { doctype: "Trace Label Template", name });
		this.doc = doc;
		this.history = [];
		this.future = [];
		this.selected = null;
		this.page.set_title(__("Label Designer: {0}", [doc.name]));
		this.draw();
		this.show_props();
		this.refresh_preview();
	}

	get grid() {
		return flt(this.doc.grid_mm) > 0 ? flt(this.doc.grid_mm) : 1;
	}

	snap(mm) {
		const grid = this.grid;
		return Math.round(Math.round(mm / grid) * grid * 100) / 100;
	}

	remember() {
		this.history.push(JSON.stringify(this.doc.elements));
		if (this.history.length > 200) this.history.shift();
		this.future = [];
		this.dirty = true;
	}

	undo() {
		if (!this.history.length) return;
		this.future.push(JSON.stringify(this.doc.elements));
		this.doc.elements = JSON.parse(this.history.pop());
		if (this.selected !== null && this.selected >= this.doc.elements.length) this.selected = null;
		this.changed(false);
	}

	redo() {
		if (!this.future.length) return;
		this.history.push(JSON.stringify(this.doc.elements));
		this.doc.elements = JSON.parse(this.future.pop());
		this.changed(false);
	}

	changed(remember = true) {
		if (remember) this.remember();
		this.doc.elements.forEach((row, i) => (row.idx = i + 1));
		this.draw();
		this.show_props();
		this.refresh_preview();
	}

	add(kind) {
		const [w, h] = NEW_SIZE[kind];
		const row = {
			doctype: "Trace Label Element",
			parenttype: "Trace Label Template",
			parentfield: "elements",
			element_type: kind,
			x_mm: this.snap(2),
			y_mm: this.snap(2),
			width_mm: Math.min(w, flt(this.doc.width_mm) - 2),
			height_mm: Math.min(h, flt(this.doc.height_mm) - 2),
			font_size: 8,
			align: "Left",
			line_width_mm: 0.3,
			bind_to: ["Text", "Code 128", "QR", "DataMatrix"].includes(kind) ? "serial" : kind.startsWith("GS1") ? "gs1" : "",
			text: "",
		};
		this.remember();
		this.doc.elements.push(row);
		this.selected = this.doc.elements.length - 1;
		this.changed(false);
	}

	bind(field) {
		this.remember();
		if (this.selected === null) {
			this.doc.elements.push({
				doctype: "Trace Label Element",
				parenttype: "Trace Label Template",
				parentfield: "elements",
				element_type: "Text",
				bind_to: field,
				x_mm: this.snap(2),
				y_mm: this.snap(2),
				width_mm: 40,
				height_mm: 5,
				font_size: 8,
				align: "Left",
			});
			this.selected = this.doc.elements.length - 1;
		} else {
			this.doc.elements[this.selected].bind_to = field;
		}
		this.changed(false);
	}

	remove() {
		if (this.selected === null) return;
		this.remember();
		this.doc.elements.splice(this.selected, 1);
		this.selected = null;
		this.changed(false);
	}

	async save() {
		const saved = await frappe.xcall("frappe.client.save", { doc: this.doc });
		this.doc = saved;
		this.dirty = false;
		frappe.show_alert({ message: __("Saved {0}", [saved.name]), indicator: "green" });
		this.draw();
		this.show_props();
	}

	// ------------------------------------------------------------------------------------------ the canvas

	draw() {
		const doc = this.doc;
		const room = Math.max(this.$canvas.closest(".tld-main").width() - 40, 300);
		this.scale = Math.max(Math.min(room / flt(doc.width_mm), 12), 2); // px per mm
		const s = this.scale;
		const grid = this.grid * s;
		this.$size.text(
			__("{0} x {1} mm · grid {2} mm", [flt(doc.width_mm), flt(doc.height_mm), this.grid]) +
				(doc.sheet_size
					? " · " + __("{0} x {1} on {2}", [doc.sheet_columns, doc.sheet_rows, doc.sheet_size])
					: "")
		);
		this.$canvas
			.css({
				width: flt(doc.width_mm) * s + "px",
				height: flt(doc.height_mm) * s + "px",
				"background-size": `${grid}px ${grid}px`,
			})
			.empty();
		doc.elements.forEach((row, i) => this.draw_element(row, i));
	}

	draw_element(row, i) {
		const s = this.scale;
		const kind = row.element_type;
		const el = $(`<div class="tld-el" data-idx="${i}" data-type="${kind}"></div>`).css({
			left: flt(row.x_mm) * s + "px",
			top: flt(row.y_mm) * s + "px",
			width: Math.max(flt(row.width_mm) * s, 2) + "px",
			height: Math.max(flt(row.height_mm) * s, 2) + "px",
		});
		const shown = row.text && row.text.includes("{") ? row.text : (row.text || "") + (row.bind_to ? `{${row.bind_to}}` : "");
		if (kind === "Text") {
			$(`<span class="tld-text"></span>`)
				.text(shown)
				.css({
					"font-size": flt(row.font_size || 8) * PT_IN_MM * s + "px",
					"font-weight": row.bold ? "bold" : "normal",
					color: row.grey ? "#555" : "#000",
					"text-align": (row.align || "Left").toLowerCase(),
				})
				.appendTo(el);
		} else if (kind === "Line") {
			el.addClass("tld-line").html(
				`<svg width="100%" height="100%" preserveAspectRatio="none" viewBox="0 0 100 100"><line x1="0" y1="0" x2="100" y2="100" stroke="#000" vector-effect="non-scaling-stroke" stroke-width="${Math.max(flt(row.line_width_mm || 0.3) * s, 1)}"/></svg>`
			);
		} else if (kind === "Box") {
			el.css("border", `${Math.max(flt(row.line_width_mm || 0.3) * s, 1)}px solid #000`);
		} else if (kind === "Image") {
			if (row.image) $(`<img>`).attr("src", row.image).appendTo(el);
			else el.append(`<span class="tld-symbol">${__("Image")}</span>`);
		} else {
			el.addClass(["QR", "DataMatrix"].includes(kind) ? "tld-square" : "tld-bars");
			$(`<span class="tld-symbol"></span>`).text(`${__(kind)} ${shown}`).appendTo(el);
		}
		if (i === this.selected) el.addClass("selected");
		$(`<div class="tld-handle" title="${__("Drag to resize")}"></div>`).appendTo(el);
		el.on("pointerdown", (e) => this.start_drag(e, i, $(e.target).hasClass("tld-handle")));
		el.appendTo(this.$canvas);
	}

	start_drag(e, i, resizing) {
		e.preventDefault();
		e.stopPropagation();
		this.select(i);
		this.$canvas.trigger("focus");
		const row = this.doc.elements[i];
		const before = JSON.stringify(this.doc.elements);
		const start = { x: e.clientX, y: e.clientY, row: { ...row } };
		const s = this.scale;
		const $el = this.$canvas.find(`.tld-el[data-idx="${i}"]`);
		const move = (ev) => {
			const dx = (ev.clientX - start.x) / s;
			const dy = (ev.clientY - start.y) / s;
			if (resizing) {
				row.width_mm = Math.max(this.snap(flt(start.row.width_mm) + dx), row.element_type === "Line" ? 0 : this.grid);
				row.height_mm = Math.max(this.snap(flt(start.row.height_mm) + dy), row.element_type === "Line" ? 0 : this.grid);
				row.width_mm = Math.min(row.width_mm, flt(this.doc.width_mm) - flt(row.x_mm));
				row.height_mm = Math.min(row.height_mm, flt(this.doc.height_mm) - flt(row.y_mm));
				$el.css({ width: Math.max(row.width_mm * s, 2) + "px", height: Math.max(row.height_mm * s, 2) + "px" });
			} else {
				row.x_mm = Math.min(Math.max(this.snap(flt(start.row.x_mm) + dx), 0), flt(this.doc.width_mm) - this.grid);
				row.y_mm = Math.min(Math.max(this.snap(flt(start.row.y_mm) + dy), 0), flt(this.doc.height_mm) - this.grid);
				$el.css({ left: row.x_mm * s + "px", top: row.y_mm * s + "px" });
			}
		};
		const up = () => {
			$(document).off("pointermove.tld").off("pointerup.tld");
			if (JSON.stringify(this.doc.elements) !== before) {
				this.history.push(before);
				this.future = [];
				this.dirty = true;
				this.changed(false);
			}
		};
		$(document).on("pointermove.tld", move).on("pointerup.tld", up);
	}

	select(i) {
		this.selected = i;
		this.$canvas.find(".tld-el").removeClass("selected");
		if (i !== null) this.$canvas.find(`.tld-el[data-idx="${i}"]`).addClass("selected");
		this.show_props();
	}

	key(e) {
		const ctrl = e.ctrlKey || e.metaKey;
		if (ctrl && e.key.toLowerCase() === "z") {
			e.preventDefault();
			return e.shiftKey ? this.redo() : this.undo();
		}
		if (ctrl && e.key.toLowerCase() === "y") {
			e.preventDefault();
			return this.redo();
		}
		if (this.selected === null) return;
		if (e.key === "Delete" || e.key === "Backspace") {
			e.preventDefault();
			return this.remove();
		}
		const step = this.grid * (e.shiftKey ? 10 : 1);
		const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
		if (!moves[e.key]) return;
		e.preventDefault();
		const row = this.doc.elements[this.selected];
		this.remember();
		row.x_mm = Math.min(Math.max(this.snap(flt(row.x_mm) + moves[e.key][0]), 0), flt(this.doc.width_mm));
		row.y_mm = Math.min(Math.max(this.snap(flt(row.y_mm) + moves[e.key][1]), 0), flt(this.doc.height_mm));
		this.changed(false);
	}

	// --------------------------------------------------------------------------------- properties, preview

	show_props() {
		this.$props.empty();
		if (this.selected === null || !this.doc.elements[this.selected]) {
			this.$props.html(`<div class="text-muted small">${__("Select an element on the label.")}</div>`);
			return;
		}
		const row = this.doc.elements[this.selected];
		const kind = row.element_type;
		const props = [
			["bind_to", __("Field"), "Data"],
			["text", __("Text"), "Data"],
			["x_mm", __("X (mm)"), "Float"],
			["y_mm", __("Y (mm)"), "Float"],
			["width_mm", __("Width (mm)"), "Float"],
			["height_mm", __("Height (mm)"), "Float"],
		];
		if (kind === "Text")
			props.push(
				["font_size", __("Font Size (pt)"), "Float"],
				["bold", __("Bold"), "Check"],
				["grey", __("Grey"), "Check"],
				["align", __("Align"), "Select", ["Left", "Center", "Right"]]
			);
		if (kind === "Line" || kind === "Box") props.push(["line_width_mm", __("Line Width (mm)"), "Float"]);
		if (kind === "Image") props.push(["image", __("Image"), "Attach Image"]);
		$(`<div class="tld-kind"><b>${__(kind)}</b> · ${__("row {0}", [this.selected + 1])}</div>`).appendTo(this.$props);
		for (const [field, label, type, options] of props) {
			const control = frappe.ui.form.make_control({
				parent: $(`<div class="tld-prop" data-prop="${field}"></div>`).appendTo(this.$props),
				df: {
					fieldname: field,
					label,
					fieldtype: type,
					options: options ? options.join("\n") : undefined,
					change: () => {
						const value = control.get_value();
						if (row[field] === value || (type === "Float" && flt(row[field]) === flt(value))) return;
						this.remember();
						row[field] = type === "Float" ? flt(value) : value;
						this.changed(false);
					},
				},
				render_input: true,
			});
			control.set_value(row[field] ?? "");
		}
		$(`<button class="btn btn-default btn-xs tld-remove">${__("Remove")}</button>`)
			.appendTo(this.$props)
			.on("click", () => this.remove());
	}

	refresh_preview() {
		this.previewing = true; // until the answer to the newest change is shown
		clearTimeout(this.preview_timer);
		this.preview_timer = setTimeout(() => this.load_preview(), 300);
	}

	async load_preview() {
		const asked = ++this.preview_count;
		const template = { ...this.doc, elements: this.doc.elements };
		let answer;
		try {
			answer = await frappe.xcall("assetblaze_trace.api.label_preview", {
				template: JSON.stringify(template),
				unit: this.unit,
			});
		} catch (e) {
			if (asked === this.preview_count) this.previewing = false;
			return;
		}
		if (asked !== this.preview_count) return; // a newer preview is on its way
		this.previewing = false;
		this.$preview
			.empty()
			.append(
				$(`<img class="tld-preview-image" alt="">`)
					.attr("src", "data:image/png;base64," + answer.png)
					.attr("data-unit", answer.unit || "")
			)
			.append(
				$(`<div class="text-muted small tld-preview-unit"></div>`).text(
					answer.unit ? __("Unit {0}, as it prints", [answer.unit]) : __("No unit yet: field names shown")
				)
			);
		this.$problems.empty();
		for (const problem of answer.problems || []) $(`<div></div>`).text(problem).appendTo(this.$problems);
		this.zpl = answer.zpl;
	}
}
LabelDesigner.prototype.preview_count = 0;

frappe.provide("assetblaze_trace");
assetblaze_trace.LabelDesigner = LabelDesigner;
