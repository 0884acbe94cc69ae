"""Which units a shipment row gets: hand-picked ones first, then FIFO or FEFO.

FIFO order: units reserved for the row's own Sales Order first, then unreserved units, oldest first
(by manufacture time, then by name so equal times are stable). FEFO (Traceability Settings *Picking Order*):
inside each of those, the units that expire first, then the oldest; units without an expiry date after every
unit that has one. Under either order an expired unit (its expiry date before the day of the pick) is never
picked automatically. Units reserved for another order are never picked automatically. movements/order.py
applies the same order in SQL (with row locks); this module is its specification, tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
	name: str
	sales_order: str | None
	made_on: str  # sortable timestamp text
	qty: float = 1.0
	expires_on: str | None = None  # ISO date text; None: does not expire


FIFO, FEFO = "FIFO", "FEFO"
PICKING_ORDERS = (FIFO, FEFO)


def is_expired(candidate: Candidate, today: str) -> bool:
	"""Expired once its expiry date has passed: a unit is still good on the day it expires."""
	return bool(candidate.expires_on) and candidate.expires_on < today


def fifo_rank(candidate: Candidate, sales_order: str | None, order: str = FIFO) -> tuple:
	"""Sort key: own order's reservations first, then free units; inside each the oldest first (FIFO), or the
	first to expire, then the oldest (FEFO; no expiry date sorts after every date)."""
	own = bool(sales_order) and candidate.sales_order == sales_order
	if order == FEFO:
		no_expiry = candidate.expires_on is None
		return (0 if own else 1, no_expiry, candidate.expires_on or "", candidate.made_on, candidate.name)
	return (0 if own else 1, candidate.made_on, candidate.name)


def is_auto_pickable(candidate: Candidate, sales_order: str | None, today: str | None = None) -> bool:
	if today and is_expired(candidate, today):
		return False
	return not candidate.sales_order or candidate.sales_order == sales_order


def fifo_pick(
	candidates: list[Candidate],
	sales_order: str | None,
	qty: float,
	order: str = FIFO,
	today: str | None = None,
) -> list[tuple[Candidate, float]]:
	"""Pick ``qty`` from ``candidates`` in picking ``order`` (FIFO or FEFO), never an expired one (given
	``today``); returns (candidate, qty taken) pairs.

	A batch portion may be taken in part (the last one picked); callers split it.
	Returns fewer than ``qty`` when not enough is pickable: the caller reports the shortfall.
	"""
	picked: list[tuple[Candidate, float]] = []
	remaining = qty
	for candidate in sorted(
		(c for c in candidates if is_auto_pickable(c, sales_order, today)),
		key=lambda c: fifo_rank(c, sales_order, order),
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
