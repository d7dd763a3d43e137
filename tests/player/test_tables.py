"""CSV files of reports: formula cells neutralised in one place, numbers written as numbers."""

from __future__ import annotations

import csv
import io

import pytest

from player.web.tables import Row, Table, neutralise, number_text, to_csv


@pytest.mark.parametrize("text", ["=1+1", "+41 22 000", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_a_would_be_formula_becomes_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Ana", "1-2", "a=b", "Skopje, spring", " =1", "'quoted", "Олга"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def _table(*rows: tuple) -> Table:
    return Table("t", "T", ("=name", "score"), tuple(Row(r) for r in rows), (Row(("All", 1.5)),))


def test_csv_quotes_text_and_leaves_numbers_bare() -> None:
    text = to_csv(_table(("=cmd|' /C calc'!A0", -12.5), ("Ana", 3), ("Boris", None)))
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[:5] == ['"\'=name","score"', '"\'=cmd|\' /C calc\'!A0",-12.5', '"Ana",3', '"Boris",""', '"All",1.5']


def test_every_text_cell_goes_through_the_neutraliser() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_table(("+1", 0), ("@x", 0), ("-y", 0)))[1:])))
    assert [r[0] for r in rows] == ["'=name", "'+1", "'@x", "'-y", "All"]


def test_a_bool_is_refused() -> None:
    with pytest.raises(TypeError):
        to_csv(_table(("Ana", True)))


def test_the_page_prints_what_the_csv_holds() -> None:
    assert [number_text(v) for v in (3, 66.7, 90.0, 0.0, -1.5, None, "x")] == ["3", "66.7", "90", "0", "-1.5", "–", "x"]
    assert number_text(1234.5, "mk") == "1.234,5" and number_text(66.7, "uk") == "66,7"
    assert to_csv(_table(("x", 90.0))).split("\r\n")[1] == '"x",90.0'
