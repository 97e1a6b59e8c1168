# The one written style on English pages: "Tue 1 Dec 2026", "9:00", "9:00–12:00".
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "D j M Y G:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y G:i"
