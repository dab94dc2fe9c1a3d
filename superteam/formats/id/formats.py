"""Indonesian formats: the long date names its month in full ("8 Desember 2026"); Django's
"8 Des. 2026" abbreviated it with a dot, beside "4 Jan 2026" elsewhere on the same pages."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
