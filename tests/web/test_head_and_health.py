"""HEAD is answered like GET, and the health check answers plain HTTP in the TLS shape."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/about/", "/guides/alipay/", "/guides/alipay/glossary/", "/guides/alipay/about/",
     "/robots.txt", "/healthz", "/accounts/login/"],
)  # fmt: skip
def test_head_is_answered_like_get_without_a_body(client, alipay, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""


def test_healthz_answers_plain_http_even_when_every_other_page_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
