from assetblaze_trace.floor.jinja import trace_zpl


def test_zpl_field_text_cannot_end_the_field_or_start_a_command():
	assert trace_zpl("SN-00042") == "SN-00042"
	assert trace_zpl("A^FS~JA_B") == "A_5EFS_7EJA_5FB"
	assert trace_zpl("two\nlines") == "two lines"
	assert trace_zpl(None) == ""
