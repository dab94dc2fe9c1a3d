"""English formats: the numeric short date reads day first with the month named ("7 Dec
2026"). Django's English default, "12/07/2026", is month first: to readers in Indonesia,
where dates are written day first, it reads as 12 July. The long date likewise puts the
day first ("7 December 2026", not Django's "Dec. 7, 2026" beside "7 Dec 2026")."""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
