"""Tests of planner.history.export: the template format round trip, the template's instructions."""

from __future__ import annotations

import pandas as pd
from history.support import NOW

from planner import history as h


def test_export_then_import_into_a_fresh_store_is_identical(tmp_path, filled, known):
    path = h.export_csv(filled, tmp_path / "export.csv")
    with h.open_store(":memory:") as fresh:
        res = h.import_file(fresh, path, known, now=NOW)
        assert res.visits_new == filled.counts()["visits"]
        cols = ["night", "squad_id", "venue_id", "arrived_at", "left_at", "people_met", "notes",
                "planned"]  # fmt: skip
        pd.testing.assert_frame_equal(h.visits_between(fresh)[cols], h.visits_between(filled)[cols])
        rcols = ["reported_at", "category", "text", "police_matter", "agency", "status",
                 "due_date", "closed_date", "outcome"]  # fmt: skip
        pd.testing.assert_frame_equal(
            h.reports_between(fresh)[rcols], h.reports_between(filled)[rcols]
        )
    # and back into the store it came from: nothing new
    assert h.import_file(filled, path, known, now=NOW).visits_existing == 4


def test_template_help_in_both_languages_fills_the_dataset_words(tmp_path, known):
    id_help = {col: (need, text) for col, need, text in h.template_help(known)}
    en_help = {col: (need, text) for col, need, text in h.template_help(known, lang="en")}
    assert list(id_help) == list(en_help) == list(h.TEMPLATE_COLUMNS)
    assert id_help["tanggal"][0] == "wajib" and en_help["tanggal"][0] == "required"
    for helps in (id_help, en_help):
        assert "curanmor" in helps["laporan_kategori"][1]
        assert "Dinas PUPR" in helps["dirujuk_ke"][1]
        assert f"{known.due_days} " in helps["batas_waktu"][1]
        assert not any("{" in text for _, text in helps.values())
    assert id_help["catatan"][1] != en_help["catatan"][1]
    # the columns are the file format: the same header row whatever the instructions' language
    path = h.write_template(tmp_path / "en.csv", known, lang="en")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# How to fill in")
    assert lines[-1] == ",".join(h.TEMPLATE_COLUMNS)
