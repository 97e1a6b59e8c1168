"""Staff exports: cells a spreadsheet never runs as formulas."""

import pytest

from offices.spreadsheets import text_cell


@pytest.mark.parametrize("value", ["=1+1", "+358401234567", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_cell__formula_start__shown_as_text(value):
    assert text_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Åsa Öberg", "040 1234567", "", 12])
def test_text_cell__plain_text__unchanged(value):
    assert text_cell(value) == str(value)
