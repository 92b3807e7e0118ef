"""Encodings and the shapes of lines real files come in (issue 32, findings 19, 20 and 35):
UTF-8 first, a broken last character replaced and reported rather than the whole file read
as another encoding; legacy encodings detected and named; Windows' curly quotes never turned
into control characters; CRLF, BOMs, tabs and non-breaking spaces in headers read as they
always were. Every file is written here for the test."""

import pytest

from statements.ingest.files import parse_bytes, text_decode
from statements.ingest.services import statement_import
from statements.models import Statement

CUT = b"#title \xd0\xa2\xd0\xb5\xd1\x81\xd1\x82\n#lang mk\n\n\xd0\xa2\xd0"


def test_a_utf8_file_cut_in_a_character_stays_utf8_with_a_warning():
    (item,) = parse_bytes(CUT, name="t.muse")
    assert item.data.title == "Тест"
    assert item.data.language == "mk"
    assert item.data.body.strip().startswith("Т")
    assert any(
        note.startswith("line 4:") and "middle of a character" in note for note in item.notes
    )


def test_a_stray_byte_in_a_utf8_text_is_replaced_not_a_reason_to_garble_the_rest():
    raw = ("#title Заедно\n\n" + "Текст на македонски јазик. " * 20).encode() + b"\xff ok\n"
    text, notes = text_decode(raw)
    assert "Текст на македонски" in text and "\ufffd ok" in text
    assert notes and notes[0].startswith("line 3:")


@pytest.mark.parametrize(
    ("text", "encoding", "named"),
    [
        ("#title «Ça va», dit-il\n\nL'été où nous étions là.\n", "latin-1", "windows-1252"),
        ("#title Тест на кирилица\n\nОва е текст на македонски јазик за тестирање.\n",
         "cp1251", "cp1251"),
    ],
)  # fmt: skip
def test_a_legacy_encoding_is_detected_and_named(text, encoding, named):
    decoded, notes = text_decode(text.encode(encoding))
    assert decoded == text
    assert notes == [f"not UTF-8: read as {named} (detected)"]


def test_windows_1252_quotes_are_quotes_not_c1_controls():
    raw = "# \u201cNo eviction\u201d \u2013 a call\n\nWe\u2019re staying.\n".encode("cp1252")
    (item,) = parse_bytes(raw, name="call.txt")
    assert item.data.title == "\u201cNo eviction\u201d \u2013 a call"
    assert "We\u2019re staying." in item.data.body
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in item.data.title + item.data.body)


@pytest.mark.django_db
def test_the_import_report_carries_the_warning():
    report = statement_import(files=[("t.muse", CUT)])
    assert report.created and not report.failed
    assert any(name == "t.muse" and "line 4:" in note for name, note in report.notes)
    assert Statement.objects.get().title == "Тест"


class TestHeaderShapes:
    """Finding 35: these work today; they are kept tested."""

    def test_crlf_bom_tabs_and_nbsp_in_a_muse_header(self):
        raw = (
            "\ufeff#title\tRent\u00a0strike \r\n#author\u00a0Tenants' Assembly\r\n"
            "#lang\ten\r\n\r\nWe stay.\r\n"
        )
        (item,) = parse_bytes(raw.encode(), name="strike.muse")
        assert item.data.title == "Rent strike"
        assert [c.name for c in item.data.credits] == ["Tenants' Assembly"]
        assert item.data.language == "en"
        assert item.data.body.strip() == "We stay."
        assert "\r" not in item.data.body

    def test_crlf_and_bom_in_a_text_export(self):
        raw = "\ufeff# Grève générale\r\n\r\n### Comité\tde grève\r\n\r\nLes travailleuses.\r\n"
        (item,) = parse_bytes(raw.encode(), name="greve.md")
        assert item.data.title == "Grève générale"
        assert item.data.body.strip() == "Les travailleuses."

    def test_a_windows_1252_file_with_crlf(self):
        raw = "# R\u00e9union\r\n\r\nTexte.\r\n".encode("cp1252")
        (item,) = parse_bytes(raw, name="r.txt")
        assert item.data.title == "Réunion"


def test_a_repeated_author_keeps_the_last_as_amusewiki_does_and_says_so():
    """Finding 31."""
    raw = (
        b"#title Call\n#author Tenants' Assembly\n#lang en\n#author Night Shelter Collective\n\nT\n"
    )
    (item,) = parse_bytes(raw, name="call.muse")
    assert [c.name for c in item.data.credits] == ["Night Shelter Collective"]
    assert item.notes == [
        "line 4: #author given again: the last is kept, as Amusewiki keeps it "
        "(“Night Shelter Collective”), not “Tenants' Assembly”"
    ]
