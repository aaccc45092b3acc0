"""Page types and the site-wide content that feeds every page (ISI, contacts, leaving allow-list)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Page,
    PageViewRestriction,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from besponsa.compliance.forms import JobCodeCheckedPageForm, JobCodeCheckedSnippetForm
from besponsa.portal.blocks import BodyBlock
from besponsa.portal.validators import validate_job_code

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class SitePage(Page):
    """Common fields of every content page: summary, job code and a cached, gated render."""

    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences: used as the meta description and the lead paragraph.",
    )
    job_code = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_job_code],
        help_text="Promotional job code, format PP-INO-USA-NNNN.",
    )
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    base_form_class = JobCodeCheckedPageForm  # a bad job code is refused when submitted to MLR review
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("job_code")]

    class Meta:
        abstract = True

    def get_sitemap_urls(self, request: HttpRequest | None = None) -> list[dict[str, Any]]:
        from besponsa.portal import listing

        # A withheld page (see besponsa.compliance.rules.serving_problem) is not listed.
        listed = self.pk in listing.listable_page_ids()
        return list(super().get_sitemap_urls(request)) if listed else []

    def get_view_restrictions(self) -> Any:
        """Wagtail asks on every request it serves (its on_serve_page hook), and the answer takes two
        queries (the page's ancestors, then their restrictions). Whether there are any is kept once per
        page-cache generation (a privacy change, a move or a publish bumps it); the rows themselves, which
        each visitor is checked against, are read again only for a page that has some."""
        from besponsa.portal import pagecache

        restricted = pagecache.per_generation_each(
            "view-restricted", self.pk, lambda: Page.get_view_restrictions(self).exists()
        )
        return Page.get_view_restrictions(self) if restricted else PageViewRestriction.objects.none()

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        # Marks the response for PageCacheMiddleware: a published page, the same for every visitor,
        # cached no later than the first approval expiry among the page and the ISI it shows.
        from besponsa.portal import pagecache

        # Both read once per page-cache generation: publishing the ISI and any change to an approval bump
        # it (the shell reads the live ISI under the same name).
        isi = pagecache.per_generation("live-isi", SafetyInformation.current)
        response.cacheable_page = True
        response.cache_not_after = pagecache.per_generation_each(
            "serving-deadline",
            (self.pk, isi.pk if isi is not None else None),
            lambda: pagecache.serving_deadline(self, isi),
        )
        return response


class HomePage(SitePage):
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "portal/home_page.html"


class ContentPage(SitePage):
    template = "portal/content_page.html"


@register_setting(icon="site")
class SiteContacts(BaseGenericSetting):
    """Phone numbers and outside addresses used in the header, footer and gate: one place for each."""

    adverse_event_phone = models.CharField(max_length=32, help_text="Company adverse-event line.")
    medical_information_phone = models.CharField(max_length=32, help_text="Professional information line.")
    medwatch_phone = models.CharField(max_length=32)
    medwatch_url = models.URLField()
    patient_site_url = models.URLField()
    prescribing_information_url = models.URLField()
    copyright_holder = models.CharField(max_length=120)
    copyright_year = models.PositiveIntegerField(null=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("adverse_event_phone"), FieldPanel("medical_information_phone")], "Company lines"
        ),
        MultiFieldPanel([FieldPanel("medwatch_phone"), FieldPanel("medwatch_url")], "FDA MedWatch"),
        FieldPanel("patient_site_url"),
        FieldPanel("prescribing_information_url"),
        FieldPanel("copyright_holder"),
        FieldPanel("copyright_year"),
    ]

    class Meta:
        verbose_name = "site contacts"


class SafetyInformation(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, models.Model
):
    """The Important Safety Information: one versioned source for the tray, page footers and /isi/."""

    title = models.CharField(max_length=120, default="Important Safety Information")
    job_code = models.CharField(max_length=32, blank=True, validators=[validate_job_code])
    boxed_warning_title = models.CharField(max_length=200)
    boxed_warning = RichTextField(features=RICH_FEATURES)
    tray_summary = models.TextField(
        help_text="Two or three plain sentences of the boxed warning, shown in the collapsed tray."
    )
    indication = RichTextField(features=RICH_FEATURES)
    warnings_and_precautions = RichTextField(features=[*RICH_FEATURES, "h3", "h4"])
    adverse_reactions = RichTextField(features=[*RICH_FEATURES, "h3", "h4"])
    specific_populations = RichTextField(features=[*RICH_FEATURES, "h3", "h4"])
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="safetyinformation")
    # Lets the ISI go through the same MLR workflow as pages (set up by besponsa.compliance).
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="safetyinformation",
        for_concrete_model=False,
    )

    base_form_class = JobCodeCheckedSnippetForm
    panels = [
        FieldPanel("title"),
        FieldPanel("job_code"),
        MultiFieldPanel(
            [FieldPanel("boxed_warning_title"), FieldPanel("boxed_warning"), FieldPanel("tray_summary")],
            "Boxed warning",
        ),
        FieldPanel("indication"),
        FieldPanel("warnings_and_precautions"),
        FieldPanel("adverse_reactions"),
        FieldPanel("specific_populations"),
    ]

    class Meta:
        verbose_name = "Important Safety Information"
        verbose_name_plural = "Important Safety Information"

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self) -> Any:
        return self._revisions

    def save_revision(self, *args: Any, changed: bool = True, **kwargs: Any) -> Any:
        """No new revision for an unchanged ISI under review. Wagtail's snippet editor saves the form
        before every review action; a reviewer who approves from the editor would otherwise write a new
        revision, and with WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT the MLR review would start again
        on a revision that reviewer wrote and may not approve. The page editor skips unchanged forms too."""
        latest = self.get_latest_revision()
        if not changed and latest is not None and self.workflow_in_progress:
            return latest
        return super().save_revision(*args, changed=changed, **kwargs)

    @classmethod
    def current(cls) -> SafetyInformation | None:
        """The live ISI: the most recently published one."""
        return cls.objects.filter(live=True).order_by("-last_published_at", "-pk").first()

    def get_preview_template(self, request: HttpRequest, mode_name: str) -> str:
        return "portal/isi_page.html"

    def get_preview_context(self, request: HttpRequest, mode_name: str) -> dict[str, Any]:
        return {"isi": self}


class ExternalDestination(models.Model):
    """An outside site that the leaving notice may send a user to (the allow-list)."""

    COMPANY = "company"
    THIRD_PARTY = "third_party"
    OWNER_CHOICES = [(COMPANY, "A Pfizer site"), (THIRD_PARTY, "A third-party site")]

    name = models.CharField(max_length=120)
    url = models.URLField(
        unique=True,
        help_text="The https address, or its prefix: every link starting with it is allowed.",
    )
    owner = models.CharField(max_length=20, choices=OWNER_CHOICES)

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("owner")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def clean(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValidationError({"url": "Only https addresses with a host name can be allowed."})
        if parts.username or parts.password:
            raise ValidationError({"url": "An address with a user name or password cannot be allowed."})
