"""CSV files that spreadsheet programs open right, Finnish Excel included: one home
for every staff export (day lists, and the statistics to come).

Finnish Excel reads a comma as the decimal separator and splits a CSV on semicolons,
and it guesses the encoding unless a byte order mark says UTF-8. A cell that starts
with ``=``, ``+``, ``-`` or ``@`` would be run as a formula (CSV injection): it gets a
leading apostrophe, which Excel shows as text.
"""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """``value`` as text a spreadsheet shows and never evaluates."""
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_response(filename, header):
    """(an attachment response, a writer of its rows): semicolon-separated UTF-8 with a
    byte order mark, ``header`` written first. Rows are written as given: pass free
    text through ``text_cell``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    return response, writer
