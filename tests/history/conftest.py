"""Fixtures of the visit-log tests: what rows are validated against, an in-memory store, and a
store filled with four visits over May 2024 (for the queries and the export)."""

from __future__ import annotations

import pytest
from history.support import NOW, make_known, template_row, write_csv

from planner import history as h


@pytest.fixture
def known() -> h.Known:
    return make_known()


@pytest.fixture
def store():
    with h.open_store(":memory:") as s:
        yield s


@pytest.fixture
def filled(tmp_path, known, store):
    rows = [
        template_row(tanggal="2024-05-01", venue_id="V1", tiba="21:00",
                     laporan_kategori="curanmor", laporan_isi="motor hilang"),
        template_row(tanggal="2024-05-10", venue_id="V1", tiba="20:00",
                     laporan_kategori="infrastruktur", laporan_isi="lampu mati", dirujuk_ke="PLN"),
        template_row(tanggal="2024-05-10", venue_id="V3", tiba="22:00",
                     laporan_kategori="sosial", laporan_isi="bansos", dirujuk_ke="Dinas Sosial",
                     batas_waktu="2024-06-30"),
        template_row(tanggal="2024-05-20", venue_id="V3", regu="R02", tiba="23:00",
                     laporan_kategori="ekonomi", laporan_isi="harga naik"),
    ]  # fmt: skip
    h.import_file(store, write_csv(tmp_path / "f.csv", list(h.TEMPLATE_COLUMNS), rows), known,
                  now=NOW)  # fmt: skip
    return store
