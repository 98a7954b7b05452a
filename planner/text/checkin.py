"""Words of the check-in block on the squad's phone page (``planner.render.checkin``).

The report's own keys (``malam``, ``tiba``, ``kategori``, …) are not here: they are the file
format ``planner visits import`` reads (``planner.history.report``), the same in every language.
"""

from __future__ import annotations

from planner.text import Lang, Msg, msg

CHECKIN_TEXT: dict[str, Msg] = {
    "arrive": msg("Tiba", "Arrived"),
    "leave": msg("Selesai", "Done"),
    "form": msg("Laporan kunjungan", "Visit report"),
    "people": msg("Jumlah warga", "People met"),
    "notes": msg("Catatan", "Notes"),
    "item": msg("Keluhan / aspirasi", "Complaint / aspiration"),
    "category": msg("Kategori", "Category"),
    "choose": msg("— pilih —", "— choose —"),
    "text": msg("Isi", "What was raised"),
    "agency": msg("Diteruskan ke instansi", "Passed on to agency"),
    "no_agency": msg("— tidak —", "— none —"),
    "add_item": msg("+ Tambah keluhan", "+ Add a complaint"),
    "remove_item": msg("Hapus keluhan", "Remove complaint"),
    "send": msg("Kirim laporan", "Send report"),
    "unsent": msg("{n} kunjungan belum dikirim", "Visits not sent yet: {n}"),
    "all_sent": msg("Semua kunjungan sudah dikirim", "Every visit has been sent"),
    "none_yet": msg("Belum ada kunjungan tercatat", "No visit recorded yet"),
    "saved": msg("tersimpan di HP", "saved on this phone"),
    "sent_mark": msg("terkirim", "sent"),
    "no_storage": msg(
        "Penyimpanan HP tidak tersedia: isian hilang bila halaman ditutup. Kirim laporan sebelum "
        "menutup.",
        "This phone's storage is not available: entries are lost when the page closes. Send the "
        "report before closing.",
    ),
    "via": msg("Kirim laporan lewat", "Send the report with"),
    "whatsapp": msg("WhatsApp", "WhatsApp"),
    "copy_text": msg("Salin teks", "Copy text"),
    "copied": msg(
        "Teks disalin. Tempel di WhatsApp ke piket Polres.",
        "Text copied. Paste it into WhatsApp to the Polres duty desk.",
    ),
    "copy_failed": msg(
        "Tidak bisa menyalin otomatis: tekan lama teks di bawah, pilih semua, salin.",
        "Could not copy: long-press the text below, select all, copy.",
    ),
    "close": msg("Tutup", "Close"),
    "fix": msg("Perbaiki dulu sebelum mengirim:", "Fix these before sending:"),
    "err_arrival": msg(
        "Stop {n}: ada isian tetapi Tiba belum ditekan",
        "Stop {n}: filled in but Arrived was not pressed",
    ),
    "err_pair": msg(
        "Stop {n}: isi kategori dan isi keluhan, keduanya",
        "Stop {n}: fill in both the category and the complaint",
    ),
    "err_people": msg(
        "Stop {n}: jumlah warga bilangan 0 sampai 1000",
        "Stop {n}: people met is a whole number from 0 to 1000",
    ),
    "err_overlap": msg(
        "Stop {n}: jam tiba sebelum selesai di stop {m}",
        "Stop {n}: arrived before stop {m} was done",
    ),
    "err_order": msg(
        "Stop {n}: jam selesai harus setelah jam tiba",
        "Stop {n}: done must be after arrived",
    ),
    "err_night": msg(
        "Stop {n}: jam tiba {time} bukan malam {night} (jam HP salah, atau halaman malam lain?)",
        "Stop {n}: arrived {time} is not on the night of {night} (the phone's clock wrong, or "
        "another night's page?)",
    ),
    "stop": msg("Stop", "Stop"),
}
"""Every label of the block; ``{n}``, ``{m}``, ``{time}`` and ``{night}`` are filled in the page."""


def checkin_labels(lang: Lang) -> dict[str, str]:
    """The block's labels in ``lang``, for the page's script."""
    return {key: text(lang) for key, text in CHECKIN_TEXT.items()}


__all__ = ["CHECKIN_TEXT", "checkin_labels"]
