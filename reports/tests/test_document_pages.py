"""What a reader of a PDF sees, against reference files (``reports/tests/reference/*.pdf``) rendered by the code
before its paragraphs and table cells were handed to reportlab's own ``Paragraph`` and ``Table``: the same number of
pages, the same text on each page (so every block on the page it was on), and the pages rasterised by pdftoppm to
the same pixels. Two documents: the demo's 2021 minutes of Chi bộ Trường Tiểu học Mạc Đĩnh Chi (19 members, six
pages) and a sample of everything the renderer sets (every alignment, runs in two styles, markup characters, a word
wider than its column, a paragraph and a table running over pages, a chart, signatures inside the body).

A reference is rewritten only when a change of the layout is meant, by running this module with
``WRITE_DOCUMENT_REFERENCES=1``: the run writes the files and fails, so it can never pass by writing them.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image, ImageChops
from pypdf import PdfReader

from conftest import skip_or_fail
from reports.documents import fonts, minutes, pdf
from reports.documents.model import (
    BarChart,
    Header,
    OfficialDocument,
    Para,
    Run,
    Signature,
    SignatureBlock,
    Table,
)
from reports.selectors import minutes_data

REFERENCE = Path(__file__).resolve().parent / "reference"
WRITE = os.environ.get("WRITE_DOCUMENT_REFERENCES") == "1"
DPI = 60

LEVELS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Không hoàn thành nhiệm vụ")
LONG_WORD = "MộttừrấtdàikhôngcókhoảngtrắngnàovừamộtdòngcủabảngnhỏhẹpnàyđâuThịÁnhTuyết"
SENTENCE = (
    "Đồng chí Nguyễn Thị Ánh Tuyết trình bày bản kiểm điểm, tự đánh giá, xếp loại chất lượng năm 2021; hội nghị "
    "góp ý, phê bình và biểu quyết đề nghị mức xếp loại (bỏ phiếu kín)."
)


def sample() -> OfficialDocument:
    """Every kind of block and text the renderer sets, over several pages."""
    body: list = []
    for align in ("justify", "left", "center", "right"):
        body.append(Para.of(SENTENCE, align=align))
        body.append(Para.of(SENTENCE, align=align, indent=False, size=12, space_before=6))
        body.append(
            Para.of(
                "- Hội nghị đề nghị xếp loại: ",
                Run("Hoàn thành tốt nhiệm vụ", bold=True),
                ", đạt 18/19 phiếu tán thành (94,74%). ",
                Run("Ghi chú nghiêng", italic=True),
                " và ",
                Run("đậm nghiêng", bold=True, italic=True),
                ".",
                align=align,
            )
        )
    body += [
        Para.of(Run("I. THÀNH PHẦN THAM DỰ", bold=True), indent=False, space_before=4),
        Para.of("Ký hiệu a < b & c > d; dòng một\ndòng hai\ttab; không\xa0ngắt; gạch\xadmềm."),
        Para.of("  khoảng   trắng   thừa  ", Run(" đầu và cuối ", italic=True), Run("đậm", bold=True), "  "),
        Para.of("Từ", Run("liền", bold=True), "nhau ", Run(LONG_WORD, bold=True), " sau."),
        Para.of(" ".join([SENTENCE] * 12)),  # one paragraph split across a page
        Table(
            header=(("STT", "Họ và tên", "Tự xếp loại", "Chi bộ đề nghị", "Tán thành"),),
            rows=tuple(
                (str(i + 1), f"Nguyễn Văn {i}", LEVELS[i % 3], LEVELS[(i + 1) % 3], f"{i % 19}/19") for i in range(70)
            )
            + (("", LONG_WORD, "dòng một\ndòng hai", "", ""), ("", "Cộng", "", "", "70")),
            widths=(0.07, 0.31, 0.22, 0.25, 0.15),
            align=("center", "left", "center", "center", "right"),
            bold_rows=(71,),
        ),
        BarChart(
            title="Kết quả xếp loại (%)",
            categories=LEVELS,
            series=(("Năm 2020", (20.0, 70.0, 10.0)), ("Năm 2021", (21.05, 78.95, 0.0))),
        ),
        SignatureBlock((Signature(("Đảng viên",), "Nguyễn Thị Ánh Tuyết", note="(Ký, ghi rõ họ tên)"),)),
        Para.of("Sau chữ ký: " + SENTENCE),
    ]
    return OfficialDocument(
        header=Header(
            superior="Đảng bộ phường Quyết Thắng",
            issuer="Chi bộ Trường Tiểu học Mạc Đĩnh Chi",
            code="BC/CB",
            place="Quyết Thắng",
            date=datetime.date(2021, 11, 16),
            number=12,
        ),
        doc_type="Báo cáo",
        summary=("Kết quả kiểm điểm, đánh giá, xếp loại chất lượng", "năm 2021"),
        body=tuple(body),
        signatures=(Signature(("T/M Chi bộ", "Bí thư"), "Lê Thị Hường"),),
        recipients=("Đảng ủy phường (để b/c)", "Lưu chi bộ"),
        title="Mẫu",
        author="Chi bộ",
        created=datetime.datetime(2021, 11, 16, tzinfo=datetime.UTC),
    )


@pytest.fixture(scope="module")
def demo_minutes(django_db_setup, django_db_blocker) -> tuple[OfficialDocument, bytes]:
    """The demo's 2021 minutes of its 19-member cell, from the seeded records (the demo is rolled back after)."""
    from django.db import transaction

    from appraisal.models import UnitReview

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        review = UnitReview.objects.get(unit__name="Chi bộ Trường Tiểu học Mạc Đĩnh Chi", cycle__year=2021)
        document = minutes.build(minutes_data(review.pk))
        transaction.set_rollback(True)
    return document, pdf.render(document)


def pages(content: bytes) -> list[str]:
    """Each page's text, its whitespace folded (a line breaks where the layout puts it; the words stay)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages]


def block_pages(document: OfficialDocument, content: bytes) -> list[tuple[str, int]]:
    """Each paragraph of the body with the page (from 1) its first words are on."""
    texts = pages(content)
    found, page = [], 0
    for block in document.body:
        if not isinstance(block, Para):
            continue
        start = " ".join(block.text.split())[:40]
        while page < len(texts) and start not in texts[page]:
            page += 1
        assert page < len(texts), f"not found after its predecessors: {start!r}"
        found.append((start, page + 1))
    return found


def rasterised(content: bytes) -> list[Image.Image]:
    tool = shutil.which("pdftoppm")
    if tool is None:
        skip_or_fail("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(content)
        subprocess.run([tool, "-r", str(DPI), "-gray", str(source), str(Path(folder) / "page")], check=True)  # noqa: S603
        return [Image.open(path).copy() for path in sorted(Path(folder).glob("page-*.pgm"))]


def reference(name: str, content: bytes) -> bytes:
    if fonts.register().name != "LiberationSerif":
        skip_or_fail("the reference PDFs are set in Liberation Serif 2 (apt-get install fonts-liberation2)")
    path = REFERENCE / f"{name}.pdf"
    if WRITE:
        REFERENCE.mkdir(exist_ok=True)
        path.write_bytes(content)
        pytest.fail(f"wrote {path}: check it, commit it, and run again without WRITE_DOCUMENT_REFERENCES")
    return path.read_bytes()


def assert_the_same_pages(ours: bytes, theirs: bytes) -> None:
    assert pages(ours) == pages(theirs)
    mine, expected = rasterised(ours), rasterised(theirs)
    assert len(mine) == len(expected)
    for number, (page, other) in enumerate(zip(mine, expected, strict=True), start=1):
        assert page.size == other.size, number
        box = ImageChops.difference(page, other).getbbox()
        assert box is None, f"page {number} differs from the reference within {box}"


@pytest.mark.django_db
def test_the_demo_minutes_read_and_look_as_they_did(demo_minutes):
    document, content = demo_minutes
    expected = reference("minutes-mac-dinh-chi-2021", content)
    assert len(pages(content)) == len(pages(expected)) == 6
    assert block_pages(document, content) == block_pages(document, expected)
    where = dict(block_pages(document, content))
    assert where["I. THÀNH PHẦN THAM DỰ"] == 1
    assert where["III. KẾT QUẢ ĐỀ NGHỊ XẾP LOẠI"] == 4
    assert "THƯ KÝ" in pages(content)[-1] and "CHỦ TRÌ" in pages(content)[-1]
    assert_the_same_pages(content, expected)


def test_every_kind_of_block_reads_and_looks_as_it_did():
    document = sample()
    content = pdf.render(document)
    expected = reference("sample", content)
    assert len(pages(content)) == len(pages(expected)) >= 4
    assert block_pages(document, content) == block_pages(document, expected)
    text = " ".join(pages(content))
    assert "a < b & c > d" in text and LONG_WORD[:20] in text and "Cộng" in text
    assert_the_same_pages(content, expected)


def test_a_page_that_differs_is_caught():
    """The comparison itself: a document one word longer does not pass as the sample."""
    document = sample()
    changed = OfficialDocument(**{**document.__dict__, "body": (Para.of("Thêm một dòng."), *document.body)})
    with pytest.raises(AssertionError):
        assert_the_same_pages(pdf.render(changed), pdf.render(document))
    longer = OfficialDocument(**{**document.__dict__, "body": (*document.body[:-1], Para.of(SENTENCE + " Hết."))})
    a, b = rasterised(pdf.render(longer)), rasterised(pdf.render(document))
    assert any(ImageChops.difference(x, y).getbbox() for x, y in zip(a, b, strict=False))
