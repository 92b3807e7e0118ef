"""Conversions are bounded by processor time, not the clock: a web request's limits in a
request and the larger batch ones elsewhere, and the conversions of one book share one
budget, each counted by the processor time the kernel says its child used."""

import pytest

from infra.request_id import request_id
from statements.core.bounded import ConversionError, conversion_budget, conversion_limits
from statements.core.pandoc import pandoc_convert
from tests.factories import children_cpu_seconds

NEVER_FINISHES = "*a " * 60  # pandoc's Muse reader works on this until it is stopped


def test_a_request_gets_the_requests_limits_and_the_rest_the_batch_ones(settings):
    settings.ARCHIVE_CONVERSION_CPU_SECONDS, settings.ARCHIVE_CONVERSION_MEMORY_MB = 7, 300
    settings.ARCHIVE_BATCH_CPU_SECONDS, settings.ARCHIVE_BATCH_MEMORY_MB = 99, 3000
    assert (conversion_limits().cpu_seconds, conversion_limits().memory_mb) == (99, 3000)
    token = request_id.set("a-request-being-served")
    try:
        assert (conversion_limits().cpu_seconds, conversion_limits().memory_mb) == (7, 300)
    finally:
        request_id.reset(token)


def test_the_conversions_inside_a_budget_share_it():
    with conversion_budget(2) as budget:
        with pytest.raises(ConversionError, match="within 2 s of processor time"):
            pandoc_convert(NEVER_FINISHES, source="muse", to="commonmark_x")
        # The kernel's count of the child's processor time, per child.
        assert 1.5 < budget.used < 3.5
        before = children_cpu_seconds()
        with pytest.raises(ConversionError, match="within 2 s of processor time"):
            pandoc_convert("Some *emphasis*.", source="muse", to="commonmark_x")
        assert children_cpu_seconds() - before < 0.1  # spent: the next one never started
    # Outside the budget, the same conversion is made.
    assert pandoc_convert("Some *emphasis*.", source="muse", to="commonmark_x").strip()
