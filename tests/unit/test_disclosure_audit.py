"""The LP disclosure audit (issue 13): for every "[c]" in a published upload table, the smallest and largest
value consistent with everything a reader can know -- every figure shown, the reasons shown, and every
LSOA -> ward -> committee -> Leeds total -- computed here by linear programming (scipy), independently of
metrics.suppression. The rule (protection interval, Handbook on SDC ch. 4): a hidden small count x must
be consistent with 1 (lower protection level x - 1) and with the threshold (upper protection level
threshold - x). Fake areas only (E059.../E019... are not real codes)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from components.user_upload_view import table_for_display
from data.user_upload import IndicatorOptions, Reference, read_upload
from tests.unit.fake_places import fake_codes, fake_reference
from metrics.user_upload import make_indicator

WARDS, COMMITTEE, LSOAS, WARD_OF = fake_codes(6, 3)          # 6 wards, committees of 2, 3 LSOAs per ward


@pytest.fixture(scope="module")
def ref() -> Reference:
    return fake_reference(6, 3)


def publish(ref: Reference, counts: dict[str, int], threshold: int = 5) -> tuple[pd.DataFrame, str, str]:
    """The table the page shows (and exports), its level, and its notices (which name any total that
    must not be published)."""
    body = "code,n\n" + "".join(f"{code},{value}\n" for code, value in counts.items())
    upload = read_upload(body.encode(), "a.csv", ref)
    ind = make_indicator(upload, IndicatorOptions("n", threshold=threshold), ref)
    return table_for_display(ind), ind.level, " ".join(ind.notices)


def audit(published: pd.DataFrame, truth: dict[str, int], level: str, threshold: int,
          notices: str = "") -> dict[str, tuple]:
    """Feasible (min, max) of each hidden cell over the published table and every published total."""
    shown = published.set_index("Code")
    value_column = [c for c in shown.columns if c not in ("Area", "Hidden because")][0]
    hidden = [c for c in shown.index if shown.at[c, value_column] == "[c]"]
    reasons = shown["Hidden because"]
    if reasons[hidden].nunique() > 1:                              # the page tells the small ones apart
        small = _small_reason(reasons[hidden])
        bounds = [(1, threshold - 1) if reasons[c] == small else (threshold, None) for c in hidden]
    else:                                                          # zeros are shown, so hidden means >= 1
        bounds = [(1, None)] * len(hidden)
    ward = {c: (WARD_OF[c] if level == "lsoa21" else c) for c in truth}
    names = dict(zip(WARDS, (f"Fake ward {i}" for i in range(6))))
    groups = {f"{names[w]} ward": [c for c in truth if ward[c] == w] for w in WARDS} if level == "lsoa21" else {}
    groups |= {f"{k} committee": [c for c in truth if COMMITTEE[ward[c]] == k] for k in set(COMMITTEE.values())}
    groups["Leeds"] = list(truth)
    listed = notices.split("Do not publish totals for:")[1].split(" (a hidden count")[0] if "Do not publish" in notices \
        else ""
    unpublished = {part.strip() for part in listed.split(",") if part.strip()}
    rows, rhs = [], []
    for name, members in groups.items():
        if name in unpublished:
            continue                                               # the page says this total is not published
        row = [1.0 if c in members else 0.0 for c in hidden]
        if any(row):
            rows.append(row)
            rhs.append(sum(truth[c] for c in members) - sum(int(shown.at[c, value_column]) for c in members
                                                                   if c not in hidden))
    out = {}
    for i, code in enumerate(hidden):
        objective = np.eye(len(hidden))[i]
        low = linprog(objective, A_eq=rows or None, b_eq=rhs or None, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=rows or None, b_eq=rhs or None, bounds=bounds, method="highs")
        out[code] = (round(low.fun, 6), round(-high.fun, 6) if high.status == 0 else np.inf)
    return out


def _small_reason(reasons: pd.Series) -> str:
    return next(r for r in reasons if "mall" in r and "cannot" not in r)


def assert_protected(ref, truth: dict[str, int], threshold: int = 5) -> dict[str, tuple]:
    published, level, notices = publish(ref, truth, threshold)
    intervals = audit(published, truth, level, threshold, notices)
    for code, value in truth.items():
        if 1 <= value < threshold:
            low, high = intervals[code]                            # KeyError: a small count was shown
            assert low <= 1 and high >= threshold, (code, value, (low, high))
    return intervals


def test_two_wards_at_one_cannot_be_recovered_from_the_leeds_total(ref):
    truth = dict(zip(WARDS, [1, 30, 1, 40, 50, 60]))               # in different committees
    intervals = assert_protected(ref, truth)
    assert len(intervals) >= 3                                     # more cells hidden to protect them


def test_a_committee_of_only_small_wards_is_named_as_a_total_not_to_publish(ref):
    truth = dict(zip(WARDS, [1, 1, 30, 40, 50, 60]))               # committee-1 = 2: no hiding can help
    published, level, notices = publish(ref, truth)
    assert "Do not publish totals for: committee-1 committee" in notices
    assert_protected(ref, truth)                                   # protected once those totals stay unpublished


def test_lsoas_at_one_cannot_be_recovered_from_their_ward_total(ref):
    truth = dict(zip(LSOAS, [1, 1, 9] + [20 + i for i in range(15)]))
    assert_protected(ref, truth)


def test_a_pair_of_one_and_five_is_not_a_unique_decomposition(ref):
    truth = dict(zip(WARDS, [1, 5, 30, 40, 50, 60]))
    intervals = assert_protected(ref, truth)
    published, _, _ = publish(ref, truth)
    assert published["Hidden because"].replace("", np.nan).dropna().nunique() == 1   # no small/other split
    assert intervals[WARDS[0]][1] >= 5


@pytest.mark.parametrize("threshold", [3, 5, 10])
@pytest.mark.parametrize("seed", range(8))
def test_random_lsoa_tables_pass_the_audit_at_every_level(ref, seed, threshold):
    rng = np.random.default_rng(seed)
    values = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40], size=len(LSOAS), p=[.1, .15, .1, .1, .1, .1, .15, .1, .1])
    assert_protected(ref, dict(zip(LSOAS, (int(v) for v in values))), threshold)


def test_random_ward_tables_pass_the_audit(ref):
    rng = np.random.default_rng(99)
    for _ in range(10):
        values = rng.choice([0, 1, 2, 4, 5, 7, 30], size=len(WARDS))
        assert_protected(ref, dict(zip(WARDS, (int(v) for v in values))))
