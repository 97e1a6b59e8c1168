# The one written style of dates and times on Finnish pages, e-mails and admin lists:
# "ti 1.12.2026", "9.00", "9.00–12.00" (ranges: offices.hours.format_time_range).
# Django's own Finnish formats fill in what is not set here (input formats and so on).
DATE_FORMAT = "D j.n.Y"
TIME_FORMAT = "G.i"
DATETIME_FORMAT = "D j.n.Y G.i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y G.i"
