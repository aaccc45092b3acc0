"""The leaving notice (issue 2): allow-listed destinations only, never an open redirect."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from besponsa.portal.models import ExternalDestination

pytestmark = pytest.mark.django_db


def leave(client: Client, url: str) -> object:
    return client.get("/leaving/?to=" + quote(url, safe=""))


def test_company_site_gets_the_company_wording(seeded: None, client: Client) -> None:
    response = leave(client, "https://www.pfizermedicalinformation.com/besponsa")
    assert response.status_code == 200
    text = response.content.decode()
    assert "another Pfizer website" in text
    assert 'href="https://www.pfizermedicalinformation.com/besponsa"' in text
    from besponsa.compliance.models import Approval

    assert Approval.objects.get(surface="leaving").job_code in text  # the notice's own approval record


def test_third_party_site_gets_the_third_party_wording(seeded: None, client: Client) -> None:
    response = leave(client, "https://www.fda.gov/medwatch")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Pfizer does not own or control" in text
    assert "FDA MedWatch" in text


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "http://www.fda.gov/medwatch",  # not https
        "https://www.fda.gov.evil.example/medwatch",  # look-alike host
        "https://user:pw@www.fda.gov/medwatch",  # credentials
        "https://www.fda.gov/medwatch-fake",  # prefix must end at a path boundary
        "https://www.fda.gov:8443/medwatch",  # other port
        "javascript:alert(1)",
        "//www.fda.gov/medwatch",
        "",
    ],
)
def test_anything_off_the_allow_list_gets_400_and_no_link(seeded: None, client: Client, url: str) -> None:
    response = leave(client, url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "cannot be followed" in text
    if url:
        assert f'href="{url}"' not in text


def test_the_allow_list_is_content(seeded: None, client: Client) -> None:
    url = "https://www.cancer.gov/types/leukemia"
    assert leave(client, url).status_code == 400
    ExternalDestination.objects.create(
        name="the National Cancer Institute",
        url="https://www.cancer.gov/",
        owner=ExternalDestination.THIRD_PARTY,
    )
    assert leave(client, url).status_code == 200


def test_the_notice_never_redirects(seeded: None, client: Client) -> None:
    response = leave(client, "https://www.besponsa.com/")
    assert response.status_code == 200 and "Location" not in response
