"""Zone overlap as a pure rule: an empty zone list is every zone."""

import pytest

from broadcast.planning.planner import zones_meet


@pytest.mark.parametrize("a, b, overlap", [
    ([], [], True),
    ([], [3], True),
    ([3], [], True),
    ([1, 2], [2], True),
    ([2], [1, 2], True),
    ([1], [2], False),
    ([1, 2], [3, 4], False),
    (frozenset({5}), (5,), True),  # any iterable: sets from the planner, lists from rows
])
def test_zones_meet(a, b, overlap):
    assert zones_meet(a, b) is overlap
