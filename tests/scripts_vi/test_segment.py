"""split_for_speech."""

from scripts_vi.segment import (
    MAX_WORDS,
    PAUSE_BLOCK_MS,
    PAUSE_BREATH_MS,
    PAUSE_CLAUSE_MS,
    PAUSE_SENTENCE_MS,
    Segment,
    split_for_speech,
)


def test_sentences_and_commas():
    segments = split_for_speech("Kính thưa bà con nhân dân! Trạm Y tế xã thông báo, lịch tiêm như sau: sáng mai.")
    assert segments == [
        Segment("Kính thưa bà con nhân dân!", PAUSE_SENTENCE_MS),
        Segment("Trạm Y tế xã thông báo,", PAUSE_CLAUSE_MS),
        Segment("lịch tiêm như sau:", PAUSE_CLAUSE_MS),
        Segment("sáng mai.", PAUSE_SENTENCE_MS),
    ]


def test_headings_and_blank_lines():
    segments = split_for_speech("Một. Mục đích\nTổ chức đợt cao điểm.\n\nHai. Yêu cầu\nĐồng bộ, hiệu quả.")
    assert segments == [
        Segment("Một.", PAUSE_CLAUSE_MS),
        Segment("Mục đích", PAUSE_BLOCK_MS),
        Segment("Tổ chức đợt cao điểm.", PAUSE_BLOCK_MS),
        Segment("Hai.", PAUSE_CLAUSE_MS),
        Segment("Yêu cầu", PAUSE_BLOCK_MS),
        Segment("Đồng bộ,", PAUSE_CLAUSE_MS),
        Segment("hiệu quả.", PAUSE_SENTENCE_MS),
    ]


def test_list_items_end_with_a_sentence_pause():
    segments = split_for_speech("tám thôn;\nmặt trận tổ quốc và các đoàn thể;")
    assert [s.pause_ms for s in segments] == [PAUSE_SENTENCE_MS, PAUSE_SENTENCE_MS]


def test_long_clause_is_cut_at_a_conjunction():
    text = (
        "Chỉ đạo Trạm Y tế đẩy mạnh hoạt động truyền thông về bình đẳng giới trong quá trình triển khai thực hiện "
        "Đề án kiểm soát mất cân bằng giới tính khi sinh hằng năm và giai đoạn hai nghìn không trăm hai mươi mốt "
        "đến hai nghìn không trăm hai mươi lăm trên địa bàn xã nhằm nâng cao nhận thức của người dân."
    )
    segments = split_for_speech(text)
    assert all(len(s.text.split()) <= MAX_WORDS for s in segments)
    assert " ".join(s.text for s in segments) == text
    assert segments[0].pause_ms == PAUSE_BREATH_MS
    assert segments[-1].pause_ms == PAUSE_SENTENCE_MS
    assert any(s.text.startswith(("nhằm", "trong", "đến")) for s in segments[1:])


def test_protected_names_are_not_cut():
    words = "Phòng lao động thương binh và xã hội huyện " * 5
    segments = split_for_speech(words.strip() + ".")
    for s in segments:
        assert not s.text.startswith("và xã hội")


def test_comma_less_text_without_conjunctions_is_still_cut():
    text = " ".join(["một"] * 60)
    segments = split_for_speech(text)
    assert all(len(s.text.split()) <= MAX_WORDS for s in segments)
    assert sum(len(s.text.split()) for s in segments) == 60


def test_deterministic_and_empty():
    text = "Một câu. Hai câu, ba câu.\n\n\nBốn."
    assert split_for_speech(text) == split_for_speech(text)
    assert split_for_speech("") == []
    assert split_for_speech("\n \n") == []
    assert split_for_speech("...") == []


def test_very_long_run_stays_fast_and_complete():
    import time

    text = " ".join(["một trên hai"] * 20000)
    start = time.perf_counter()
    segments = split_for_speech(text)
    assert time.perf_counter() - start < 2
    assert all(len(s.text.split()) <= MAX_WORDS for s in segments)
    assert " ".join(s.text for s in segments) == text
