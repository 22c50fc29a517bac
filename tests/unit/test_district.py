"""BCA_DISTRICT (issue 17 item 4): one setting names the home district; Leeds stays the default."""
import pytest

from data.catalogue import cities_config_for, home_district, load_areas, load_cities_config
from data.settings import DataError, DEFAULT_DISTRICT, processed_dir, REPO_ROOT
from data.store import catalogue_fingerprint

MANCHESTER = {"code": "E08000003", "name": "Manchester", "region_code": "E12000002", "region_name": "North West"}


def test_default_is_leeds_as_areas_yaml_says(monkeypatch):
    monkeypatch.delenv("BCA_DISTRICT", raising=False)
    monkeypatch.delenv("BCA_PROCESSED_DIR", raising=False)
    assert home_district() == DEFAULT_DISTRICT == load_areas().leeds.code
    assert processed_dir() == REPO_ROOT / "data" / "processed"


def test_another_district_has_its_own_store_folder_and_fingerprint(monkeypatch):
    monkeypatch.delenv("BCA_PROCESSED_DIR", raising=False)
    monkeypatch.delenv("BCA_DISTRICT", raising=False)
    leeds = catalogue_fingerprint()
    monkeypatch.setenv("BCA_DISTRICT", DEFAULT_DISTRICT)
    assert catalogue_fingerprint() == leeds and processed_dir() == REPO_ROOT / "data" / "processed"
    monkeypatch.setenv("BCA_DISTRICT", "E08000003")
    assert home_district() == "E08000003"
    assert processed_dir() == REPO_ROOT / "data" / "processed-E08000003" and catalogue_fingerprint() != leeds


@pytest.mark.parametrize("bad", ["leeds", "E0800003", "W06000015", "../E08000003", "E08000003;rm"])
def test_a_malformed_district_is_refused_with_a_sentence(monkeypatch, bad):
    monkeypatch.setenv("BCA_DISTRICT", bad)
    with pytest.raises(DataError, match="must be an English district code"):
        home_district()
    monkeypatch.delenv("BCA_PROCESSED_DIR", raising=False)
    assert processed_dir().name == "processed"


def test_another_districts_core_cities_are_the_other_seven_with_leeds():
    config = load_cities_config()
    other = cities_config_for(config, MANCHESTER)
    assert other["home"] == {"code": "E08000003", "name": "Manchester"} and other["region"]["name"] == "North West"
    assert len(other["core_cities"]) == 7 and "E08000035" in other["core_cities"] and "E08000003" not in other["core_cities"]
    assert cities_config_for(config, None) is config and config["home"]["code"] == "E08000035"   # not changed
