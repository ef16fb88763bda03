"""Reading directory files: CSV (comma or semicolon, UTF-8 or Windows-1252) and JSONL lines,
and each field of a row checked into an agent record or the errors of its line."""

from __future__ import annotations

from typing import Any

import pytest

from services.auth_user.domain.directory_files import FileFormat, file_rows, format_of
from services.auth_user.domain.directory_records import AgentRecord, RowError, read_record
from services.auth_user.domain.errors import UnreadableFileError
from services.auth_user.domain.model import Role


def rows(text: str | bytes, fmt: FileFormat = FileFormat.CSV) -> list[Any]:
    data = text.encode() if isinstance(text, str) else text
    return list(file_rows(data, fmt))


def test_csv_rows_are_keyed_by_the_lowercased_header_with_file_line_numbers() -> None:
    found = rows('Matricule,NOM,prenom\r\nM1,Ngono,Marie\r\n\r\nM2,"Fotso\nJr",Paul\r\nM3,A,B\r\n')
    assert found == [
        (2, {"matricule": "M1", "nom": "Ngono", "prenom": "Marie"}),
        (4, {"matricule": "M2", "nom": "Fotso\nJr", "prenom": "Paul"}),
        (6, {"matricule": "M3", "nom": "A", "prenom": "B"}),
    ]


def test_semicolons_and_windows_1252_as_excel_exports_them() -> None:
    data = "matricule;nom;ministère\nM1;Éyébé;Santé\n".encode("cp1252")
    assert rows(data) == [(2, {"matricule": "M1", "nom": "Éyébé", "ministère": "Santé"})]


def test_a_utf8_bom_is_not_part_of_the_first_column() -> None:
    assert rows("\ufeffmatricule,nom\nM1,A\n".encode()) == [(2, {"matricule": "M1", "nom": "A"})]


def test_a_csv_line_with_the_wrong_number_of_cells_is_that_lines_error() -> None:
    found = rows("matricule,nom\nM1,A,extra\nM2,B\nM3\n")
    assert found == [
        (2, RowError(2, "", "MALFORMED_LINE")),
        (3, {"matricule": "M2", "nom": "B"}),
        (4, RowError(4, "", "MALFORMED_LINE")),
    ]


@pytest.mark.parametrize(
    "data",
    [b"nom,prenom\nA,B\n", b"", b"\x00\x01binary\xff\xfe", b"matricule\n\x00M1\n"],
)
def test_a_file_without_matricule_column_or_not_text_is_refused_whole(data: bytes) -> None:
    with pytest.raises(UnreadableFileError):
        rows(data)


def test_jsonl_objects_and_malformed_lines() -> None:
    text = '{"matricule": "M1", "nom": "A"}\n\n[1, 2]\n{not json\n{"matricule": 42}\n'
    assert rows(text, FileFormat.JSONL) == [
        (1, {"matricule": "M1", "nom": "A"}),
        (3, RowError(3, "", "MALFORMED_LINE")),
        (4, RowError(4, "", "MALFORMED_LINE")),
        (5, {"matricule": 42}),
    ]


def test_the_format_comes_from_the_declaration_else_the_extension() -> None:
    assert format_of("agents.CSV") is FileFormat.CSV
    assert format_of("agents.jsonl") is FileFormat.JSONL
    assert format_of("agents.bin", "jsonl") is FileFormat.JSONL
    with pytest.raises(UnreadableFileError):
        format_of("agents.xlsx")


def test_a_full_row_reads_into_normalised_values() -> None:
    raw = {
        "Matricule": " 123456A ",
        "nom": "Ngono",
        "prenom": "Marie",
        "sexe": "F",
        "ministere": "MINFI",
        "direction": "DGB",
        "service": "Solde",
        "poste": "Chef",
        "phone": "+237 699 00 00 01",
        "email": "marie@minfi.cm",
        "role": "Moderator",
        "active": "non",
        "lieunaissance": "Yaoundé",  # not one of ours: ignored
    }
    record = read_record(7, raw)
    assert isinstance(record, AgentRecord)
    assert (record.line, record.matricule) == (7, "123456A")
    assert record.values["role"] is Role.MODERATOR
    assert record.values["active"] is False
    assert "lieunaissance" not in record.values


def test_only_the_columns_the_source_has_are_in_the_record() -> None:
    record = read_record(2, {"matricule": "M1", "email": "", "role": "", "active": ""})
    assert isinstance(record, AgentRecord)
    assert record.values == {"email": None, "role": None, "active": True}


@pytest.mark.parametrize(
    "raw,errors",
    [
        ({"nom": "A"}, [("matricule", "REQUIRED")]),
        ({"matricule": "  "}, [("matricule", "REQUIRED")]),
        ({"matricule": "M 1"}, [("matricule", "INVALID_FORMAT")]),
        ({"matricule": "M" * 65}, [("matricule", "TOO_LONG")]),
        ({"matricule": ["M1"]}, [("matricule", "INVALID_FORMAT")]),
        ({"matricule": "M1", "nom": ""}, [("nom", "REQUIRED")]),
        ({"matricule": "M1", "nom": "x" * 101}, [("nom", "TOO_LONG")]),
        ({"matricule": "M1", "direction": "x" * 201}, [("direction", "TOO_LONG")]),
        ({"matricule": "M1", "phone": "appelez-moi"}, [("phone", "INVALID_FORMAT")]),
        ({"matricule": "M1", "email": "pas-un-email"}, [("email", "INVALID_FORMAT")]),
        ({"matricule": "M1", "role": "root"}, [("role", "INVALID_VALUE")]),
        ({"matricule": "M1", "active": "peut-être"}, [("active", "INVALID_VALUE")]),
        ({"matricule": "M1", "nom": {"$ne": 1}}, [("nom", "INVALID_FORMAT")]),
        ({"matricule": "M1", "nom": "a\x00b"}, [("nom", "INVALID_FORMAT")]),
        (
            {"matricule": "", "role": "x", "active": "?"},
            [("matricule", "REQUIRED"), ("role", "INVALID_VALUE"), ("active", "INVALID_VALUE")],
        ),
    ],
)
def test_each_bad_field_is_an_error_of_its_line(raw: dict[str, Any], errors: list[Any]) -> None:
    found = read_record(9, raw)
    assert found == [RowError(9, field, code) for field, code in errors]
