"""The users' real work end to end in Debian's Chromium, each journey from the login page following links only
(no address typed after the login page, except where a journey tries a forbidden address on purpose). On every
page: axe-core (no serious or critical violation); on the secretary's and the member's pages: no sideways
scrolling on a phone. Screenshots of the key pages at 1280 and 375 px; the effort is printed (``pytest -s``).

Report jobs run in a real Celery worker when PostgreSQL and Redis are configured (DATABASE_URL,
CELERY_BROKER_URL); under REQUIRE_SERVICES=1 they must be."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import ProposalRound, Rating, SelfReview, UnitReview
from appraisal.tests import factories as f
from tests.journey_kit import chromium, journey, screenshots, tasks  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CELL = "Chi bộ Trường Tiểu học Mạc Đĩnh Chi"
EXCELLENT = 4


def mac_dinh_chi(personas):
    """The 2021 article's cell: 19 members under ward A, its 2021 cycle open (hd21-2019)."""
    cell = personas.cell_a1
    cell.name = cell.short_name = CELL
    cell.save()
    f.add_members(cell, 16, prefix="Đảng viên")
    cycle = f.cycle(personas.ward_a, year=2021, rule_set="hd21-2019", opened=True)
    return cycle, f.review_of(cycle, cell)


def download(j, button: str, suffix: str, magic: bytes, snap: str = "") -> Path:
    """Ask for a document from the page, wait on the job page for the worker, download it, come back; the file."""
    j.follow(f"button:has-text('{button}')")
    link = j.page.locator("a[data-job-download]")
    link.wait_for(state="visible", timeout=60_000)
    j.check("job-done")
    with j.page.expect_download() as info:
        j.click("a[data-job-download]")
    path = info.value.path()
    assert info.value.suggested_filename.endswith(suffix)
    assert path.read_bytes()[:4] == magic
    if snap:
        j.snap(snap)
    with j.page.expect_navigation():
        j.page.go_back()
    return path


def test_secretary_records_the_2021_meeting_from_the_keyboard(personas, live_server, chromium, screenshots, tasks):  # noqa: F811
    cycle, review = mac_dinh_chi(personas)
    j = journey(chromium, live_server, screenshots, "secretary-meeting", phone=True)
    page = j.page
    j.login("sec_a1")
    j.snap("home")
    j.follow(f"#meetings-heading ~ ul a:has-text('{CELL}')")
    j.snap("meeting-empty")
    rows = page.locator("table.meeting-table").first.locator("tbody tr")
    assert rows.count() == 19
    names = [line.split("\n")[0].strip() for line in rows.locator("th").all_inner_texts()]

    j.click("#id_held_on")  # the one click: from here on, the keyboard alone
    j.type("16/11/2021")
    j.press("Tab")
    j.type("14:00")
    j.press("Tab")
    j.type("17:00")
    j.press("Tab")
    j.type("Phòng họp Trường Tiểu học Mạc Đĩnh Chi")
    j.press("Tab")
    j.press("ArrowDown")  # chair: the first member
    j.press("Tab")
    j.press("ArrowDown", 2)  # minute taker: the second
    j.press("Tab")  # the vote method stays "secret ballot"
    j.press("Tab", page.locator("input[name=documents]").count() + 1)
    for name, position, unit in [
        ("Nguyễn Thị Hoa", "Phó Bí thư Đảng ủy phường", "Đảng ủy phường A"),
        ("Trần Văn Nam", "Ủy viên Ban Thường vụ", "Đảng ủy phường A"),
    ]:
        j.type(name)
        j.press("Tab")
        j.type(position)
        j.press("Tab")
        j.type(unit)
        j.press("Tab")
    # The members' rows: present (ticked), reason, four tallies, the proposal, three texts.
    for _index in range(EXCELLENT):
        j.press("Tab", 2)
        j.type("19")
        j.press("Tab", 4)
        j.press("ArrowDown")  # — → HTXSNV
        j.press("Tab", 4)
    # The other fifteen and the cell itself come from the spreadsheet: pasted into the next tally cell, the page
    # moves the table into the paste box.
    j.press("Tab", 2)
    table = "STT\tHọ và tên\tHTXSNV\tHTTNV\tHTNV\tKHTNV\tĐề nghị\n"
    table += "".join(f"{n}\t{name}\t0\t19\t0\t0\tHTTNV\n" for n, name in enumerate(names[EXCELLENT:], EXCELLENT + 1))
    table += "\tChi bộ\t19\t0\t0\t0\tHTXSNV\n\tTập thể chi ủy\t0\t19\t0\t0\tHTTNV\n"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.evaluate("text => navigator.clipboard.writeText(text)", table)
    j.press("Control+V")
    assert page.evaluate("document.activeElement.id") == "id_paste"
    assert page.input_value("#id_paste") == table
    j.press("Tab")  # the conclusions
    j.type("Hội nghị thống nhất đề nghị xếp loại chi bộ hoàn thành xuất sắc nhiệm vụ.")
    with page.expect_navigation():
        j.press("Enter")  # saves
    j.check("meeting-saved")
    errors = page.locator(".alert, .invalid-feedback").all_inner_texts()
    assert "Đã lưu kết quả hội nghị kiểm điểm." in page.inner_text("main"), errors
    assert page.inner_text("#summary-line") == (
        "Đối với chi bộ đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ; đối với đảng viên 04/19 đồng chí đề nghị "
        "xếp loại hoàn thành xuất sắc nhiệm vụ và 15/19 đồng chí xếp loại hoàn thành tốt nhiệm vụ"
    )
    j.snap("meeting-saved")
    j.confirm("button:has-text('Gửi đề nghị xếp loại lên cấp trên')", "Gửi đề nghị xếp loại lên cấp trên?")
    assert "chỉ xem" in page.inner_text("main")
    j.snap("meeting-submitted")

    download(j, "Biên bản hội nghị (PDF)", ".pdf", b"%PDF", snap="minutes-job")
    download(j, "Biên bản hội nghị (Word)", ".docx", b"PK\x03\x04")
    j.finish()

    review.refresh_from_db()
    assert review.state == "submitted"
    members = Rating.objects.filter(unit_review=review, subject="member")
    assert members.filter(proposed_level="htxsnv", votes={"htxsnv": 19}).count() == EXCELLENT
    assert members.filter(proposed_level="httnv", votes={"httnv": 19}).count() == 19 - EXCELLENT
    assert Rating.objects.get(unit_review=review, subject="organisation").proposed_level == "htxsnv"
    meeting = review.meeting
    assert meeting.held_on.isoformat() == "2021-11-16"
    assert sorted(meeting.guests.values_list("full_name", flat=True)) == ["Nguyễn Thị Hoa", "Trần Văn Nam"]
    assert ProposalRound.objects.filter(unit_review=review).count() == 1


def fill_self_review(j, words: str) -> None:
    """Every text box of the member's form gets a sentence, every criterion the first grade, the level HTTNV."""
    page = j.page
    for box in page.locator("#self-review-form textarea:visible").all():
        j.fill(f"#{box.get_attribute('id')}", words)
    groups = sorted(
        {r.get_attribute("name") for r in page.locator("#self-review-form input[type=radio]").all()}
        - {"proposed_level"}
    )
    for name in groups:
        j.click(f"input[name='{name}'] >> nth=0")
    j.click("#pl-httnv")
    if page.locator("#cs").count():  # the civil servant's own rating (the member works in the political system)
        j.clicks += 2  # open the list, pick
        page.select_option("#cs", index=1)


def test_member_files_a_self_review_on_a_phone_and_resubmits(personas, live_server, chromium, screenshots):  # noqa: F811
    cycle, review = mac_dinh_chi(personas)
    j = journey(chromium, live_server, screenshots, "member-self-review", phone=True)
    page = j.page
    j.login("member_a1")
    assert "Xin chào, Nguyễn Văn An" in page.inner_text("main h1")
    assert "Đồng chí cần viết và nộp bản kiểm điểm của kỳ này." in page.inner_text("#self-review-next")
    j.snap("home")
    j.follow("#self-review-heading ~ a:has-text('Viết bản kiểm điểm năm nay')")
    fill_self_review(j, "Chấp hành tốt chủ trương của Đảng, hoàn thành nhiệm vụ giảng dạy.")
    j.follow("button:has-text('Lưu bản nháp')")
    j.snap("self-review-draft")
    # Leaves for the home page, comes back to the draft: what was typed is there.
    j.follow("a.navbar-brand")
    assert "Trạng thái: Đang soạn" in page.inner_text("main")
    j.follow("#self-review-heading ~ a:has-text('Viết bản kiểm điểm năm nay')")
    first = page.locator("#self-review-form textarea").first
    assert first.input_value() == "Chấp hành tốt chủ trương của Đảng, hoàn thành nhiệm vụ giảng dạy."
    # Submitting asks first; she cancels once (nothing is sent), then confirms.
    j.confirm("button:has-text('Nộp bản kiểm điểm')", "Nộp bản kiểm điểm cho chi bộ?", accept=False)
    assert SelfReview.objects.get(unit_review=review, member=personas.member_record_a1).state == "draft"
    j.confirm("button:has-text('Nộp bản kiểm điểm')", "Nộp bản kiểm điểm cho chi bộ?")
    errors = page.locator(".alert-danger").all_inner_texts()
    assert not errors, errors
    j.snap("self-review-submitted")
    j.finish()

    # The secretary returns it with a reason, from her home page.
    s = journey(chromium, live_server, screenshots, "secretary-return", phone=True)
    s.login("sec_a1")
    s.follow("#meetings-heading ~ ul a:has-text('Bản kiểm điểm của đảng viên')")
    s.follow("a:has-text('Nguyễn Văn An')")
    s.snap("self-review")
    s.fill("#return-reason", "Bổ sung hạn chế về thời gian sinh hoạt chi bộ.")
    s.confirm("button:has-text('Trả lại cho đảng viên')", "Trả lại bản kiểm điểm cho đồng chí Nguyễn Văn An sửa?")
    s.finish()

    # The member sees the reason on her home page, revises and resubmits.
    m = journey(chromium, live_server, screenshots, "member-resubmit", phone=True)
    m.login("member_a1")
    assert "Bổ sung hạn chế về thời gian sinh hoạt chi bộ." in m.page.inner_text("main")
    m.snap("home-returned")
    m.follow("#self-review-heading ~ a:has-text('Viết bản kiểm điểm năm nay')")
    last = m.page.locator("#self-review-form textarea:visible").last
    m.fill(f"#{last.get_attribute('id')}", "Đôi lúc chưa dự đủ sinh hoạt chi bộ; sẽ khắc phục trong năm tới.")
    m.confirm("button:has-text('Nộp lại bản kiểm điểm')", "Nộp bản kiểm điểm cho chi bộ?")
    errors = m.page.locator(".alert-danger").all_inner_texts()
    assert not errors, errors
    m.finish()

    filed = SelfReview.objects.get(unit_review=review, member=personas.member_record_a1)
    assert filed.state == "resubmitted"
    assert filed.proposed_level == "httnv"
    assert filed.versions.count() == 2


def test_a_secretary_and_a_member_are_refused_what_is_not_theirs(personas, live_server, chromium, screenshots):  # noqa: F811
    cycle, review = mac_dinh_chi(personas)
    j = journey(chromium, live_server, screenshots, "refusals", phone=True)
    page = j.page
    # The secretary of cell A2 types the address of the Mạc Đĩnh Chi cell's meeting.
    j.login("sec_a2")
    response = page.goto(live_server.url + reverse("appraisal:meeting", args=[cycle.pk, personas.cell_a1.pk]))
    assert response.status == 404
    assert CELL not in page.content()
    j.snap("refused")
    assert not Rating.objects.filter(unit_review=review).exists()
    assert UnitReview.objects.get(pk=review.pk).state == "not_started"
    j.finish()
    # A member opens another member's record (of another ward's cell).
    m = journey(chromium, live_server, screenshots, "refusals-member", phone=True)
    m.login("member_a1")
    response = m.page.goto(live_server.url + reverse("members:detail", args=[personas.member_record_b1.pk]))
    assert response.status == 404
    assert "Vũ Thị Giang" not in m.page.content()
    # …and another member's self-review of the same cell.
    from members.models import Member

    other = Member.objects.get(full_name="Trần Thị Bình")
    response = m.page.goto(live_server.url + reverse("appraisal:self_review", args=[review.pk, other.pk]))
    assert response.status in (403, 404)
    assert "Trần Thị Bình" not in m.page.content()
    m.finish()


def test_ward_staff_return_then_approve_and_bulk_approve(personas, live_server, chromium, screenshots, tasks):  # noqa: F811
    from members.models import Member

    cycle, review = mac_dinh_chi(personas)
    members = list(Member.objects.filter(memberships__unit=personas.cell_a1).order_by("full_name"))
    f.propose(review, levels=["htxsnv"] * EXCELLENT + ["httnv"] * 15, unit_level="htxsnv", members=members)
    other = f.review_of(cycle, personas.cell_a2)
    f.propose(other, levels=["httnv", "httnv"], members=Member.objects.filter(memberships__unit=personas.cell_a2))
    j = journey(chromium, live_server, screenshots, "ward-staff")
    page = j.page
    j.login("staff_a")
    # The home page says what waits for the ward: two cells' proposals, one click from the dashboard.
    j.snap("home")
    j.follow("#decisions-heading ~ ul a:has-text('2 chi bộ chờ quyết định')")
    j.snap("dashboard")
    j.follow(f"main td a:has-text('{CELL}')")
    j.follow("button:has-text('Kiểm tra tỷ lệ')")
    j.snap("decision-check")
    # The 2019 quota (RULES.md): excellent at most 20 % of those rated good, over the whole ward. The good are
    # Mạc Đĩnh Chi's 15 and the other cell's 2: 4/17 (the cell's 19 members are not the base), at most 3.
    members_row = page.locator("main table").first.locator("tbody tr", has_text="Đảng viên")
    assert "4/17" in members_row.inner_text() and members_row.locator("td").nth(4).inner_text() == "3"
    assert "Vượt tỷ lệ 20%: 4/17" in members_row.inner_text()
    j.fill("#return-reason", "Đề nghị chi bộ ghi rõ căn cứ xếp loại chi bộ hoàn thành xuất sắc nhiệm vụ.")
    j.confirm("button:has-text('Trả lại')", f"Trả lại đề nghị xếp loại cho {CELL} sửa?", accept=False)
    assert UnitReview.objects.get(pk=review.pk).state == "submitted"  # cancelled: nothing sent
    j.confirm("button:has-text('Trả lại')", f"Trả lại đề nghị xếp loại cho {CELL} sửa?")
    assert "Đã trả lại đề nghị" in page.inner_text("main")
    j.finish()
    assert UnitReview.objects.get(pk=review.pk).state == "returned"

    # The secretary reads the reason on the meeting page, corrects the cell's row and submits again.
    s = journey(chromium, live_server, screenshots, "secretary-resubmit", phone=True)
    s.login("sec_a1")
    home = s.page.inner_text("#meetings-heading ~ ul")
    assert "Đề nghị bị trả lại, cần sửa và gửi lại: Đề nghị chi bộ ghi rõ căn cứ" in home
    s.snap("home-returned")
    s.follow(f"#meetings-heading ~ ul a:has-text('{CELL}')")
    assert "Đề nghị chi bộ ghi rõ căn cứ" in s.page.inner_text("main")
    s.snap("meeting-returned")
    if s.page.locator("button:has-text('Rút lại đề nghị để sửa')").count():
        s.follow("button:has-text('Rút lại đề nghị để sửa')")
    # The correction: the meeting's date and the committee's own proposal, missing from the first submission.
    s.fill("#id_held_on", "16/11/2021")
    collective = "tr:has(th:has-text('Tập thể chi ủy'))"
    s.fill(f"{collective} input[name$='-votes-httnv']", "19")
    s.choose(f"{collective} select", "httnv")
    s.follow("button:has-text('Lưu kết quả hội nghị')")
    s.confirm("button:has-text('Gửi đề nghị xếp loại lên cấp trên')", "Gửi đề nghị xếp loại lên cấp trên?")
    s.finish()
    assert UnitReview.objects.get(pk=review.pk).state == "resubmitted", s.page.locator(".alert").all_inner_texts()

    # Staff approve it, then the other cells in bulk from the dashboard.
    w = journey(chromium, live_server, screenshots, "ward-staff-approve")
    w.login("staff_a")
    w.follow("#decisions-heading ~ ul a:has-text('2 chi bộ chờ quyết định')")
    w.follow(f"main td a:has-text('{CELL}')")
    # 4 excellent against 17 good over the ward exceeds 20 %: the ward records the article's case as an exception.
    w.fill("#quota-exception", "Chi bộ hoàn thành xuất sắc nhiệm vụ; Đảng ủy phường đồng ý ngoại lệ.")
    w.confirm("button[value=approve]", f"Phê duyệt kết quả xếp loại của {CELL} với các mức đang chọn?")
    assert "Đã phê duyệt" in w.page.inner_text("main"), w.page.locator(".alert").all_inner_texts()
    w.follow("nav[aria-label=breadcrumb] a:has-text('Tiến độ')")
    w.click(f"#pick-{other.pk}")
    w.confirm("button:has-text('Phê duyệt các đơn vị đã chọn')", "Phê duyệt các đơn vị đã chọn, giữ nguyên đề nghị")
    w.snap("dashboard-approved")
    # The committee's documents from the dashboard, made by the worker: the summary report and the statistics.
    download(w, "Báo cáo tổng hợp (PDF)", ".pdf", b"%PDF", snap="summary-job")
    statistics = download(w, "Biểu thống kê (Excel)", ".xlsx", b"PK\x03\x04")
    w.finish()
    sheet = load_workbook(io.BytesIO(statistics.read_bytes()))["Đảng viên"]
    header = [cell.value for cell in sheet[3]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    excellent, good = header.index("HTXSNV (số)"), header.index("HTTNV (số)")
    assert rows[CELL][1:3] == (19, 19) and (rows[CELL][excellent], rows[CELL][good]) == (EXCELLENT, 15)
    assert (rows["Tổng cộng"][excellent], rows["Tổng cộng"][good]) == (EXCELLENT, 17)
    assert UnitReview.objects.get(pk=review.pk).state == "approved"
    assert UnitReview.objects.get(pk=other.pk).state == "approved"
