import pytest

from tests.sources.sites import Site


@pytest.fixture(scope="module")
def site():
    """A website on 127.0.0.1 (ARCHIVE_FETCH_ALLOWED_NETWORKS allows it under tests)."""
    website = Site()
    yield website
    website.close()


@pytest.fixture(autouse=True)
def quick_limits(settings, tmp_path):
    """Short timeouts and small limits, so that slow, endless and huge answers are quick to
    test; no rate limit unless a test sets one; captures in a media folder of the test's."""
    settings.ARCHIVE_FETCH_CONNECT_SECONDS = 1
    settings.ARCHIVE_FETCH_READ_SECONDS = 1
    settings.ARCHIVE_FETCH_TOTAL_SECONDS = 3
    settings.ARCHIVE_CHECK_PER_HOST_PER_MINUTE = 0
    settings.ARCHIVE_CAPTURE_PAGE_BYTES = 2**20
    settings.ARCHIVE_CAPTURE_RESOURCE_BYTES = 2**19
    settings.ARCHIVE_CAPTURE_TOTAL_BYTES = 2 * 2**20
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ARCHIVE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
