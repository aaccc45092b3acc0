"""Fail closed: what HCPs get when a page's approval has lapsed, its job code is missing, or its live
revision is not the approved one; the cache never outlives an approval; the footer shows the dates."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from besponsa.compliance import rules, signals
from besponsa.compliance.models import Approval, default_expiry, site_today
from besponsa.portal import pagecache
from besponsa.portal.models import ContentPage

from .conftest import Cast, MiniSite, hcp_client, login, make_user


def travel_to(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    """Moves the site's calendar and the page cache's clock to the start of `day` (site time zone)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0, 1)))
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    monkeypatch.setattr(pagecache, "now", lambda: moment.timestamp())


def assert_neutral(response: object, content: bytes) -> None:
    assert response.status_code == 503  # type: ignore[attr-defined]
    assert b"This content is being updated" in content
    assert b"WARNING: HEPATOTOXICITY TEST TITLE" in content  # the ISI is still there
    assert response["Cache-Control"] == "no-store"  # type: ignore[index]
    assert "X-Page-Cache" not in response  # type: ignore[operator]


def test_an_approved_page_is_served_with_its_dates_in_the_footer(site: MiniSite) -> None:
    response = hcp_client().get("/dosing/")
    assert response.status_code == 200
    today, expiry = site_today(), default_expiry(site_today())
    footer = response.content.decode().split("<footer")[1].split("</footer>")[0]
    assert "PP-INO-USA-0643" in footer
    assert f'approved <time datetime="{today.isoformat()}">' in footer
    assert f'expires <time datetime="{expiry.isoformat()}">' in footer
    assert "ISI PP-INO-USA-0658" in footer


def test_a_new_expiry_date_shows_in_the_footer_of_the_next_page(site: MiniSite, cast: Cast) -> None:
    client = hcp_client()

    def footer() -> str:
        return client.get("/dosing/").content.decode().split("<footer")[1].split("</footer>")[0]

    assert f'expires <time datetime="{default_expiry(site_today()).isoformat()}">' in footer()
    shorter = site_today() + datetime.timedelta(days=30)
    rules.set_expiry(Approval.objects.get(page=site.dosing), shorter, user=cast.editor, reason="Label update")
    assert f'expires <time datetime="{shorter.isoformat()}">' in footer()


def test_an_expired_page_is_withheld_and_its_cached_copy_is_not_served(
    site: MiniSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = hcp_client()
    Approval.objects.filter(page=site.dosing).update(expires_on=site_today() + datetime.timedelta(days=1))
    first = client.get("/dosing/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert client.get("/dosing/")["X-Page-Cache"] == "hit"

    travel_to(monkeypatch, site_today() + datetime.timedelta(days=1))
    response = client.get("/dosing/")
    assert_neutral(response, response.content)
    assert b"How BESPONSA is dosed." not in response.content
    # ...and it stays withheld, from the cache too.
    again = client.get("/dosing/")
    assert again.status_code == 503
    # Other pages are unaffected.
    assert client.get("/").status_code == 200


def test_the_day_before_expiry_the_page_is_still_served(
    site: MiniSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    expiry = site_today() + datetime.timedelta(days=30)
    Approval.objects.filter(page=site.dosing).update(expires_on=expiry)
    travel_to(monkeypatch, expiry - datetime.timedelta(days=1))
    assert hcp_client().get("/dosing/").status_code == 200


def test_a_page_without_a_job_code_is_withheld(site: MiniSite) -> None:
    page = ContentPage(title="Uncoded", slug="uncoded", summary="No code here.")
    site.home.add_child(instance=page)
    page.save_revision().publish()
    response = hcp_client().get("/uncoded/")
    assert_neutral(response, response.content)
    assert not Approval.objects.filter(page=page).exists()


def test_a_page_published_by_a_person_outside_the_workflow_is_withheld(site: MiniSite) -> None:
    """Whatever route a person's publish took, only an approved revision is served."""
    someone = make_user("sam", superuser=True)
    site.dosing.title = "Edited and published directly"
    site.dosing.save_revision(user=someone).publish(user=someone)
    response = hcp_client().get("/dosing/")
    assert_neutral(response, response.content)
    assert b"Edited and published directly" not in response.content


def test_a_cached_page_carries_the_first_expiry_of_what_it_shows(site: MiniSite) -> None:
    """No per-request guard: the cached copy itself stops at the page's or the ISI's expiry."""
    page_expiry = site_today() + datetime.timedelta(days=5)
    Approval.objects.filter(page=site.dosing).update(expires_on=page_expiry)
    assert hcp_client().get("/dosing/")["X-Page-Cache"] == "miss"
    deadline = pagecache.serving_deadline(site.dosing)
    assert deadline == pagecache.expiry_instant(page_expiry)
    isi_expiry = site_today() + datetime.timedelta(days=3)
    Approval.objects.filter(isi__isnull=False).update(expires_on=isi_expiry)
    isi = Approval.objects.filter(isi__isnull=False).first()
    assert isi is not None
    assert pagecache.serving_deadline(site.dosing, isi.isi) == pagecache.expiry_instant(isi_expiry)


def test_default_expiry_is_twelve_months_later() -> None:
    assert default_expiry(datetime.date(2026, 11, 25)) == datetime.date(2027, 11, 25)
    assert default_expiry(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert default_expiry(datetime.date(2026, 1, 31), months=1) == datetime.date(2026, 2, 28)


def test_expiry_instant_is_the_start_of_the_day_in_the_site_time_zone() -> None:
    instant = signals.expiry_instant(datetime.date(2027, 6, 1))
    local = timezone.localtime(datetime.datetime.fromtimestamp(instant, tz=datetime.UTC))
    assert (local.date(), local.hour, local.minute) == (datetime.date(2027, 6, 1), 0, 0)
    assert instant > time.mktime((2027, 5, 31, 0, 0, 0, 0, 0, -1))


@pytest.mark.parametrize(
    ("approved", "expires"),
    [
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),  # no Feb 29 next year: its last day
        (datetime.date(2026, 1, 31), datetime.date(2027, 1, 31)),
        (datetime.date(2026, 11, 30), datetime.date(2027, 11, 30)),
    ],
)
def test_an_approval_expires_twelve_calendar_months_later(
    approved: datetime.date, expires: datetime.date
) -> None:
    assert default_expiry(approved) == expires
    assert default_expiry(datetime.date(2026, 8, 31), months=1) == datetime.date(2026, 9, 30)


def test_the_editor_judges_the_live_page_not_a_draft(site: MiniSite, cast: Cast) -> None:
    """The CMS editor opens the latest draft; whether visitors are served depends on the live page."""
    draft = ContentPage.objects.get(pk=site.dosing.pk)
    draft.job_code = "PP-INO-USA-0641"  # held by the home page: never submitted, only saved (autosave)
    draft.save_revision(user=cast.editor)
    editor = login(cast.editor).get(f"/cms/pages/{site.dosing.pk}/edit/").content.decode()
    assert hcp_client().get("/dosing/").status_code == 200
    assert "Withheld from visitors" not in editor

    Approval.objects.filter(page_id=site.dosing.pk).update(
        approved_on=site_today() - datetime.timedelta(days=30), expires_on=site_today()
    )
    editor = login(cast.editor).get(f"/cms/pages/{site.dosing.pk}/edit/").content.decode()
    assert f"Withheld from visitors: the approval expired on {site_today().isoformat()}." in editor
