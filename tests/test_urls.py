"""canonicalize_url: one spelling per article URL."""

from __future__ import annotations

import pytest

from ingest.urls import TRACKING_PARAMS, canonicalize_url, is_tracking_param, is_web_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/a?utm_source=rss&utm_medium=feed&id=7", "https://news.example/a?id=7"),
        ("https://news.example/a?fbclid=IwAR0x&gclid=Cj0&page=2", "https://news.example/a?page=2"),
        ("https://news.example/a?mc_cid=1&mc_eid=2&yclid=3&msclkid=4", "https://news.example/a"),
        ("https://news.example/a?UTM_Campaign=x&b=2&a=1", "https://news.example/a?b=2&a=1"),
    ],
)
def test_tracking_params_are_removed_and_others_kept_in_order(url, expected):
    assert canonicalize_url(url) == expected


def test_documented_click_ids_are_all_tracking_params():
    for name in ("fbclid", "gclid", "mc_eid", "mc_cid", "yclid", "msclkid", "utm_whatever"):
        assert is_tracking_param(name)
    assert "fbclid" in TRACKING_PARAMS
    assert not is_tracking_param("id")


def test_scheme_and_host_are_lowercased_and_default_ports_dropped():
    assert canonicalize_url("HTTP://News.Example.COM:80/Story") == "http://news.example.com/Story"
    assert canonicalize_url("https://news.example:443/x") == "https://news.example/x"
    assert canonicalize_url("https://news.example:8443/x") == "https://news.example:8443/x"


def test_fragment_is_dropped():
    assert canonicalize_url("https://news.example/a#comments") == "https://news.example/a"


def test_empty_path_becomes_slash():
    assert canonicalize_url("https://news.example") == "https://news.example/"


def test_relative_link_resolves_against_base():
    base = "http://127.0.0.1:8000/blog/feed.atom"
    assert canonicalize_url("/blog/2013/Plex", base=base) == "http://127.0.0.1:8000/blog/2013/Plex"
    assert canonicalize_url("post.html?utm_source=x", base=base) == "http://127.0.0.1:8000/blog/post.html"


def test_absolute_link_ignores_base():
    assert (
        canonicalize_url("https://other.example/x", base="http://news.example/") == "https://other.example/x"
    )


def test_untouched_query_keeps_its_spelling():
    url = "https://news.example/search?q=a%20b&flag&x=1+2"
    assert canonicalize_url(url) == url


def test_path_case_is_kept():
    assert canonicalize_url("https://news.example/Some/Path") == "https://news.example/Some/Path"


def test_non_web_urls_only_lose_the_fragment():
    assert canonicalize_url("tag:daringfireball.net,2017:/linked//6.33853") == (
        "tag:daringfireball.net,2017:/linked//6.33853"
    )
    assert canonicalize_url("file:///tmp/Notes.md#top") == "file:///tmp/Notes.md"


@pytest.mark.parametrize("url", ["http://[::1", "http://news.example:notaport/x", "  "])
def test_broken_url_is_returned_not_raised(url):
    assert isinstance(canonicalize_url(url), str)


def test_is_web_url_needs_http_scheme_and_host():
    assert is_web_url("https://news.example/a")
    assert not is_web_url("file:///tmp/a.txt")
    assert not is_web_url("urn:uuid:1234")
    assert not is_web_url("/relative/path")
