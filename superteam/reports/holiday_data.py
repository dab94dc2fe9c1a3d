"""Indonesia's national holidays (hari libur nasional) and collective leave (cuti bersama)
for 2026, as set by the joint decree of the Ministers of Religious Affairs, Manpower and
Administrative Reform (SKB 3 Menteri No. 1497/2025, No. 2/2025, No. 5/2025): 17 holidays
and 8 days of cuti bersama. Seeded by migration 0002; admins keep the calendar current.
"""

import datetime

NATIONAL = "national"
CUTI_BERSAMA = "cuti_bersama"

HOLIDAYS_2026 = [
    ("2026-01-01", NATIONAL, "Tahun Baru 2026 Masehi", "New Year's Day"),
    ("2026-01-16", NATIONAL, "Isra Mikraj Nabi Muhammad SAW", "Isra Mi'raj of the Prophet"),
    ("2026-02-16", CUTI_BERSAMA, "Cuti bersama Tahun Baru Imlek", "Chinese New Year leave"),
    ("2026-02-17", NATIONAL, "Tahun Baru Imlek 2577 Kongzili", "Chinese New Year"),
    ("2026-03-18", CUTI_BERSAMA, "Cuti bersama Hari Suci Nyepi", "Nyepi leave"),
    ("2026-03-19", NATIONAL, "Hari Suci Nyepi Tahun Baru Saka 1948", "Nyepi (Saka New Year)"),
    ("2026-03-20", CUTI_BERSAMA, "Cuti bersama Idulfitri 1447 H", "Eid al-Fitr leave"),
    ("2026-03-21", NATIONAL, "Idulfitri 1447 H", "Eid al-Fitr"),
    ("2026-03-22", NATIONAL, "Idulfitri 1447 H (hari kedua)", "Eid al-Fitr (second day)"),
    ("2026-03-23", CUTI_BERSAMA, "Cuti bersama Idulfitri 1447 H", "Eid al-Fitr leave"),
    ("2026-03-24", CUTI_BERSAMA, "Cuti bersama Idulfitri 1447 H", "Eid al-Fitr leave"),
    ("2026-04-03", NATIONAL, "Wafat Yesus Kristus", "Good Friday"),
    ("2026-04-05", NATIONAL, "Kebangkitan Yesus Kristus (Paskah)", "Easter Sunday"),
    ("2026-05-01", NATIONAL, "Hari Buruh Internasional", "International Labour Day"),
    ("2026-05-14", NATIONAL, "Kenaikan Yesus Kristus", "Ascension of Jesus Christ"),
    ("2026-05-15", CUTI_BERSAMA, "Cuti bersama Kenaikan Yesus Kristus", "Ascension Day leave"),
    ("2026-05-27", NATIONAL, "Iduladha 1447 H", "Eid al-Adha"),
    ("2026-05-28", CUTI_BERSAMA, "Cuti bersama Iduladha 1447 H", "Eid al-Adha leave"),
    ("2026-05-31", NATIONAL, "Hari Raya Waisak 2570 BE", "Vesak Day"),
    ("2026-06-01", NATIONAL, "Hari Lahir Pancasila", "Pancasila Day"),
    ("2026-06-16", NATIONAL, "1 Muharam Tahun Baru Islam 1448 H", "Islamic New Year"),
    ("2026-08-17", NATIONAL, "Hari Proklamasi Kemerdekaan RI", "Independence Day"),
    ("2026-08-25", NATIONAL, "Maulid Nabi Muhammad SAW", "Prophet Muhammad's Birthday"),
    ("2026-12-24", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", "Christmas leave"),
    ("2026-12-25", NATIONAL, "Kelahiran Yesus Kristus (Natal)", "Christmas Day"),
]


def rows() -> list[tuple[datetime.date, str, str, str]]:
    return [(datetime.date.fromisoformat(d), k, n, e) for d, k, n, e in HOLIDAYS_2026]
