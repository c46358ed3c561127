"""Which files may be attached is decided by their content, never by their name."""

import pytest

from questionnaire.evidence_types import (
    DOC,
    DOCX,
    ODT,
    PDF,
    FileRefused,
    check_upload,
    clean_name,
    download_name,
)
from tests.evidence_samples import (
    WORD_MACRO_MAIN,
    doc_bytes,
    docx_bytes,
    exe_bytes,
    html_bytes,
    jpeg_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Migration Act.pdf", pdf_bytes(), PDF),
        ("decree.png", png_bytes(), "image/png"),
        ("scan.jpeg", jpeg_bytes(), "image/jpeg"),
        ("strategy.docx", docx_bytes(), DOCX),
        ("strategy.odt", odt_bytes(), ODT),
        ("old decree.doc", doc_bytes(), DOC),
        # The name does not decide: a PDF called .docx is a PDF.
        ("wrongly named.docx", pdf_bytes(), PDF),
    ],
)
def test_documents_and_images_are_accepted_by_their_content(name, content, content_type):
    checked = check_upload(upload(name, content))
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert len(checked.sha256) == 64
    assert checked.name == name


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("law.pdf", exe_bytes(), "is not a PDF"),
        ("law.pdf", html_bytes(), "is not a PDF"),
        ("law.pdf", b"just some text that claims to be a PDF", "is not a PDF"),
        ("law.docx", xlsx_bytes(), "is not a PDF"),
        ("law.odt", odt_bytes(mimetype="application/vnd.oasis.opendocument.spreadsheet"), "not a"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not a"),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ],
)
def test_anything_else_is_refused_whatever_its_name_says(name, content, says):
    with pytest.raises(FileRefused) as refused:
        check_upload(upload(name, content))
    assert says in refused.value.message
    assert name in refused.value.message


def test_a_word_document_with_macros_is_refused_even_named_docx():
    macro = docx_bytes(main_type=WORD_MACRO_MAIN)
    with pytest.raises(FileRefused, match="contains macros"):
        check_upload(upload("law.docx", macro))
    hidden_project = docx_bytes(extra={"word/vbaProject.bin": "VBA"})
    with pytest.raises(FileRefused, match="contains macros"):
        check_upload(upload("law.docx", hidden_project))


def test_a_word_97_2003_document_with_macros_is_refused():
    with pytest.raises(FileRefused, match="contains macros"):
        check_upload(upload("law.doc", doc_bytes(macros=True)))


def test_an_opendocument_text_with_basic_macros_is_refused():
    with pytest.raises(FileRefused, match="contains macros"):
        check_upload(upload("law.odt", odt_bytes(extra={"Basic/Standard/Module1.xml": "Sub"})))


def test_an_empty_file_is_refused():
    with pytest.raises(FileRefused, match="is empty"):
        check_upload(upload("law.pdf", b""))


def test_a_file_over_the_limit_is_refused_before_its_content_is_read(settings):
    settings.EVIDENCE_FILE_MAX_BYTES = 1000
    with pytest.raises(FileRefused, match="at most 1000"):
        check_upload(upload("big.pdf", pdf_bytes() + b"%" * 1000))
    assert check_upload(upload("small.pdf", pdf_bytes())).content_type == PDF


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\amina\\Desktop\\Loi 2019.pdf", "Loi 2019.pdf"),
        ("../../etc/passwd", "passwd"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("   ", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_the_name_kept_is_the_file_s_own_name_without_folders_or_control_characters(given, kept):
    assert clean_name(given) == kept


def test_a_download_carries_the_extension_of_what_the_file_is():
    assert download_name("Loi 2019.docx", PDF) == "Loi 2019.pdf"
    assert download_name("scan.jpeg", "image/jpeg") == "scan.jpeg"
    assert download_name("no extension", PDF) == "no extension.pdf"
