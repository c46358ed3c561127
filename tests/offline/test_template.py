"""The workbook as a focal point opens it: instructions first, the items with their drop-downs,
only the answer cells editable, and a hidden, signed description for the upload."""

import io

from openpyxl import load_workbook

from offline.layout import LISTS_SHEET, META_SHEET

from .workbooks import download, meta_of


def opened(client, language="en"):
    client.cookies["django_language"] = language
    return load_workbook(io.BytesIO(download(client)))


def test_the_instructions_come_first_in_the_users_language(client, focal_point, open_round):
    client.force_login(focal_point)
    workbook = opened(client, "es")
    assert workbook.sheetnames[0] == "Instrucciones"
    instructions = " ".join(
        str(row[0]) for row in workbook.worksheets[0].iter_rows(values_only=True) if row[0]
    )
    assert "Kenya" in instructions
    assert "/rounds/round-open/countries/KEN/questionnaire/upload/" in instructions


def test_each_item_has_a_row_with_the_official_english_beside_the_translation(
    client, focal_point, open_round
):
    client.force_login(focal_point)
    workbook = opened(client, "fr")
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    assert meta.language == "fr" and len(meta.items) == 30
    headers = [cell.value for cell in sheet[3]]
    assert "Question (anglais, version officielle)" in headers
    row = [cell.value for cell in sheet[meta.first_row]]
    assert row[0] == "1a"
    assert any(
        value and value.startswith("Essential and/or emergency health care") for value in row
    )
    assert any(value and value.startswith("Soins de santé essentiels") for value in row)


def test_answers_are_chosen_from_a_drop_down_of_the_labels_in_the_workbooks_language(
    client, focal_point, open_round
):
    client.force_login(focal_point)
    workbook = opened(client, "fr")
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    answer_column = dict(meta.columns)["option_code"]
    lists = workbook[LISTS_SHEET]
    labels = {cell.value for row in lists.iter_rows() for cell in row if cell.value}
    assert "Oui, uniquement pour les personnes en situation migratoire régulière" in labels
    assert "Non" in labels
    answer_cells = {(meta.first_row + i, answer_column) for i in range(30)}
    listed = set()
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list":
            assert validation.formula1.startswith(f"'{LISTS_SHEET}'!")
            listed |= {cell for cell_range in validation.sqref.ranges for cell in cell_range.cells}
    assert answer_cells <= listed


def test_only_the_answer_cells_can_be_changed_and_the_description_is_hidden(
    client, focal_point, open_round
):
    client.force_login(focal_point)
    workbook = opened(client)
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    assert sheet.protection.sheet
    assert workbook.security.lockStructure
    assert workbook[META_SHEET].sheet_state == "veryHidden"
    assert workbook[LISTS_SHEET].sheet_state == "veryHidden"
    editable = {column for _name, column in meta.columns}
    for column in range(1, sheet.max_column + 1):
        cell = sheet.cell(row=meta.first_row, column=column)
        assert cell.protection.locked is (column not in editable)
    assert sheet.cell(row=meta.first_row, column=1).protection.locked is not False
    assert sheet[meta.general_comment_cell].protection.locked is False


def test_the_files_attached_online_are_named_beside_their_item(client, focal_point, draft):
    from questionnaire.services.evidence import attach_evidence_file
    from tests.evidence_samples import pdf_bytes, upload

    attach_evidence_file(
        submission=draft,
        item_code="3a",
        uploaded_file=upload("=labour-code.pdf", pdf_bytes()),
        by=focal_point,
    )
    client.force_login(focal_point)
    workbook = opened(client)
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    row = meta.first_row + meta.items.index("3a")
    cell = sheet.cell(row=row, column=sheet.max_column)
    assert sheet.cell(row=3, column=sheet.max_column).value.startswith("Attached files")
    assert (cell.value, cell.data_type, cell.protection.locked) == ("=labour-code.pdf", "s", True)
