"""Finding serials by any part of their string, in logarithmic time: a table of every suffix of every serial.

A fragment occurs in a serial exactly when it begins one of the serial's suffixes, so ``suffix LIKE 'frag%'``
on the primary key (suffix, record) is a range read that returns exactly the records holding the fragment —
however many records the site has (a scan of the serial index took 2 s at 10 million). Suffixes are stored from
3 characters up, whole (a serial's suffixes all differ in length, so the key never repeats).

Writing 12 suffix rows per unit inside a completion would triple its time, so the units are indexed just after:
the completion adds ONE row to ``tabTrace Suffix Queue`` (the serial range, or the names) in its own
transaction — never lost, never early — and a background job (enqueued after commit, and every few minutes
by the scheduler as a safety net) writes the suffixes and clears the row. Until then a search also checks the
queued units directly: they are the last moments of production, so the search stays complete and fast.
"""

from __future__ import annotations

import json

import frappe

from assetblaze_trace.services.db import as_json, json_names, json_rows_supported

SUFFIXES = "tabTrace Serial Suffix"
QUEUE = "tabTrace Suffix Queue"
MIN_FRAGMENT = 3  # shorter fragments are in most serials: the caller scans (it stops at its cap at once)
WIDTH = 140  # a serial's whole length (serial_no is VARCHAR(140)): suffixes are never cut, so never repeat
JOB_ID = "assetblaze_trace_index_fragments"
BATCH = 20_000  # records per statement when indexing


def supported() -> bool:
	return json_rows_supported()


def ensure_tables() -> None:
	if not supported():
		return
	frappe.db.sql_ddl(
		f"""CREATE TABLE IF NOT EXISTS `{SUFFIXES}` (
			suffix VARCHAR({WIDTH}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
			name VARCHAR(140) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
			PRIMARY KEY (suffix, name)
		) ENGINE=InnoDB"""
	)
	width = frappe.db.sql(
		"""SELECT character_maximum_length FROM information_schema.columns WHERE table_schema = DATABASE()
		AND table_name = %s AND column_name = 'suffix'""",
		SUFFIXES,
	)
	if width and int(width[0][0]) < WIDTH:  # a table made by an earlier development build cut suffixes at 32
		frappe.db.sql_ddl(
			f"ALTER TABLE `{SUFFIXES}` MODIFY suffix VARCHAR({WIDTH}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
		)
	frappe.db.sql_ddl(
		f"""CREATE TABLE IF NOT EXISTS `{QUEUE}` (
			id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
			spec LONGTEXT NOT NULL,
			units INT NOT NULL,
			queued DATETIME(6) NOT NULL
		) ENGINE=InnoDB"""
	)


# --------------------------------------------------------------------------------------------- writing


def queue(names: list[str] | None = None, serial_range=None):
	"""Units to index: ``names`` or a ``serial_range`` just made. One row, in the caller's transaction; the job
	runs after its commit."""
	if not supported():
		return
	if serial_range is not None:
		spec = {
			"range": {
				"head": serial_range.head,
				"tail": serial_range.tail,
				"padding": serial_range.padding,
				"first": int(serial_range.first),
				"last": int(serial_range.last),
			}
		}
		units = int(serial_range.last) - int(serial_range.first) + 1
	elif names:
		spec, units = {"names": list(names)}, len(names)
	else:
		return
	frappe.db.sql(
		f"INSERT INTO `{QUEUE}` (spec, units, queued) VALUES (%s, %s, NOW(6))", (json.dumps(spec), units)
	)
	frappe.db.after_commit.add(enqueue)


def enqueue() -> None:
	"""The indexing job, once (a job already queued or running is enough)."""
	if frappe.flags.in_test or frappe.flags.in_migrate or frappe.flags.in_install:
		return  # tests index explicitly; a migration's patch runs the indexing itself
	try:
		frappe.enqueue(
			"assetblaze_trace.services.fragments.index_queue",
			queue="short",
			job_id=f"{JOB_ID}:{frappe.local.site}",
			deduplicate=True,
			enqueue_after_commit=False,
		)
	except Exception:
		# no Redis right now: the scheduler's run (hooks, every few minutes) picks the queue up
		frappe.log_error("AssetBlaze Trace: could not enqueue fragment indexing")


def _units_of(spec: dict) -> tuple[str, dict]:
	"""A FROM clause giving ``r`` = the Serial Records of a queue row, and its parameters."""
	if "range" in spec:
		rng = spec["range"]
		first, last = int(rng["first"]), int(rng["last"])
		serial = "CONCAT(%(head)s, LPAD(s.seq, GREATEST(%(padding)s, LENGTH(s.seq)), '0'), %(tail)s)"
		return (
			f"seq_{first}_to_{last} s STRAIGHT_JOIN `tabSerial Record` r ON r.name = {serial}",
			{"head": rng["head"], "tail": rng["tail"], "padding": rng["padding"]},
		)
	if "names" in spec:
		return f"{json_names()} STRAIGHT_JOIN `tabSerial Record` r ON r.name = j.name", {
			"names": as_json(spec["names"])
		}
	return (
		"`tabSerial Record` r",
		{
			"after": spec.get("after") or "",
			"upto": spec["upto"],
			"_where": "r.name > %(after)s AND r.name <= %(upto)s",
		},
	)


def write_suffixes(spec: dict) -> None:
	source, values = _units_of(spec)
	where = values.pop("_where", "1=1")
	if "range" in spec and int(spec["range"]["last"]) - int(spec["range"]["first"]) >= BATCH:
		rng = spec["range"]
		for lo in range(int(rng["first"]), int(rng["last"]) + 1, BATCH):
			part = {**spec, "range": {**rng, "first": lo, "last": min(lo + BATCH - 1, int(rng["last"]))}}
			write_suffixes(part)
		return
	if "names" in spec and len(spec["names"]) > BATCH:
		for i in range(0, len(spec["names"]), BATCH):
			write_suffixes({"names": spec["names"][i : i + BATCH]})
		return
	frappe.db.sql(
		f"""INSERT IGNORE INTO `{SUFFIXES}` (suffix, name)
		SELECT SUBSTRING(r.serial_no, p.seq), r.name
		FROM {source} JOIN seq_1_to_140 p ON p.seq <= CHAR_LENGTH(r.serial_no) - {MIN_FRAGMENT - 1}
		WHERE {where} AND r.serial_no IS NOT NULL
		ORDER BY 1, 2""",
		values,
	)


def index_queue(max_rows: int | None = None, commit: bool = True) -> int:
	"""Write the suffixes of the queued units, oldest first, one queue row per transaction (a job; also the
	scheduler's safety net; tests pass ``commit=False``). Returns how many queue rows it cleared."""
	if not supported():
		return 0
	done = 0
	while max_rows is None or done < max_rows:
		row = frappe.db.sql(f"SELECT id, spec FROM `{QUEUE}` ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED")
		if not row:
			break
		queue_id, spec = row[0]
		write_suffixes(json.loads(spec))
		frappe.db.sql(f"DELETE FROM `{QUEUE}` WHERE id = %s", queue_id)
		if commit:
			frappe.db.commit()  # a job's own unit of work
		done += 1
	return done


def backfill(chunk: int = 100_000, commit: bool = True) -> int:
	"""Index every existing record (the migration patch), in name ranges of ``chunk`` (bounded memory; safe to
	re-run: suffixes are written with INSERT IGNORE). When the index is empty (a site from before it) the
	suffixes are first written unindexed, then sorted into the primary key once and swapped in (ten million
	records make 120 million suffixes: inserting them one by one into the index is many times slower). Returns
	the records indexed."""
	if commit:
		ensure_tables()
	if commit and not frappe.db.sql(f"SELECT 1 FROM `{SUFFIXES}` LIMIT 1"):
		return _build_from_scratch(chunk)
	total = 0
	for after, upto, n in _name_ranges(chunk):
		write_suffixes({"after": after, "upto": upto})
		total += n
		if commit:
			frappe.db.commit()
	return total


def _name_ranges(chunk: int):
	last = ""
	while True:
		upto, n = frappe.db.sql(
			"SELECT MAX(name), COUNT(*) FROM (SELECT name FROM `tabSerial Record` WHERE name > %s ORDER BY name "
			"LIMIT %s) c",
			(last, chunk),
		)[0]
		if not n:
			return
		yield last, upto, n
		last = upto


def _build_from_scratch(chunk: int) -> int:
	build = SUFFIXES + " Build"
	frappe.db.sql_ddl(f"DROP TABLE IF EXISTS `{build}`")
	frappe.db.sql_ddl(
		f"""CREATE TABLE `{build}` (
			suffix VARCHAR({WIDTH}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
			name VARCHAR(140) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL
		) ENGINE=InnoDB"""
	)
	total = 0
	for after, upto, n in _name_ranges(chunk):
		frappe.db.sql(
			f"""INSERT INTO `{build}` (suffix, name)
			SELECT SUBSTRING(r.serial_no, p.seq), r.name
			FROM `tabSerial Record` r JOIN seq_1_to_140 p ON p.seq <= CHAR_LENGTH(r.serial_no) - {MIN_FRAGMENT - 1}
			WHERE r.name > %s AND r.name <= %s AND r.serial_no IS NOT NULL""",
			(after, upto),
		)
		frappe.db.commit()
		total += n
	# one sorted build of the key (in place: InnoDB sorts the rows and loads the index in order), then swap
	frappe.db.sql_ddl(f"ALTER TABLE `{build}` ADD PRIMARY KEY (suffix, name), ALGORITHM=INPLACE")
	frappe.db.sql_ddl(f"RENAME TABLE `{SUFFIXES}` TO `{SUFFIXES} Old`, `{build}` TO `{SUFFIXES}`")
	frappe.db.sql_ddl(f"DROP TABLE `{SUFFIXES} Old`")
	index_queue()  # what completions queued meanwhile is indexed as usual
	return total


# --------------------------------------------------------------------------------------------- reading


def matching(fragment: str, cap: int) -> list[str] | None:
	"""Records whose serial holds ``fragment`` (as typed or in upper case), at most ``cap``; None when the
	fragment is too short for the index (the caller scans)."""
	if not supported() or len(fragment) < MIN_FRAGMENT:
		return None
	found: list[str] = []
	for variant in dict.fromkeys([fragment, fragment.upper()]):
		key = variant.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
		found += frappe.db.sql(  # suffixes are whole: a prefix of one is exactly an occurrence
			f"SELECT DISTINCT name FROM `{SUFFIXES}` WHERE suffix LIKE %s LIMIT {int(cap)}",
			key + "%",
			pluck=True,
		)
		found += queued_matching(variant, cap)
	return list(dict.fromkeys(found))[:cap]


def queued_matching(fragment: str, cap: int) -> list[str]:
	"""Queued (not yet indexed) records holding ``fragment``: checked one by one, they are few."""
	out: list[str] = []
	for (spec,) in frappe.db.sql(f"SELECT spec FROM `{QUEUE}` ORDER BY id"):
		source, values = _units_of(json.loads(spec))
		where = values.pop("_where", "1=1")
		out += frappe.db.sql(
			f"SELECT r.name FROM {source} WHERE {where} AND LOCATE(%(fragment)s, r.serial_no) > 0 LIMIT {int(cap)}",
			{**values, "fragment": fragment},
			pluck=True,
		)
		if len(out) >= cap:
			break
	return out


def pending_units() -> int:
	return frappe.db.sql(f"SELECT COALESCE(SUM(units), 0) FROM `{QUEUE}`")[0][0] if supported() else 0
