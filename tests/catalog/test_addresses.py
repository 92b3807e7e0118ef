"""Addresses built without reverse() on every row are exactly reverse()'s."""

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from statements.models import slug_url

SLUGS = ["call-2024", "Під-час-війни", "中文-声明", "a_b-9", "ἐλευθερία"]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(
    "viewname", ["statements:statement_detail", "statements:author_detail", "statements:tag_detail"]
)
def test_slug_url_is_reverse(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, args=[slug])


@pytest.mark.parametrize("slug", SLUGS)
def test_slug_url_with_more_arguments_is_reverse(slug):
    for suffix in ("md", "txt"):
        expected = reverse("statements:statement_download", args=[slug, suffix])
        assert slug_url("statements:statement_download", slug, suffix) == expected


def test_slug_url_follows_the_script_prefix():
    try:
        set_script_prefix("/archive-mirror/")
        assert slug_url("statements:tag_detail", "water") == "/archive-mirror/tags/water/"
    finally:
        set_script_prefix("/")
    assert slug_url("statements:tag_detail", "water") == "/tags/water/"


@override_settings(ROOT_URLCONF="bench.urls")
def test_slug_url_follows_the_url_configuration():
    assert slug_url("statements:tag_detail", "water") == reverse(
        "statements:tag_detail", args=["water"]
    )
