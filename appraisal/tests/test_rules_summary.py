"""The summary line of a cell's proposals, worded as the 2021 article writes it."""

from appraisal.rules import Level, proposal_summary

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED

ARTICLE = (
    "Đối với chi bộ đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ; đối với đảng viên 04/19 đồng chí đề nghị "
    "xếp loại hoàn thành xuất sắc nhiệm vụ và 15/19 đồng chí xếp loại hoàn thành tốt nhiệm vụ"
)


def test_the_2021_article_word_for_word():
    assert proposal_summary(E, [E] * 4 + [G] * 15) == ARTICLE


def test_levels_are_listed_best_first_whatever_the_order_of_members():
    assert proposal_summary(E, [G] * 15 + [E] * 4) == ARTICLE


def test_three_levels_join_with_commas_and_a_final_va():
    line = proposal_summary(G, [E, G, G, C])
    assert line == (
        "Đối với chi bộ đề nghị xếp loại hoàn thành tốt nhiệm vụ; đối với đảng viên 01/04 đồng chí đề nghị xếp "
        "loại hoàn thành xuất sắc nhiệm vụ, 02/04 đồng chí xếp loại hoàn thành tốt nhiệm vụ và 01/04 đồng chí "
        "xếp loại hoàn thành nhiệm vụ"
    )


def test_a_single_level_and_not_completed():
    assert proposal_summary(C, [N]) == (
        "Đối với chi bộ đề nghị xếp loại hoàn thành nhiệm vụ; đối với đảng viên 01/01 đồng chí đề nghị xếp loại "
        "không hoàn thành nhiệm vụ"
    )


def test_counts_keep_two_digits_above_nine_and_three_above_ninety_nine():
    line = proposal_summary(G, [G] * 120)
    assert "120/120 đồng chí đề nghị xếp loại hoàn thành tốt nhiệm vụ" in line


def test_members_without_a_proposal_are_counted_as_pending():
    assert proposal_summary(None, [E, None, G]) == (
        "Đối với chi bộ chưa có đề nghị xếp loại; đối với đảng viên 01/03 đồng chí đề nghị xếp loại hoàn thành "
        "xuất sắc nhiệm vụ và 01/03 đồng chí xếp loại hoàn thành tốt nhiệm vụ; 01/03 đồng chí chưa có đề nghị"
    )


def test_nobody_proposed_yet_and_nobody_rated():
    assert proposal_summary(None, [None, None]).endswith("đối với đảng viên chưa có đề nghị xếp loại")
    assert proposal_summary(E, []).endswith("không có đảng viên được xếp loại")


def test_the_denominator_may_be_given():
    assert "02/05 đồng chí" in proposal_summary(E, [E, E], rated=5)
