// AssetBlaze Trace: shared Desk helpers (loaded on every Desk page via app_include_js).
frappe.provide("assetblaze_trace");

assetblaze_trace.enabled = function () {
	return !!(frappe.boot.assetblaze_trace && frappe.boot.assetblaze_trace.enabled);
};

assetblaze_trace.colours = {
	Available: "green",
	Reserved: "yellow",
	Allocated: "blue",
	Shipped: "gray",
	Returned: "purple",
	Consumed: "darkgrey",
	Issued: "orange",
	"On Hold": "red",
};

// The red badge a held unit shows beside its status, everywhere it is listed.
assetblaze_trace.hold_badge = function (doc) {
	return doc && doc.on_hold
		? ` <span class="indicator-pill red no-indicator-dot trace-hold-badge" title="${frappe.utils.escape_html(
				doc.hold_reason || ""
		  )}">${__("On Hold")}</span>`
		: "";
};

assetblaze_trace.status_of = function (doc) {
	return doc.status === "Available" && doc.sales_order ? "Reserved" : doc.status;
};

assetblaze_trace.indicator = function (status) {
	const colour = assetblaze_trace.colours[status] || "gray";
	return `<span class="indicator-pill ${colour} filterable no-indicator-dot ellipsis">${__(status)}</span>`;
};

// Render a "Serial Numbers" table of the units matching `filters` into an HTML field.
assetblaze_trace.render_serials = function (frm, fieldname, filters) {
	const field = frm.get_field(fieldname);
	if (!field || !assetblaze_trace.enabled()) return;
	field.$wrapper.html(`<div class="text-muted small">${__("Loading serial numbers…")}</div>`);
	frappe.xcall("assetblaze_trace.api.get_units", { filters, limit: 200 }).then((r) => {
		const esc = frappe.utils.escape_html;
		const link = (doctype, name) =>
			name ? `<a href="${frappe.utils.get_form_link(doctype, name)}">${esc(name)}</a>` : "";
		const summary = (r.counts || [])
			.map((c) => {
				const reserved = c.status === "Available" ? c.stamped : 0;
				const parts = [];
				if (c.units - reserved) parts.push(`${assetblaze_trace.indicator(c.status)} ${c.units - reserved}`);
				if (reserved) parts.push(`${assetblaze_trace.indicator("Reserved")} ${reserved}`);
				return parts.join(" ");
			})
			.join(" ");
		const route = Object.entries(filters)
			.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
			.join("&");
		let html = `<div class="trace-serials">
			<div class="flex justify-between align-center" style="margin-bottom: var(--margin-sm)">
				<div>${summary || `<span class="text-muted">${__("No serial records yet.")}</span>`}</div>
				<a class="btn btn-xs btn-default" href="${frappe.router.make_url(["serial-record"])}?${route}">${__("Open full list ({0})", [r.total])}</a>
			</div>`;
		if (r.rows.length) {
			html += `<table class="table table-bordered table-sm trace-serials-table" style="font-size: var(--text-sm)">
				<thead><tr>
					<th>${__("Serial / Lot No")}</th><th>${__("Item")}</th><th>${__("Qty")}</th><th>${__("Status")}</th>
					<th>${__("Warehouse")}</th><th>${__("Work Order")}</th><th>${__("Sales Order")}</th>
					<th>${__("Customer")}</th><th>${__("Delivery Note")}</th><th>${__("Expires")}</th>
				</tr></thead><tbody>`;
			const row_html = (row) => `<tr>
					<td>${link("Serial Record", row.name).replace(esc(row.name), esc(row.serial_no))}</td>
					<td>${esc(row.item_code)}</td>
					<td>${row.qty}</td>
					<td>${assetblaze_trace.indicator(row.display_status)}${assetblaze_trace.hold_badge(row)}</td>
					<td>${esc(row.warehouse || "")}</td>
					<td>${link("Work Order", row.work_order)}</td>
					<td>${link("Sales Order", row.sales_order)}</td>
					<td>${link("Customer", row.customer)}</td>
					<td>${link("Delivery Note", row.delivery_note)}${link("Sales Invoice", row.sales_invoice)}</td>
					<td class="${row.expiry_date && row.expiry_date < frappe.datetime.get_today() ? "text-danger" : ""}">${row.expiry_date ? frappe.datetime.str_to_user(row.expiry_date) : ""}</td>
				</tr>`;
			html += r.rows.map(row_html).join("");
			html += "</tbody></table>";
			if (r.total > r.rows.length) {
				html += `<div class="flex justify-between align-center trace-serials-more">
					<span class="text-muted small trace-serials-shown">${__("Showing the newest {0} of {1}.", [r.rows.length, r.total])}</span>
					<button class="btn btn-xs btn-default trace-serials-older">${__("Show Older")}</button>
				</div>`;
			}
			// older pages by keyset (the last row shown), never by offset: as fast on the last page as the first
			let shown = r.rows.length;
			let last = r.rows[r.rows.length - 1];
			field.$wrapper.off("click.trace_older").on("click.trace_older", ".trace-serials-older", (e) => {
				const button = $(e.currentTarget).prop("disabled", true);
				frappe
					.xcall("assetblaze_trace.api.get_units", { filters, limit: 200, before: [last.manufactured_on, last.name] })
					.then((page) => {
						field.$wrapper.find(".trace-serials-table tbody").append(page.rows.map(row_html).join(""));
						shown += page.rows.length;
						if (page.rows.length) last = page.rows[page.rows.length - 1];
						field.$wrapper.find(".trace-serials-shown").text(__("Showing the newest {0} of {1}.", [shown, r.total]));
						button.prop("disabled", false).toggle(shown < r.total && page.rows.length > 0);
					});
			});
		}
		html += "</div>";
		field.$wrapper.html(html);
	});
};

// Labels as one PDF. `selection` is {work_order}, {stock_entry}, {names: [...]} or {filters: [...]} (an array
// means names). Sent by POST: no list of names in a URL. Small selections come back at once and open;
// large ones run in the background with a progress bar, then offer the file (attached to the Work Order).
assetblaze_trace.print_labels = function (selection) {
	if (Array.isArray(selection)) selection = { names: selection };
	if (!selection || (selection.names && !selection.names.length)) return;
	const title = __("Print Labels");
	return frappe
		.call({ method: "assetblaze_trace.api.print_labels", args: selection, freeze: true, freeze_message: __("Making labels…") })
		.then((r) => {
			const answer = r.message || {};
			if (answer.pdf) return assetblaze_trace.open_pdf(answer.pdf, answer.filename, answer.count);
			if (answer.job) return assetblaze_trace.follow_label_job(answer.job, answer.count);
		});
};

assetblaze_trace.open_pdf = function (base64, filename, count) {
	const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
	const url = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
	const opened = window.open(url);
	if (!opened) {
		frappe.msgprint({
			title: __("Labels ready"),
			indicator: "green",
			message: `<a class="assetblaze-labels-link" href="${url}" download="${frappe.utils.escape_html(filename)}">${__("Download {0} labels", [count])}</a>`,
		});
	}
};

assetblaze_trace.follow_label_job = function (job, count) {
	const title = __("Printing {0} labels", [format_number(count, null, 0)]);
	frappe.show_progress(title, 0, count, __("Queued"));
	return new Promise((resolve) => {
		const poll = () =>
			frappe.xcall("assetblaze_trace.api.label_job_status", { job }).then((state) => {
				if (state.status === "Failed") {
					frappe.hide_progress();
					frappe.msgprint({ title: __("Labels"), indicator: "red", message: state.error || __("The labels could not be made.") });
					return resolve(state);
				}
				const done = state.done || 0;
				frappe.show_progress(title, done, state.total || count, `${format_number(done, null, 0)} / ${format_number(state.total || count, null, 0)}`);
				if (state.status !== "Done") return setTimeout(poll, 1000);
				setTimeout(() => frappe.hide_progress(), 400);
				if (window.cur_frm && cur_frm.doctype === state.attached_to_doctype && cur_frm.doc.name === state.attached_to_name) {
					cur_frm.reload_doc(); // the new file shows among the attachments
				}
				const where = state.attached_to_name
					? __("It is attached to {0} {1}.", [__(state.attached_to_doctype), frappe.utils.get_form_link(state.attached_to_doctype, state.attached_to_name, true)])
					: "";
				frappe.msgprint({
					title: __("Labels ready"),
					indicator: "green",
					message: `${__("{0} labels are in one PDF.", [format_number(state.total, null, 0)])} ${where}`,
					primary_action: {
						label: __("Open PDF"),
						client_action: "window.open",
						args: state.file_url,
					},
				});
				resolve(state);
			});
		setTimeout(poll, 500);
	});
};

assetblaze_trace.offer_labels = function (stock_entry) {
	if (!assetblaze_trace.enabled() || !(frappe.boot.assetblaze_trace || {}).prompt_label_print) return;
	frappe.xcall("assetblaze_trace.api.units_of_stock_entry", { stock_entry, count_only: 1 }).then((count) => {
		if (!count) return;
		frappe.confirm(
			count === 1 ? __("A traced record was made. Print its label now?") : __("{0} traced records were made. Print their labels now?", [count]),
			() => assetblaze_trace.print_labels({ stock_entry })
		);
	});
};

// The units of one shipment row: typed or scanned, with the FIFO suggestion shown.
assetblaze_trace.pick_serials = function (frm, cdt, cdn) {
	const row = locals[cdt][cdn];
	const so_field = cdt === "Delivery Note Item" ? "against_sales_order" : "sales_order";
	const qty = Math.abs(row.stock_qty || row.qty || 0);
	const listed = () => (dialog.get_value("serials") || "").split("\n").filter(Boolean);
	const add_scan = () => {
		const value = (dialog.fields_dict.scan.get_input_value?.() ?? dialog.get_value("scan") ?? "").trim();
		if (!value) return;
		const serials = listed();
		if (!serials.includes(value)) serials.push(value);
		dialog.set_value("serials", serials.join("\n")).then(refresh);
		dialog.set_value("scan", "");
	};
	const dialog = new frappe.ui.Dialog({
		title: __("Serials for row {0}: {1}", [row.idx, row.item_code]),
		// Scanners end with Enter: it must add the serial, not submit the dialog.
		no_submit_on_enter: true,
		fields: [
			{
				fieldtype: "Data",
				fieldname: "scan",
				label: __("Scan or type a serial"),
				description: __("Press Enter after each serial (a scanner does)."),
			},
			{
				fieldtype: "Small Text",
				fieldname: "serials",
				label: __("Serials (one per line)"),
				default: row.trace_serials || "",
			},
			{ fieldtype: "HTML", fieldname: "suggestion" },
		],
		primary_action_label: __("Set"),
		primary_action(values) {
			frappe.model.set_value(cdt, cdn, "trace_serials", values.serials || "");
			dialog.hide();
		},
		secondary_action_label: __("Use FIFO Suggestion"),
		secondary_action() {
			dialog.set_value("serials", listed().concat(dialog.fifo || []).join("\n")).then(refresh);
		},
	});
	dialog.fields_dict.scan.$input.on("keydown", (event) => {
		if (event.key === "Enter") {
			event.preventDefault();
			event.stopPropagation();
			add_scan();
		}
	});
	dialog.fields_dict.scan.$input.on("change", add_scan);
	const refresh = () =>
		frappe
			.xcall("assetblaze_trace.api.suggest_units", {
				doctype: frm.doctype,
				name: frm.doc.name,
				row: row.name,
				item_code: row.item_code,
				warehouse: row.warehouse,
				qty,
				sales_order: row[so_field] || null,
				listed: dialog.get_value("serials") || "",
			})
			.then((r) => {
				dialog.fifo = r.suggested;
				dialog.fields_dict.suggestion.$wrapper.html(
					`<div class="text-muted small">${__("{0} Available in {1}.", [r.available, frappe.utils.escape_html(row.warehouse || "")])}
					${r.suggested.length ? __("FIFO would add: {0}", [r.suggested.map(frappe.utils.escape_html).join(", ")]) : ""}</div>`
				);
			});
	dialog.fields_dict.serials.$input.on("change", refresh);
	dialog.show();
	refresh();
};

// The genealogy of a unit (or lot) into an HTML field: what went into it, and what it went into.
assetblaze_trace.render_genealogy = function (frm, fieldname) {
	const field = frm.get_field(fieldname);
	if (!field) return;
	const esc = frappe.utils.escape_html;
	const LIMIT = 200;
	const doctype_of = { "Serial Record": "Serial Record", Batch: "Batch", "Serial No": "Serial No", Item: "Item" };
	const link = (doctype, name) =>
		name ? `<a href="${frappe.utils.get_form_link(doctype, name)}">${esc(name)}</a>` : "";
	const identifier = frm.doc.serial_no || frm.doc.name;
	const args = { identifier, item_code: frm.doc.item_code };
	const recall_url = (direction) =>
		`${frappe.router.make_url(["query-report", "Recall"])}?${new URLSearchParams({
			...args,
			direction,
		}).toString()}`;
	const block = (title, direction, nodes, empty) => {
		let html = `<div class="trace-genealogy-block" data-direction="${direction}" style="margin-bottom: var(--margin-md)">
			<div class="flex justify-between align-center" style="margin-bottom: var(--margin-xs)">
				<b>${title}</b>
				<a class="btn btn-xs btn-default trace-open-recall" href="${recall_url(direction)}">${__("Open in Recall report")}</a>
			</div>`;
		if (!nodes.length) return html + `<div class="text-muted small">${empty}</div></div>`;
		html += `<table class="table table-bordered table-sm trace-genealogy-table" style="font-size: var(--text-sm)">
			<thead><tr><th>${__("Component / Unit")}</th><th>${__("Kind")}</th><th>${__("Item")}</th><th>${__("Qty")}</th>
			<th>${__("Status")}</th><th>${direction === "Backward" ? __("Supplier / Receipt") : __("Customer / Shipment")}</th></tr></thead><tbody>`;
		for (const n of nodes.slice(0, LIMIT)) {
			const pad = `padding-left: calc(${(n.indent || 1) - 1} * 1.25rem + var(--padding-sm))`;
			const status = n.status
				? assetblaze_trace.indicator(n.display_status || n.status) + assetblaze_trace.hold_badge(n)
				: "";
			const shown = n.kind === "Serial Record" ? n.serial_no || n.identifier : n.identifier;
			const where =
				direction === "Backward"
					? [link("Supplier", n.supplier), link("Purchase Receipt", n.purchase_receipt)].filter(Boolean).join(" · ")
					: [link("Customer", n.customer), link("Delivery Note", n.delivery_note), link("Sales Invoice", n.sales_invoice)]
							.filter(Boolean)
							.join(" · ");
			html += `<tr class="trace-genealogy-node" data-kind="${esc(n.kind)}" data-identifier="${esc(n.identifier)}">
				<td style="${pad}">${link(doctype_of[n.kind] || "Item", n.identifier).replace(`>${esc(n.identifier)}<`, `>${esc(shown)}<`)}</td>
				<td>${__(n.kind)}</td><td>${esc(n.item_code || "")}</td><td>${n.qty ?? ""}</td>
				<td>${status}</td><td>${where}</td></tr>`;
		}
		html += "</tbody></table>";
		if (nodes.length > LIMIT) {
			html += `<div class="text-muted small">${__("Showing {0} of {1}: open the Recall report for all.", [LIMIT, nodes.length])}</div>`;
		}
		return html + "</div>";
	};
	field.$wrapper.html(`<div class="text-muted small">${__("Loading genealogy…")}</div>`);
	Promise.all([
		frappe.xcall("assetblaze_trace.api.genealogy", { ...args, direction: "backward" }),
		frappe.xcall("assetblaze_trace.api.genealogy", { ...args, direction: "forward" }),
	]).then(([backward, forward]) => {
		field.$wrapper.html(
			`<div class="trace-genealogy">
				${block(
					__("Made From"),
					"Backward",
					backward,
					frm.doc.receipt_voucher_no
						? __("Bought, not made here: received from {0} with {1} {2}.", [
								frm.doc.supplier ? link("Supplier", frm.doc.supplier) : __("a supplier"),
								__(frm.doc.receipt_voucher_type),
								link(frm.doc.receipt_voucher_type, frm.doc.receipt_voucher_no),
						  ])
						: __("No recorded components: this unit was not made from traced consumption.")
				)}
				${block(__("Went Into"), "Forward", forward, __("Not part of any other unit."))}
			</div>`
		);
	});
};

// ERPNext's Scan Barcode field, for our serials and lots: the scan lands the unit in the right row's Traced
// Serials (adding or incrementing the row), or is refused with an alert and changes nothing. Everything else
// scanned (item barcodes, ERPNext's serial and batch numbers) goes through ERPNext's own scanner, unchanged.
assetblaze_trace.SCAN_DOCTYPES = ["Delivery Note", "Sales Invoice", "Stock Entry", "Pick List"];

assetblaze_trace.install_scanner = function () {
	const Scanner = window.erpnext && erpnext.utils && erpnext.utils.BarcodeScanner;
	if (!Scanner || Scanner.prototype.__assetblaze_trace) return;
	const original = Scanner.prototype.update_table;
	Scanner.prototype.update_table = function (data) {
		if (data && data.trace_gs1_code) {
			// a GS1 label naming a lot or serial no unit has: received on a receipt; elsewhere, its item's row
			if (assetblaze_trace.is_receipt(this.frm)) {
				return assetblaze_trace.scan_receive(this, {
					trace_receive: data.trace_gs1_code,
					item_code: data.item_code,
					expiry: data.trace_gs1_expiry,
				});
			}
			if (!data.item_code) {
				this.show_alert(__("{0} is not a unit or lot here, and no item has its GTIN.", [data.trace_gs1_code]), "red");
				this.clean_up();
				this.play_fail_sound();
				return Promise.reject();
			}
			return original.call(this, { item_code: data.item_code, uom: data.uom });
		}
		if (data && (data.trace_receive || ((data.trace_serial || data.trace_lot) && assetblaze_trace.is_receipt(this.frm)))) {
			if (data.trace_lot && !data.trace_serial) return assetblaze_trace.scan_receive(this, { trace_receive: data.trace_lot });
			return assetblaze_trace.scan_receive(this, data);
		}
		if (!data || !(data.trace_serial || data.trace_lot) || !assetblaze_trace.SCAN_DOCTYPES.includes(this.frm.doctype)) {
			return original.call(this, data);
		}
		return assetblaze_trace.scan_unit(this, data);
	};
	// Receiving: a supplier's serial or lot is not known to anyone yet. Scanned on a receipt, it is listed on the
	// row of the item scanned (or chosen) last, instead of "Cannot find Item with this Barcode".
	const original_call = Scanner.prototype.scan_api_call;
	Scanner.prototype.scan_api_call = function (input, callback) {
		const receiving = assetblaze_trace.enabled() && assetblaze_trace.is_receipt(this.frm);
		return original_call.call(this, input, (r) => {
			const found = r && r.message && Object.keys(r.message).length;
			callback(receiving && !found ? { message: { trace_receive: input } } : r);
		});
	};
	Scanner.prototype.__assetblaze_trace = true;
};

assetblaze_trace.is_receipt = function (frm) {
	const doc = frm.doc;
	if (doc.is_return) return false;
	if (frm.doctype === "Purchase Receipt") return true;
	if (frm.doctype === "Purchase Invoice") return !!doc.update_stock;
	return frm.doctype === "Stock Entry" && doc.purpose === "Material Receipt";
};

// A scan on a receipt: the supplier's serial (one unit more on the row, if the row had all it counted) or lot
// (one per row) goes to the row of the item scanned or chosen last. A serial that names a unit already, or one
// listed already, is refused before anything changes.
assetblaze_trace.scan_receive = function (scanner, data) {
	const frm = scanner.frm;
	const table = scanner.items_table_name;
	const qty_field = scanner.qty_field || "qty";
	const code = data.trace_receive || data.trace_serial || data.trace_lot;
	const listed_of = (row) => (row.trace_serials || "").split("\n").map((s) => s.trim()).filter(Boolean);
	const refuse = (message) => {
		scanner.show_alert(message, "red");
		scanner.clean_up();
		scanner.play_fail_sound();
		return Promise.reject();
	};
	if (data.trace_serial) return refuse(__("{0} exists already: a receipt records new units only.", [code]));
	const rows = (frm.doc[table] || []).filter((r) => r.item_code);
	// a GS1 label names its item (by GTIN): its row; a plain code goes to the row scanned or chosen last
	const of_item = data.item_code ? rows.filter((r) => r.item_code === data.item_code) : rows;
	const row = of_item[of_item.length - 1];
	if (!row && data.item_code) return assetblaze_trace.receive_on_new_row(scanner, data);
	if (!row) return refuse(__("Scan the item (or choose it on a row) first, then its serials or lot."));
	const holder = rows.find((r) => listed_of(r).includes(code));
	if (holder) return refuse(__("{0} is already listed on row {1}.", [code, holder.idx]));
	return frappe
		.xcall("assetblaze_trace.services.config.get_item_trace_config", { item_code: row.item_code })
		.then((config) => {
			if (!["Serial", "Batch"].includes(config.trace_type)) {
				return refuse(__("Item {0} is not traced: its stock is received without serials or lots.", [row.item_code]));
			}
			if (config.trace_type === "Batch" && listed_of(row).length) {
				return refuse(__("Row {0} has its lot already: add a row for another lot.", [row.idx]));
			}
			const listed = [...listed_of(row), code];
			return frappe
				.run_serially([
					() =>
						config.trace_type === "Serial" && listed.length > flt(row[qty_field])
							? frappe.model.set_value(row.doctype, row.name, qty_field, listed.length)
							: null,
					() => frappe.model.set_value(row.doctype, row.name, "trace_serials", listed.join("\n")),
					// the supplier's expiry from the label (AI 17)
					() => (data.expiry ? frappe.model.set_value(row.doctype, row.name, "trace_expiry_date", data.expiry) : null),
					() => {
						scanner.clean_up();
						scanner.play_success_sound();
						frm.refresh_field(table);
						scanner.show_alert(__("Row #{0}: {1} added", [row.idx, code]), "green");
					},
				])
				.then(() => row);
		});
};

// A GS1 label of an item the receipt has no row of yet: a row of that item (the empty one a new document has,
// else a new one), then the label's lot or serial on it.
assetblaze_trace.receive_on_new_row = function (scanner, data) {
	const frm = scanner.frm;
	const table = scanner.items_table_name;
	let row = (frm.doc[table] || []).find((r) => !r.item_code);
	if (!row) {
		row = frappe.model.add_child(frm.doc, frm.fields_dict[table].grid.doctype, table);
		frm.script_manager.trigger(`${table}_add`, row.doctype, row.name);
	}
	frappe.flags.trigger_from_barcode_scanner = true;
	return frappe
		.run_serially([
			() => frappe.model.set_value(row.doctype, row.name, { item_code: data.item_code, [scanner.qty_field || "qty"]: 1 }),
			() => {
				frappe.flags.trigger_from_barcode_scanner = false;
			},
		])
		.then(() => assetblaze_trace.scan_receive(scanner, data));
};

assetblaze_trace.scan_unit = function (scanner, data) {
	const frm = scanner.frm;
	const table = scanner.items_table_name;
	const wh_field = frm.doctype === "Stock Entry" ? "s_warehouse" : "warehouse";
	const qty_field = scanner.qty_field || "qty";
	const unit = data.trace_serial || data.trace_lot;
	const listed_of = (row) => (row.trace_serials || "").split("\n").map((s) => s.trim()).filter(Boolean);
	const rows = frm.doc[table] || [];
	const refuse = (message) => {
		scanner.show_alert(message, "red");
		scanner.clean_up();
		scanner.play_fail_sound();
		// ERPNext's Pick List calls process_scan() without a catch, so a rejection there is an uncaught error in
		// the console: the refusal is complete (alert, sound), so its promise simply never settles
		return frm.doctype === "Pick List" ? new Promise(() => {}) : Promise.reject();
	};
	if (data.on_hold) return refuse(__("{0} is on hold ({1}): it cannot be added.", [unit, data.hold_reason || ""]));
	if (data.trace_expired && ["Delivery Note", "Sales Invoice", "Pick List"].includes(frm.doctype)) {
		return refuse(__("{0} expired on {1}: it cannot be shipped.", [unit, frappe.datetime.str_to_user(data.trace_expiry_date)]));
	}
	if (frm.doctype === "Pick List") return assetblaze_trace.scan_pick(scanner, data, rows, listed_of, refuse);
	// a unit that cannot go is refused here, before anything changes
	const can_leave = frm.doctype === "Stock Entry" ? ["Available", "Returned"] : ["Available"];
	if (!can_leave.includes(data.trace_status)) {
		return refuse(__("{0} is {1}: only units in stock can be added.", [unit, __(data.trace_display_status || data.trace_status)]));
	}
	const holder = rows.find((r) => listed_of(r).includes(unit));
	if (holder) return refuse(__("{0} is already listed on row {1}.", [unit, holder.idx]));
	const doc_wh = frm.doc.set_warehouse || frm.doc.from_warehouse;
	if (doc_wh && doc_wh !== data.trace_warehouse) {
		return refuse(__("{0} is in warehouse {1}, not {2}.", [unit, data.trace_warehouse, doc_wh]));
	}
	// the item's row in the unit's warehouse, else an empty row (a new document has one), else a new row
	let row =
		rows.find((r) => r.item_code === data.item_code && (!r[wh_field] || r[wh_field] === data.trace_warehouse)) ||
		rows.find((r) => !r.item_code);
	const is_new = !row || !row.item_code;
	if (!row) {
		if (scanner.dont_allow_new_row) return refuse(__("No row of item {0} to scan into.", [data.item_code]));
		row = frappe.model.add_child(frm.doc, frm.fields_dict[table].grid.doctype, table);
		frm.script_manager.trigger(`${table}_add`, row.doctype, row.name);
	}
	const serial = !!data.trace_serial;
	frappe.flags.trigger_from_barcode_scanner = true;
	return frappe
		.run_serially([
			() =>
				is_new
					? frappe.model.set_value(row.doctype, row.name, { item_code: data.item_code, [qty_field]: 1 })
					: serial
					? frappe.model.set_value(row.doctype, row.name, qty_field, flt(row[qty_field]) + 1)
					: null,
			() => (row[wh_field] !== data.trace_warehouse ? frappe.model.set_value(row.doctype, row.name, wh_field, data.trace_warehouse) : null),
			() => frappe.model.set_value(row.doctype, row.name, "trace_serials", [...listed_of(row), unit].join("\n")),
			() => {
				frappe.flags.trigger_from_barcode_scanner = false;
				scanner.clean_up();
				scanner.play_success_sound();
				frm.refresh_field(table);
				scanner.show_alert(__("Row #{0}: {1} added", [row.idx, unit]), "green");
			},
		])
		.then(() => row);
};

// A Pick List row already lists the units suggested FIFO: a scan confirms a unit as picked. The row keeps the
// picked units first (as many as Picked Qty, which the scan raises by one, as ERPNext's Scan Mode does) and the
// still-suggested ones after them; a scanned unit that was not suggested takes the place of the last suggestion.
// Scanning picks by hand, so Pick Manually is set (ERPNext would otherwise rebuild the rows on save).
assetblaze_trace.scan_pick = function (scanner, data, rows, listed_of, refuse) {
	const frm = scanner.frm;
	const unit = data.trace_serial || data.trace_lot;
	const row = rows.find((r) => r.item_code === data.item_code && r.warehouse === data.trace_warehouse);
	if (!row) {
		return refuse(__("This Pick List has no row of item {0} in warehouse {1}.", [data.item_code, data.trace_warehouse]));
	}
	const other = rows.find((r) => r !== row && listed_of(r).includes(unit));
	if (other) return refuse(__("{0} is already listed on row {1}.", [unit, other.idx]));
	const listed = listed_of(row);
	// in stock, or one of the units this Pick List holds (its suggestions are Allocated to it)
	const ours = data.trace_status === "Allocated" && data.trace_pick_list && data.trace_pick_list === frm.doc.name;
	if (!(data.trace_status === "Available" || ours)) {
		return refuse(__("{0} is {1}: only units in stock can be picked.", [unit, __(data.trace_display_status || data.trace_status)]));
	}
	const need = Math.round(flt(row.stock_qty || row.qty));
	const picked = Math.min(Math.round(flt(row.picked_qty)), listed.length);
	const confirmed = listed.slice(0, picked);
	if (confirmed.includes(unit)) return refuse(__("{0} is already picked on row {1}.", [unit, row.idx]));
	if (!data.trace_serial) return refuse(__("Lots are picked by quantity: scan a serial, or type the lot in row {0}.", [row.idx]));
	if (picked >= need) return refuse(__("Row {0}: all {1} units are already picked.", [row.idx, need]));
	const suggested = listed.slice(picked).filter((u) => u !== unit);
	const units = [...confirmed, unit, ...suggested].slice(0, Math.max(need, picked + 1));
	frappe.flags.trigger_from_barcode_scanner = true;
	return frappe
		.run_serially([
			() => (frm.doc.pick_manually ? null : frm.set_value("pick_manually", 1)),
			() => frappe.model.set_value(row.doctype, row.name, { trace_serials: units.join("\n"), picked_qty: picked + 1 }),
			() => {
				frappe.flags.trigger_from_barcode_scanner = false;
				scanner.clean_up();
				scanner.play_success_sound();
				frm.refresh_field("locations");
				scanner.show_alert(__("Row #{0}: {1} picked ({2} of {3})", [row.idx, unit, picked + 1, need]), "green");
			},
		])
		.then(() => row);
};

assetblaze_trace.install_scanner(); // ERPNext's bundle loads before this app's
$(document).on("app_ready", () => assetblaze_trace.install_scanner());

// A Quality Inspection of one unit or lot (PRODUCT.md §13): a new one, filled in from the unit.
assetblaze_trace.inspect = function (unit, work_order) {
	return frappe
		.xcall("assetblaze_trace.api.inspection_defaults", { unit, work_order: work_order || null })
		.then(
			(values) =>
				new Promise((resolve) =>
					frappe.model.with_doctype("Quality Inspection", () => {
						// a new document filled in directly (as ERPNext's own "Make" buttons do), then opened
						const doc = frappe.model.get_new_doc("Quality Inspection");
						for (const field of [
							"inspection_type",
							"reference_type",
							"reference_name",
							"item_code",
							"sample_size",
							"trace_serial",
						]) {
							if (values[field] !== null && values[field] !== undefined) doc[field] = values[field];
						}
						frappe.set_route("Form", "Quality Inspection", doc.name);
						resolve(values);
					})
				)
		);
};

// The Work Order's Traceability → Inspect Units: scan a unit of the run, its inspection opens.
assetblaze_trace.inspect_by_scanning = function (work_order) {
	const dialog = new frappe.ui.Dialog({
		title: __("Inspect Units of {0}", [work_order]),
		fields: [
			{
				fieldname: "scan",
				fieldtype: "Data",
				options: "Barcode",
				label: __("Scan a Unit"),
				description: __("Scan (or type) the label of a unit of this run: its Quality Inspection opens."),
			},
		],
	});
	let busy = false;
	const open = () => {
		const value = (dialog.get_value("scan") || "").trim();
		if (!value || busy) return;
		busy = true;
		assetblaze_trace
			.inspect(value, work_order)
			.then(() => dialog.hide())
			.finally(() => {
				busy = false;
				dialog.set_value("scan", "");
			});
	};
	dialog.fields_dict.scan.$input.on("keydown", (e) => {
		if (e.key === "Enter") {
			e.preventDefault();
			open();
		}
	});
	dialog.show();
	setTimeout(() => dialog.fields_dict.scan.$input.trigger("focus"), 300);
	return dialog;
};
