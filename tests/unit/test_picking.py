from assetblaze_trace.rules.picking import Candidate, duplicates, fifo_pick, is_expired, parse_serial_list


def c(name, so=None, made="2026-01-01 00:00:00", qty=1.0):
	return Candidate(name, so, made, qty)


def test_own_reservations_first_then_free_units_oldest_first():
	pool = [
		c("FREE-NEW", made="2026-03-01"),
		c("MINE-NEW", so="SO-1", made="2026-03-02"),
		c("FREE-OLD", made="2026-01-01"),
		c("MINE-OLD", so="SO-1", made="2026-02-01"),
	]
	picked = [p.name for p, _q in fifo_pick(pool, "SO-1", 3)]
	assert picked == ["MINE-OLD", "MINE-NEW", "FREE-OLD"]


def test_units_reserved_for_another_order_are_never_picked_automatically():
	pool = [c("OTHER", so="SO-2", made="2020-01-01"), c("FREE")]
	assert [p.name for p, _q in fifo_pick(pool, "SO-1", 2)] == ["FREE"]
	assert [p.name for p, _q in fifo_pick(pool, None, 2)] == ["FREE"]


def test_equal_times_are_ordered_by_name():
	pool = [c("B"), c("A"), c("C")]
	assert [p.name for p, _q in fifo_pick(pool, None, 2)] == ["A", "B"]


def test_a_lot_portion_is_taken_in_part():
	pool = [c("LOT-1", qty=5, made="2026-01-01"), c("LOT-2", qty=5, made="2026-01-02")]
	assert [(p.name, q) for p, q in fifo_pick(pool, None, 7)] == [("LOT-1", 5), ("LOT-2", 2)]


def test_shortfall_returns_what_there_is():
	assert sum(q for _p, q in fifo_pick([c("A"), c("B")], None, 5)) == 2


def test_parse_serial_list_and_duplicates():
	assert parse_serial_list(" A \n\nB,C\n") == ["A", "B", "C"]
	assert parse_serial_list(None) == []
	assert duplicates(["A", "B", "A", "A", "C", "B"]) == ["A", "B"]


# ------------------------------------------------------------------------------------------- FEFO, expiry


def e(name, expires=None, so=None, made="2026-01-01 00:00:00", qty=1.0):
	return Candidate(name, so, made, qty, expires)


def test_fefo_takes_the_first_to_expire_then_the_oldest_and_units_without_a_date_last():
	pool = [
		e("NO-DATE-OLD", None, made="2025-01-01"),
		e("LATE", "2027-06-01", made="2025-02-01"),
		e("SOON-NEW", "2027-01-01", made="2026-05-01"),
		e("SOON-OLD", "2027-01-01", made="2026-04-01"),
	]
	order = [p.name for p, _q in fifo_pick(pool, None, 4, "FEFO", "2026-12-05")]
	assert order == ["SOON-OLD", "SOON-NEW", "LATE", "NO-DATE-OLD"]
	fifo = [p.name for p, _q in fifo_pick(pool, None, 4, "FIFO", "2026-12-05")]
	assert fifo == ["NO-DATE-OLD", "LATE", "SOON-OLD", "SOON-NEW"]


def test_an_expired_unit_is_never_picked_and_is_good_on_its_expiry_day():
	pool = [e("GONE", "2026-12-04"), e("LAST-DAY", "2026-12-05"), e("LATER", "2027-01-01")]
	for order in ("FIFO", "FEFO"):
		picked = [p.name for p, _q in fifo_pick(pool, None, 3, order, "2026-12-05")]
		assert "GONE" not in picked and picked[0] == "LAST-DAY"
		assert is_expired(pool[0], "2026-12-05") and not is_expired(pool[1], "2026-12-05")


def test_fefo_keeps_the_orders_own_reservations_first():
	pool = [e("FREE-SOON", "2026-12-10"), e("MINE-LATE", "2027-12-10", so="SO-1")]
	assert [p.name for p, _q in fifo_pick(pool, "SO-1", 2, "FEFO", "2026-12-05")] == [
		"MINE-LATE",
		"FREE-SOON",
	]
