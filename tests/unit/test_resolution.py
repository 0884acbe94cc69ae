from assetblaze_trace.rules.resolution import Tier, build_tiers, resolve


def tiers(item=None, groups=(), default=None):
	return build_tiers("WIDGET", item, list(groups), default)


def test_item_wins_over_group_and_global():
	r = resolve(tiers("None", [("Electronics", "Serial")], "Batch"))
	assert r.value == "None"
	assert r.source_label == "Item WIDGET"


def test_group_wins_over_global_when_item_is_blank():
	r = resolve(tiers("", [("Electronics", "Serial")], "Batch"))
	assert (r.value, r.source_label) == ("Serial", "Item Group Electronics")


def test_nearest_group_with_a_value_wins_up_the_tree():
	r = resolve(
		tiers(None, [("Phones", None), ("Electronics", "Serial"), ("All Item Groups", "Batch")], "None")
	)
	assert (r.value, r.source_label) == ("Serial", "Item Group Electronics")


def test_global_default_when_no_tier_has_a_value():
	r = resolve(tiers(None, [("Phones", " ")], "Batch"))
	assert (r.value, r.source_label) == ("Batch", "Traceability Settings")


def test_nothing_anywhere_resolves_to_nothing():
	r = resolve(tiers(None, [], None))
	assert r.value is None and r.source is None and r.source_label == ""


def test_order_of_tiers():
	t = tiers("a", [("g1", "b"), ("g2", "c")], "d")
	assert [x.kind for x in t] == ["Item", "Item Group", "Item Group", "Global"]
	assert resolve([Tier("Global", None, "x")]).value == "x"
