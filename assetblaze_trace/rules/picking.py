"""Which units a shipment row gets: hand-picked ones first, then FIFO.

FIFO order: units reserved for the row's own Sales Order first, then unreserved units, oldest first
(by manufacture time, then by name so equal times are stable). Units reserved for another order are
never picked automatically. movements/shipments.py applies the same order in SQL (with row locks); this
module is its specification, tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
	name: str
	sales_order: str | None
	made_on: str  # sortable timestamp text
	qty: float = 1.0


def fifo_rank(candidate: Candidate, sales_order: str | None) -> tuple:
	"""Sort key: own order's reservations first, then free units; oldest first inside each."""
	own = bool(sales_order) and candidate.sales_order == sales_order
	return (0 if own else 1, candidate.made_on, candidate.name)


def is_auto_pickable(candidate: Candidate, sales_order: str | None) -> bool:
	return not candidate.sales_order or candidate.sales_order == sales_order


def fifo_pick(
	candidates: list[Candidate], sales_order: str | None, qty: float
) -> list[tuple[Candidate, float]]:
	"""Pick ``qty`` from ``candidates`` by FIFO; returns (candidate, qty taken) pairs.

	A batch portion may be taken in part (the last one picked); callers split it.
	Returns fewer than ``qty`` when not enough is pickable: the caller reports the shortfall.
	"""
	picked: list[tuple[Candidate, float]] = []
	remaining = qty
	for candidate in sorted(
		(c for c in candidates if is_auto_pickable(c, sales_order)),
		key=lambda c: fifo_rank(c, sales_order),
	):
		if remaining <= 1e-9:
			break
		take = min(candidate.qty, remaining)
		picked.append((candidate, take))
		remaining -= take
	return picked


def parse_serial_list(text: str | None) -> list[str]:
	"""The units typed or scanned into a row: one per line (commas also separate)."""
	if not text:
		return []
	out = []
	for line in text.replace(",", "\n").splitlines():
		line = line.strip()
		if line:
			out.append(line)
	return out


def duplicates(units: list[str]) -> list[str]:
	seen, dup = set(), []
	for unit in units:
		if unit in seen and unit not in dup:
			dup.append(unit)
		seen.add(unit)
	return dup
