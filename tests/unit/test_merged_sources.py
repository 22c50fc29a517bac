"""One merged source line per section (issue 19, item 4): each publisher once, each dataset and period once, each
attribution text once; the parenthesised details are left to the full lines one click away."""
from components.footer import merged_source_line, source_line


def test_publishers_datasets_and_attributions_appear_once():
    pairs = [("imd2025_lsoa21", "2025"), ("census21_ts052", "2021"), ("imd2025_indicators_lsoa21", "2025"),
             ("imd2025_lsoa21", "2025"), ("population_census2021", "2021")]
    line = merged_source_line(pairs)
    assert line.startswith("Sources: Ministry of Housing, Communities and Local Government: ")
    assert line.count("Ministry of Housing") == 1 and line.count("Office for National Statistics") == 1
    assert line.count("English Indices of Deprivation 2025, File 7 (2025)") == 1
    assert "(scores, ranks, deciles)" not in line and "(scores, ranks, deciles)" in source_line("imd2025_lsoa21", "2025")
    assert line.count("Open Government Licence") == 1
    assert line.endswith("Contains public sector information licensed under the Open Government Licence v3.0.")
