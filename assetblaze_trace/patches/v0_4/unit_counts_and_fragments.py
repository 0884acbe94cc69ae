"""Ten million units: the kept counts per item / Work Order / Sales Order and the serial suffix index, built for
the records a site already has. Both run in chunks of record names (bounded memory, a commit per chunk) and
are safe to re-run: the counts start from an empty table, the suffixes are written with INSERT IGNORE (a first
build writes them unindexed and then sorts them into the index once: far faster than 120 million inserts into
an index)."""

import frappe

from assetblaze_trace.services import counts, fragments


def execute():
	counts.ensure_table()
	fragments.ensure_tables()
	units = counts.rebuild(
		progress=lambda n: print(f"  counted {n:,} units", flush=True) if n % 1_000_000 < 50_000 else None
	)
	print(f"AssetBlaze Trace: counts kept for {units:,} units", flush=True)
	queued = fragments.backfill()
	print(f"AssetBlaze Trace: suffix index written for {queued:,} units", flush=True)
	frappe.db.commit()
