"""Tests of ra.assessment: framework structures, template loader, profile, needs, evaluation.

All scores used here belong to "Example City (fictional)" or to throw-away variants of it.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from resilience_analytics import assessment as A
from resilience_analytics.errors import DataFileError, FrameworkError, ParameterError

PER_ESSENTIAL = {"E1": 3, "E2": 5, "E3": 4, "E4": 4, "E5": 3, "E6": 6, "E7": 4, "E8": 9,
                 "E9": 7, "E10": 2}


# ---------------------------------------------------------------- frameworks
def test_preliminary_structure_matches_published_counts():
    fw = A.framework("preliminary")
    assert (fw["level"] == "essential").sum() == 10
    assert (fw["level"] == "item").sum() == 47
    it = A.items("preliminary")
    assert it.groupby("group", sort=False).size().to_dict() == PER_ESSENTIAL
    assert set(it["scale_min"]) == {0} and set(it["scale_max"]) == {3}
    # codes follow P<essential>.<n> with n = 1..count
    for code, grp in it["group"].items():
        e, n = code[1:].split(".")
        assert f"E{e}" == grp and 1 <= int(n) <= PER_ESSENTIAL[grp]


def test_cri_structure_4_12_52():
    fw = A.framework("cri")
    assert fw["level"].value_counts().to_dict() == {"indicator": 52, "goal": 12, "dimension": 4}
    goals = fw[fw["level"] == "goal"]
    assert goals.groupby("parent").size().to_dict() == {"HW": 3, "ES": 3, "IE": 3, "LS": 3}
    it = A.items("cri")
    assert it.loc["7.4", "group"] == "G7" and it.loc["12.4", "group"] == "G12"
    # the codes we could not check are flagged, not hidden
    assert sorted(it.index[~it["verified"]]) == ["10.2", "10.3", "2.5", "8.3", "8.4"]


def test_detailed_level_stores_essentials_only_and_says_why():
    fw = A.framework("detailed")
    assert len(fw) == 10 and set(fw["scale_max"]) == {5}
    with pytest.raises(FrameworkError, match="117"):
        A.items("detailed")
    with pytest.raises(FrameworkError, match="could not be verified"):
        A.load_assessment(A.example_path("before"), level="detailed")


def test_labels_are_short_own_words():
    for level in ("preliminary", "cri"):
        labels = A.framework(level)["label"]
        assert labels.str.len().max() <= 70
        assert not labels.str.contains(r"\?").any()  # no questions copied


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: pd.concat([d, d.iloc[[12]]]), "duplicated code"),
        (lambda d: d.assign(parent=d["parent"].replace({"E8": "E11"})), "unknown parent"),
        (lambda d: d[d["code"] != "P8.9"], "47"),
        (lambda d: d.assign(scale_max=d["scale_min"]), "scale_min must be below"),
        (lambda d: d.assign(level=d["level"].replace({"item": "question"})), "unknown hierarchy"),
    ],
)
def test_validate_framework_rejects_inconsistent_tables(mutate, message):
    fw = A.framework("preliminary")
    with pytest.raises(FrameworkError, match=message):
        A.validate_framework(mutate(fw), level="preliminary")


def test_unknown_level_is_a_parameter_error():
    with pytest.raises(ParameterError, match="'preliminary'"):
        A.framework("scorecard")


# ---------------------------------------------------------------- templates and loader
def test_empty_template_roundtrip_csv_and_xlsx(tmp_path):
    for name in ("t.csv", "t.xlsx"):
        p = A.write_template(tmp_path / name, city=A.EXAMPLE_CITY, date="2024-01-31")
        a = A.load_assessment(p)
        assert a.city == A.EXAMPLE_CITY and a.date == pd.Timestamp("2024-01-31")
        assert a.n_missing == 47 and a.scores.isna().all()
        assert a.missing_by_essential.to_dict() == PER_ESSENTIAL
        assert set(a.gaps["reason"]) == {"no score"}


def test_xlsx_template_checks_scores_against_the_scale(tmp_path):
    from openpyxl import load_workbook

    p = A.write_template(tmp_path / "cri.xlsx", level="cri")
    wb = load_workbook(p)
    dv = wb["assessment"].data_validations.dataValidation[0]
    assert (dv.type, dv.formula1, dv.formula2) == ("whole", "1", "5")
    assert "I2:I53" in str(dv.sqref)
    assert "README" in wb.sheetnames


def _filled(tmp_path, edit, name="f.csv"):
    df = pd.read_csv(A.example_path("after"), dtype=str, keep_default_na=False)
    df = edit(df)
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


def test_score_outside_scale_names_code_row_value_and_range(tmp_path):
    p = _filled(tmp_path, lambda d: d.assign(score=d["score"].where(d["code"] != "P8.2", "4")))
    with pytest.raises(DataFileError) as exc:
        A.load_assessment(p)
    msg = str(exc.value)
    row = 2 + list(A.items("preliminary").index).index("P8.2")
    assert f"row {row}, item P8.2: score '4' is outside the accepted range 0–3" in msg


def test_non_integer_and_text_scores_are_refused(tmp_path):
    def edit(d):
        d.loc[d["code"] == "P1.1", "score"] = "2.5"
        d.loc[d["code"] == "P1.2", "score"] = "high"
        return d

    with pytest.raises(DataFileError) as exc:
        A.load_assessment(_filled(tmp_path, edit))
    assert "item P1.1: score '2.5' is not a whole number" in str(exc.value)
    assert "item P1.2: score 'high' is not a whole number" in str(exc.value)
    assert "2 problem(s)" in str(exc.value)


def test_on_error_gap_keeps_loading_and_reports_the_reason(tmp_path):
    p = _filled(tmp_path, lambda d: d.assign(score=d["score"].where(d["code"] != "P9.1", "7")))
    a = A.load_assessment(p, on_error="gap")
    assert np.isnan(a.scores["P9.1"])
    gap = a.gaps.set_index("code").loc["P9.1"]
    assert gap["group"] == "E9" and gap["value"] == "7" and "0–3" in gap["reason"]
    assert int(a.missing_by_essential["E9"]) == 1


def test_unknown_code_and_duplicate_item(tmp_path):
    def edit(d):
        d.loc[d["code"] == "P10.2", "code"] = "P10.3"
        return pd.concat([d, d[d["code"] == "P2.1"]], ignore_index=True)

    with pytest.raises(DataFileError) as exc:
        A.load_assessment(_filled(tmp_path, edit))
    msg = str(exc.value)
    assert "row 48: unknown item code 'P10.3'" in msg
    assert "row 49: item P2.1 is duplicated (first at row 5)" in msg


def test_level_mismatch_declared_and_by_codes(tmp_path):
    p = A.write_template(tmp_path / "cri.csv", level="cri")
    with pytest.raises(DataFileError, match="level mismatch: the template declares level 'cri'"):
        A.load_assessment(p, level="preliminary")
    # the level column blanked: the CRI codes still give it away
    q = _filled(tmp_path, lambda d: d, name="x.csv")
    t = pd.read_csv(p, dtype=str, keep_default_na=False).assign(level="")
    t.to_csv(q, index=False)
    with pytest.raises(DataFileError, match="belong to level 'cri'"):
        A.load_assessment(q, level="preliminary")


def test_conflicting_city_names_are_refused(tmp_path):
    def edit(d):
        d.loc[d["code"] == "P4.1", "city"] = "Other City (fictional)"
        return d

    with pytest.raises(DataFileError, match="column 'city' holds different values"):
        A.load_assessment(_filled(tmp_path, edit))


def test_city_and_date_in_first_row_only_are_enough(tmp_path):
    def edit(d):
        d.loc[d.index[1:], ["city", "date"]] = ""
        return d

    a = A.load_assessment(_filled(tmp_path, edit))
    assert a.city == A.EXAMPLE_CITY and a.date == pd.Timestamp("2025-04-10")


def test_partial_template_reports_gaps_never_zero():
    a = A.example_assessment("before")
    assert a.n_missing == 2
    assert a.gaps["code"].tolist() == ["P3.3", "P5.3"]
    assert a.gaps["row"].tolist() == [12, 20]
    assert a.missing_by_essential[a.missing_by_essential > 0].to_dict() == {"E3": 1, "E5": 1}
    p = A.profile(a)
    # the mean over the three answered E3 items, not over four with a zero
    answered = a.scores[["P3.1", "P3.2", "P3.4"]]
    assert p.loc["E3", "mean"] == pytest.approx(answered.mean())
    assert p.loc["E3", "mean"] > a.scores[["P3.1", "P3.2", "P3.4"]].sum() / 4


def test_row_missing_from_template_is_a_gap(tmp_path):
    a = A.load_assessment(_filled(tmp_path, lambda d: d[d["code"] != "P6.5"]))
    gap = a.gaps.set_index("code").loc["P6.5"]
    assert gap["reason"] == "item missing from the template" and pd.isna(gap["row"])


def test_missing_file_and_columns(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        A.load_assessment(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"item": ["P1.1"], "value": [2]}).to_csv(bad, index=False)
    with pytest.raises(DataFileError, match="missing column 'code'"):
        A.load_assessment(bad)


# ---------------------------------------------------------------- profile and figure
def test_profile_invariants_and_weakest():
    a = A.example_assessment("before")
    p = A.profile(a)
    assert list(p.index) == list(PER_ESSENTIAL)
    assert (p["n_answered"] + p["n_missing"] == p["n_items"]).all()
    assert p["score_pct"].between(0, 100).all()
    w = A.weakest(a, n=3)
    assert list(w.index) == ["E8", "E5", "E3"]
    assert w["score_pct"].is_monotonic_increasing
    assert int(p.loc["E8", "rank_weakest"]) == 1


def test_cri_profile_by_goal(tmp_path):
    t = A.template("cri", city=A.EXAMPLE_CITY, date="2024-06-01")
    rng = np.random.default_rng(20161)
    t["score"] = rng.integers(1, 6, len(t))
    t.loc[t["group"] == "G9", "score"] = pd.NA
    p = tmp_path / "cri.csv"
    t.to_csv(p, index=False)
    a = A.load_assessment(p, level="cri")
    prof = A.profile(a)
    assert len(prof) == 12 and set(prof["dimension"]) == {"HW", "ES", "IE", "LS"}
    assert np.isnan(prof.loc["G9", "score_pct"]) and int(prof.loc["G9", "n_missing"]) == 4
    assert "G9" not in A.weakest(a, n=12).index


def test_plot_profile_bar_and_radar():
    import matplotlib

    matplotlib.use("Agg")
    a = A.example_assessment("before")
    fig = A.plot_profile(a, kind="bar", highlight=3)
    bars = fig.axes[0].patches
    assert len(bars) == 10
    red = [b for b in bars if b.get_facecolor()[0] > 0.7]
    assert len(red) == 3
    fig2 = A.plot_profile(a, kind="radar")
    assert fig2.axes[0].name == "polar"
    with pytest.raises(ParameterError, match="'radar'"):
        A.plot_profile(a, kind="pie")


# ---------------------------------------------------------------- gaps become needs
def test_needs_from_gaps_follow_the_needs_format():
    a = A.example_assessment("before")
    needs = A.needs_from_gaps(a, n=3)
    assert list(needs.columns[:8]) == ["entry_id", "city", "role", "theme", "description",
                                       "provider_type", "date", "source"]
    assert needs["entry_id"].is_unique
    assert set(needs["role"]) == {"need"} and set(needs["provider_type"]) == {"city"}
    assert set(needs["essential"]) == {8, 5, 3}
    themes = A.needs._themes().set_index("theme")["_ess"]  # private helper of assessment.needs
    for t, e in zip(needs["theme"], needs["essential"], strict=True):
        assert e in themes[t]
    assert needs["description"].str.contains("fictional|Essential", regex=True).all()


def test_themes_for_essential_specific_and_all():
    assert A.themes_for_essential("E8") == ["critical_infrastructure", "energy"]
    everything = A.themes_for_essential(8, specific=False)
    assert set(A.themes_for_essential(8)) < set(everything)
    with pytest.raises(ParameterError, match="1–10"):
        A.themes_for_essential(11)


def test_who_can_teach_refuses_the_fictional_city():
    with pytest.raises(ParameterError, match="fictional"):
        A.who_can_teach(A.example_assessment("before"), 8, kind="peers")


def test_capacities_for_essential_orientation():
    inform = pd.DataFrame({"physical_infrastructure": [6.0], "communication": [2.5],
                           "access_to_health_care": [0.0], "drr": [3.0], "governance": [4.0]},
                          index=pd.Index(["AAA"], name="iso3"))
    caps = A.capacities_for_essential(8, inform=inform)
    assert caps.loc["AAA", "inform_physical_infrastructure_capacity"] == 4.0
    assert caps.loc["AAA", "inform_access_to_health_care_capacity"] == 10.0
    with pytest.raises(ParameterError, match="Essential 5 has no"):
        A.capacities_for_essential(5, inform=inform)


# ---------------------------------------------------------------- crosswalk
def test_crosswalk_is_complete_and_documented():
    cw = A.crosswalk()
    assert set(cw["essential"]) == set(range(1, 11))
    assert set(cw["relation"]) <= {"direct", "partial", "weak"}
    assert cw["rationale"].str.len().min() > 20
    assert not cw.duplicated(["essential", "target_framework", "target_code"]).any()
    inform_e = set(cw.loc[cw["target_framework"] == "inform", "essential"])
    assert inform_e == set(range(1, 11)) - {5}


@pytest.mark.data
def test_crosswalk_inform_components_exist_in_inform_table():
    import resilience_analytics as ra

    inf = ra.countries.inform()
    cw = A.crosswalk()
    comps = set(cw.loc[cw["target_framework"] == "inform", "target_code"])
    assert comps <= set(inf.columns) | set(getattr(inf, "index", []).names or [])


@pytest.mark.data
def test_beside_external_uses_the_real_inform_values():
    import resilience_analytics as ra

    inf = ra.countries.inform()
    inf = inf.set_index("iso3") if "iso3" in inf.columns else inf
    b = A.beside_external(A.example_assessment("before"), country="NLD")
    row = b[(b["essential"] == 8) & (b["inform_component"] == "physical_infrastructure")].iloc[0]
    assert row["inform_value"] == pytest.approx(float(inf.loc["NLD", "physical_infrastructure"]))
    assert row["inform_capacity_pct"] == pytest.approx((10 - row["inform_value"]) * 10)
    assert b.loc[b["essential"] == 5, "inform_component"].isna().all()
    with pytest.raises(ParameterError, match="fictional"):
        A.beside_external(A.example_assessment("before"))
    with pytest.raises(ParameterError, match="'XXX' is not in the INFORM table"):
        A.beside_external(A.example_assessment("before"), country="XXX")


# ---------------------------------------------------------------- evaluation over time
def test_compare_is_paired_and_checks_its_inputs(tmp_path):
    b, a = A.example_assessment("before"), A.example_assessment("after")
    c = A.compare(b, a)
    # P5.3 answered only after: it does not count as progress
    assert int(c.loc["E5", "n_paired"]) == 2
    assert c.loc["E5", "change_pct"] == pytest.approx((a.scores["P5.1"] - b.scores["P5.1"]
                                                       + a.scores["P5.2"] - b.scores["P5.2"])
                                                      / 2 / 3 * 100)
    assert int(c.loc["E9", "items_down"]) == 1
    assert c.loc["E1", "change_pct"] == 0
    with pytest.raises(ParameterError, match="must be later"):
        A.compare(a, b)
    other = _filled(tmp_path, lambda d: d.assign(city="Other City (fictional)"))
    with pytest.raises(ParameterError, match="different cities"):
        A.compare(b, A.load_assessment(other))


def test_relate_to_exchanges_counts_only_the_city_between_the_dates():
    b, a = A.example_assessment("before"), A.example_assessment("after")
    log = pd.DataFrame({
        "exchange_id": ["f-early", "f-in", "f-other", "f-host"],
        "date": ["2022-05-01", "2024-02-01", "2024-03-01", "2025-04-10"],
        "host_city": ["Elsewhere (fictional)", "Elsewhere (fictional)", "Elsewhere (fictional)",
                      A.EXAMPLE_CITY],
        "participants": [A.EXAMPLE_CITY, "Elsewhere (fictional);Example City (fictional)",
                         "Third Town (fictional)", "Third Town (fictional)"],
        "themes": ["finance", "critical_infrastructure;natural_buffers", "finance",
                   "capacity_building"],
    })
    r = A.relate_to_exchanges(b, a, exchanges=log)
    assert r.attrs["n_exchanges_total"] == 2
    assert r.loc["E8", "exchange_ids"] == "f-in" and r.loc["E5", "exchanged"]
    assert r.loc["E6", "exchange_ids"] == "f-host"  # capacity_building → essentials 6;7
    assert not r.loc["E3", "exchanged"]  # f-early is before the first assessment
    assert r.loc["E8", "change_pct"] > 0


@pytest.mark.data
def test_relate_to_exchanges_on_the_real_log_finds_nothing_for_a_fictional_city():
    r = A.relate_to_exchanges(A.example_assessment("before"), A.example_assessment("after"))
    assert r.attrs["n_exchanges_total"] == 0 and not r["exchanged"].any()


# ---------------------------------------------------------------- package hygiene
def test_examples_are_named_fictional_everywhere():
    for which in ("before", "after"):
        df = pd.read_csv(A.example_path(which), dtype=str, keep_default_na=False)
        assert set(df["city"]) == {"Example City (fictional)"}


def test_import_stays_light():
    code = ("import sys, resilience_analytics.assessment; "
            "print('pandas' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_plot_profile_saves_through_figures(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    from resilience_analytics import settings

    monkeypatch.setattr(settings, "figures_dir", tmp_path)
    A.plot_profile(A.example_assessment("after"), kind="bar", save="example_city_profile")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example_city_profile.png",
                                                          "example_city_profile.svg"]


@pytest.mark.data
def test_who_can_teach_offers_for_a_real_city_by_name():
    out = A.who_can_teach("The Hague", 8, kind="offers", k=5,
                          offers_options={"hazard_weight": 0})
    assert set(out["needs"]["theme"]) == {"critical_infrastructure", "energy"}
    offers = out["offers"]
    assert 0 < len(offers) <= 5
    assert set(offers["need_theme"]) <= {"critical_infrastructure", "energy"}
    assert "The Hague" not in set(offers["offer_city"].dropna())


def test_crosswalk_city_framework_codes_exist_in_the_composite_framework():
    import resilience_analytics as ra

    cw = A.crosswalk()
    codes = set(cw.loc[cw["target_framework"] == "city_framework", "target_code"])
    assert codes and codes <= set(ra.composite.city_framework()["iCode"])
    assert cw.loc[(cw["target_framework"] == "city_framework") & (cw["essential"] == 8),
                  "target_code"].tolist() == ["inform_infrastructure"]


def test_filled_xlsx_roundtrip_keeps_every_score(tmp_path):
    df = pd.read_csv(A.example_path("before"), dtype=str, keep_default_na=False)
    df["score"] = pd.to_numeric(df["score"]).astype("Int64")
    p = A.write_template(tmp_path / "filled.xlsx", frame=df)
    a, ref = A.load_assessment(p), A.example_assessment("before")
    pd.testing.assert_series_equal(a.scores, ref.scores)
    assert a.gaps["code"].tolist() == ref.gaps["code"].tolist()
    assert a.evidence["P8.2"] == ref.evidence["P8.2"]


def test_a_single_stray_code_is_unknown_not_a_level_mismatch(tmp_path):
    p = _filled(tmp_path, lambda d: d.assign(code=d["code"].replace({"P2.5": "2.5"})))
    with pytest.raises(DataFileError, match="unknown item code '2.5'"):
        A.load_assessment(p)


def test_semicolon_csv_with_bom_from_a_spreadsheet_loads(tmp_path):
    df = pd.read_csv(A.example_path("after"), dtype=str, keep_default_na=False)
    p = tmp_path / "excel_nl.csv"
    df.to_csv(p, index=False, sep=";", encoding="utf-8-sig")
    a = A.load_assessment(p)
    pd.testing.assert_series_equal(a.scores, A.example_assessment("after").scores)


def test_relate_to_exchanges_by_city_id():
    b, a = A.example_assessment("before"), A.example_assessment("after")
    log = pd.DataFrame({
        "exchange_id": ["f-1", "f-2"], "date_start": pd.to_datetime(["2024-02-01", "2024-03-01"]),
        "host_city": ["Elsewhere (fictional)", "Elsewhere (fictional)"],
        "host_city_id": [1, 1], "participants": [["Example City (fictional)"], ["Someone"]],
        "participant_city_ids": [[99], [7]], "themes": [["energy"], ["finance"]],
    })
    r = A.relate_to_exchanges(b, a, 99, exchanges=log)
    assert r.attrs["n_exchanges_total"] == 1 and r.loc["E8", "themes"] == "energy"


def test_plot_compare_marks_exchanged_groups():
    import matplotlib

    matplotlib.use("Agg")
    b, a = A.example_assessment("before"), A.example_assessment("after")
    log = pd.DataFrame({"exchange_id": ["f-in"], "date": ["2024-02-01"],
                        "host_city": ["Elsewhere (fictional)"], "participants": [A.EXAMPLE_CITY],
                        "themes": ["critical_infrastructure"]})
    fig = A.plot_compare(A.relate_to_exchanges(b, a, exchanges=log))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [lab for lab in labels if lab.endswith("*")] == ["E8 Infrastructure resilience *"]
    with pytest.raises(ParameterError, match="before_pct"):
        A.plot_compare(A.profile(b))
