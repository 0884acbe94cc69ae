"""Which traceability type and format an item uses: Item → Item Group (then its parents) → global.

The first tier holding a value wins. A blank value means "inherit"; ``None`` written out (the string)
is a value and stops inheritance, so a single item can opt out of a Serial item group.
"""

from __future__ import annotations

from dataclasses import dataclass

TRACE_TYPES = ("None", "Serial", "Batch")
TRACED_TYPES = ("Serial", "Batch")


@dataclass(frozen=True)
class Tier:
	"""One place a value can come from: ``kind`` is "Item", "Item Group" or "Global"."""

	kind: str
	name: str | None
	value: str | None


@dataclass(frozen=True)
class Resolved:
	value: str | None
	source: Tier | None  # None when no tier has a value

	@property
	def source_label(self) -> str:
		"""Where the value came from, e.g. ``Item Group Electronics``; empty when nothing resolved."""
		if not self.source:
			return ""
		if self.source.kind == "Global":
			return "Traceability Settings"
		return f"{self.source.kind} {self.source.name}"


def resolve(tiers: list[Tier]) -> Resolved:
	"""Return the first tier's value that is not blank, most specific tier first."""
	for tier in tiers:
		value = (tier.value or "").strip()
		if value:
			return Resolved(value, tier)
	return Resolved(None, None)


def build_tiers(
	item_code: str,
	item_value: str | None,
	group_chain: list[tuple[str, str | None]],
	global_value: str | None,
) -> list[Tier]:
	"""Tiers in resolution order. ``group_chain`` is the item's group first, then its ancestors."""
	tiers = [Tier("Item", item_code, item_value)]
	tiers += [Tier("Item Group", name, value) for name, value in group_chain]
	tiers.append(Tier("Global", None, global_value))
	return tiers
