"""The fixes offered for a render that is hard to hear (a pure rule)."""

import pytest

from broadcast.content.listening import offered_fixes


@pytest.mark.parametrize("misheard, slow, expected", [
    ([], False, ["Ghi âm giọng người đọc cho bài này (bản ghi âm luôn được phát trước giọng máy).",
                 "Chọn tốc độ đọc «Chậm» cho bài này."]),
    (["xã", "họp"], True, ["Ghi âm giọng người đọc cho bài này (bản ghi âm luôn được phát trước giọng máy).",
                           "Thêm vào từ điển cách đọc cho: xã, họp.", "Viết lại câu có các từ: xã, họp."]),
    (["a", "b", "c", "d"], False, ["Ghi âm giọng người đọc cho bài này (bản ghi âm luôn được phát trước giọng máy).",
                                   "Chọn tốc độ đọc «Chậm» cho bài này.", "Thêm vào từ điển cách đọc cho: a, b, c.",
                                   "Viết lại câu có các từ: a, b, c."]),
])
def test_offered_fixes(misheard, slow, expected):
    assert offered_fixes(misheard, slow) == expected
