# The one written style on Swedish pages (Finland Swedish): "ti 1.12.2026", "9.00",
# "9.00–12.00". The two-letter weekday abbreviations come from the project catalogue
# (locale/sv), which overrides Django's Sweden-Swedish "tis".
DATE_FORMAT = "D j.n.Y"
TIME_FORMAT = "G.i"
DATETIME_FORMAT = "D j.n.Y G.i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y G.i"
