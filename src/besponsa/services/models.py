"""Materials (CMS pages, so they share the job-code, MLR approval and expiry rules of every page) and the
print orders verified HCPs place for them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.module_loading import import_string
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from besponsa.accounts.states import STATE_CHOICES
from besponsa.portal.models import SitePage

# The most copies of one material a single order may ask for, whatever an editor sets.
ORDER_LIMIT_CEILING = 500


class ListingPage(SitePage):
    """A one-of-a-kind page that lists the pages below it that may be shown today, in its template as
    `listing_name`. The listing is worked out by the function at `listing_function`, a dotted path
    (imported when called: its module imports these models)."""

    max_count = 1
    listing_name = ""
    listing_function = ""

    class Meta:
        abstract = True

    def listing(self) -> list[Any]:
        return list(import_string(self.listing_function)(self))

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context[self.listing_name] = self.listing()
        return context


class MaterialLibraryPage(ListingPage):
    """/support/materials/: the catalog. Lists the materials below it that may be served today."""

    template = "services/material_library_page.html"
    subpage_types = ["services.MaterialPage"]
    listing_name = "materials"
    listing_function = "besponsa.services.materials.servable_materials"


class MaterialPage(SitePage):
    """One material: a PDF to download and, when `printable`, printed copies to order."""

    HCP = "hcp"
    PATIENT = "patient"
    AUDIENCE_CHOICES = [(HCP, "Healthcare professionals"), (PATIENT, "Patients and caregivers")]
    FORMAT_CHOICES = [
        ("guide", "Guide"),
        ("summary", "Summary"),
        ("pocket_card", "Pocket card"),
        ("brochure", "Brochure"),
    ]

    audience = models.CharField(max_length=16, choices=AUDIENCE_CHOICES, default=HCP)
    format = models.CharField(max_length=16, choices=FORMAT_CHOICES, default="guide")
    thumbnail = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(
        upload_to="materials/",
        blank=True,
        help_text="The PDF. Generated materials are written by `manage.py generate_materials`.",
    )
    generator = models.CharField(
        max_length=32,
        blank=True,
        help_text="Which single-source generator writes the PDF (empty for an uploaded file).",
    )
    source_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the sources the PDF was generated from; when they change the material is "
        "withheld until the regenerated PDF is approved.",
    )
    printable = models.BooleanField(default=True, help_text="Printed copies can be ordered.")
    max_per_order = models.PositiveSmallIntegerField(
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(ORDER_LIMIT_CEILING)],
        help_text=f"Most copies one order may ask for (1 to {ORDER_LIMIT_CEILING}).",
    )

    template = "services/material_page.html"
    parent_page_types = ["services.MaterialLibraryPage"]
    subpage_types: list[str] = []

    content_panels = [
        *SitePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("format"), FieldPanel("thumbnail"), FieldPanel("file")],
            "Material",
        ),
        MultiFieldPanel([FieldPanel("printable"), FieldPanel("max_per_order")], "Print orders"),
        MultiFieldPanel(
            [FieldPanel("generator", read_only=True), FieldPanel("source_fingerprint", read_only=True)],
            "Single source",
        ),
    ]


class HcpRequest(models.Model):
    """Something an HCP asked staff for: listed newest first, known to both by its reference."""

    REFERENCE_PREFIX = ""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"


class Order(HcpRequest):
    """A print order. Staff of the Fulfillment operations group move it through its statuses."""

    REFERENCE_PREFIX = "MO"

    RECEIVED = "received"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [
        (RECEIVED, "Received"),
        (PROCESSING, "Being prepared"),
        (SHIPPED, "Shipped"),
        (CANCELLED, "Cancelled"),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=RECEIVED)
    recipient = models.CharField(max_length=120)
    organization = models.CharField(max_length=120, blank=True)
    address_line1 = models.CharField(max_length=120)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    zip_code = models.CharField(max_length=10)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    ADDRESS_FIELDS = (
        "recipient",
        "organization",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "zip_code",
    )


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    material = models.ForeignKey(MaterialPage, on_delete=models.PROTECT, related_name="+")
    # What was ordered, as it was then: the material's title and job code may change later.
    title = models.CharField(max_length=255)
    job_code = models.CharField(max_length=32)
    quantity = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["order", "material"], name="one_line_per_material")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class SupportReferral(HcpRequest):
    """An office asks the patient-support program to contact it. No patient data: no free text at all."""

    REFERENCE_PREFIX = "PS"

    COVERAGE = "coverage"
    FINANCIAL = "financial"
    LOGISTICS = "logistics"
    HELP_CHOICES = [
        (COVERAGE, "Insurance coverage (benefits verification, prior authorization, appeals)"),
        (FINANCIAL, "Financial assistance (co-pay support, patient assistance)"),
        (LOGISTICS, "Logistics (ordering and getting the product to the site of care)"),
    ]
    TIME_CHOICES = [
        ("morning", "Morning (9 am to 12 pm)"),
        ("afternoon", "Afternoon (12 pm to 5 pm)"),
        ("any", "Any time during business hours"),
    ]
    ZONE_CHOICES = [
        ("America/New_York", "Eastern"),
        ("America/Chicago", "Central"),
        ("America/Denver", "Mountain"),
        ("America/Phoenix", "Arizona"),
        ("America/Los_Angeles", "Pacific"),
        ("America/Anchorage", "Alaska"),
        ("Pacific/Honolulu", "Hawaii"),
        ("America/Puerto_Rico", "Atlantic (Puerto Rico, US Virgin Islands)"),
        ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ]
    NEW = "new"
    CONTACTED = "contacted"
    CLOSED = "closed"
    STATUS_CHOICES = [(NEW, "New"), (CONTACTED, "Contacted"), (CLOSED, "Closed")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_referrals"
    )
    office_name = models.CharField(max_length=120)
    contact_name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)
    email = models.EmailField()
    preferred_time = models.CharField(max_length=16, choices=TIME_CHOICES)
    time_zone = models.CharField(max_length=32, choices=ZONE_CHOICES)
    coverage = models.BooleanField(default=False)
    financial = models.BooleanField(default=False)
    logistics = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=NEW)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    @property
    def help_labels(self) -> list[str]:
        return [label for key, label in self.HELP_CHOICES if getattr(self, key)]


US_TIME_ZONES = SupportReferral.ZONE_CHOICES


class EventIndexPage(ListingPage):
    """/support/events/: upcoming events only; an event leaves the list when it starts."""

    template = "services/event_index_page.html"
    subpage_types = ["services.EventPage"]
    listing_name = "events"
    listing_function = "besponsa.services.events.upcoming"

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().serve(request, *args, **kwargs)
        # A cached listing must not outlive the start of the first event on it.
        events = self.listing()
        if events:
            response.cache_not_after = events[0].starts_at  # type: ignore[attr-defined]
        return response


class EventPage(SitePage):
    SPEAKER_PROGRAM = "speaker_program"
    WEBINAR = "webinar"
    KIND_CHOICES = [(SPEAKER_PROGRAM, "Speaker program (in person)"), (WEBINAR, "Webinar (online)")]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default=SPEAKER_PROGRAM)
    starts_at = models.DateTimeField(help_text="Start, in the event's time zone below.")
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=32, choices=US_TIME_ZONES, default="America/New_York")
    venue = models.CharField(max_length=255, blank=True, help_text="Address, for a speaker program.")
    join_url = models.URLField(blank=True, help_text="Webinar link; shown to registered attendees only.")
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    speaker = models.CharField(max_length=200, help_text="Name, credentials and affiliation.")
    agenda = models.TextField(help_text="One item per line, e.g. “6:30 pm Welcome”.")

    template = "services/event_page.html"
    parent_page_types = ["services.EventIndexPage"]
    subpage_types: list[str] = []

    content_panels = [
        *SitePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("time_zone")],
            "When",
        ),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("join_url"), FieldPanel("capacity")], "Where"),
        FieldPanel("speaker"),
        FieldPanel("agenda"),
    ]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "End: must be after the start."
        if self.kind == self.SPEAKER_PROGRAM and not self.venue.strip():
            errors["venue"] = "Venue: a speaker program needs an address."
        if self.kind == self.WEBINAR and not self.join_url:
            errors["join_url"] = "Webinar link: a webinar needs the address attendees join at."
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from besponsa.services.events import confirmed_count, is_open, local_times

        context = super().get_context(request, *args, **kwargs)
        user = getattr(request, "user", None)
        mine = None
        if user is not None and user.is_authenticated:
            mine = (
                Registration.objects.filter(event=self, user=user)
                .exclude(status=Registration.CANCELLED)
                .first()
            )
        context["registration"] = mine
        context["seats_left"] = max(self.capacity - confirmed_count(self), 0)
        context["open"] = is_open(self)
        context["starts"], context["ends"] = local_times(self)
        return context

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Registration(models.Model):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [(CONFIRMED, "Registered"), (WAITLISTED, "On the waitlist"), (CANCELLED, "Cancelled")]

    event = models.ForeignKey(EventPage, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    # Copied at registration for transparency reporting: what the HCP attested when they signed up.
    npi = models.CharField(max_length=10)
    license_state = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)
    # The waitlist is served in this order; re-registering after a cancellation joins the end.
    queued_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_hcp")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id} ({self.status})"


class SavedCalculation(models.Model):
    """A clinical-tool result an HCP chose to keep, under their own label. Never a patient identifier:
    the form refuses labels and inputs that look like one (see besponsa.services.workspace)."""

    TOOL_CHOICES = [
        ("dose", "Dose and infusion calculator"),
        ("planner", "Cycle planner"),
        ("course", "Course planner"),
        ("modifications", "Dose modifications"),
        ("response", "Response assessment"),
        ("safety", "Safety checks"),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_calculations"
    )
    tool = models.CharField(max_length=20, choices=TOOL_CHOICES)
    label = models.CharField(max_length=80)
    inputs = models.JSONField()
    outputs = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class EmailPreferences(models.Model):
    """Optional emails an HCP can turn off. Confirmations of what they just did are always sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    event_reminders = models.BooleanField(default=True, verbose_name="Reminders the day before an event")
    order_updates = models.BooleanField(
        default=True, verbose_name="Order status updates (being prepared, shipped)"
    )

    def __str__(self) -> str:
        return f"email preferences of {self.user_id}"

    @classmethod
    def for_user(cls, user: Any) -> EmailPreferences:
        found = cls.objects.filter(user=user).first()
        return found or cls(user=user)


def _vtt(name: str) -> bool:
    return name.lower().endswith(".vtt")


class VideoPage(SitePage):
    """A self-hosted video with required WebVTT captions and a full transcript; no third-party player.
    Publishing is refused without both (wagtail_hooks), and a live page missing either is withheld."""

    video = models.FileField(upload_to="videos/", help_text="MP4 (H.264) or WebM file.")
    captions = models.FileField(
        upload_to="videos/", blank=True, help_text="WebVTT captions (.vtt). Required."
    )
    transcript = models.TextField(blank=True, help_text="The full transcript, shown on the page. Required.")
    chapters = models.TextField(blank=True, help_text="One chapter per line: “0:00 Title”.")
    poster = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    template = "services/video_page.html"
    subpage_types: list[str] = []

    content_panels = [
        *SitePage.content_panels,
        MultiFieldPanel([FieldPanel("video"), FieldPanel("poster"), FieldPanel("captions")], "Video"),
        FieldPanel("transcript"),
        FieldPanel("chapters"),
    ]

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.video and not self.video.name.lower().endswith((".mp4", ".webm")):
            errors["video"] = "Video: an .mp4 or .webm file."
        if self.captions:
            if not _vtt(self.captions.name):
                errors["captions"] = "Captions: a WebVTT file ending in .vtt."
            else:
                self.captions.open("rb")
                try:
                    head = self.captions.read(6)
                finally:
                    self.captions.close()
                if head != b"WEBVTT":
                    errors["captions"] = "Captions: not WebVTT (the file must start with “WEBVTT”)."
        if self.chapters_problem():
            errors["chapters"] = str(self.chapters_problem())
        if errors:
            raise ValidationError(errors)

    def publish_problem(self) -> str | None:
        missing = [
            name
            for name, value in (("WebVTT captions", self.captions), ("a transcript", self.transcript.strip()))
            if not value
        ]
        return f"a video needs {' and '.join(missing)} before it is published" if missing else None

    def chapter_list(self) -> list[tuple[int, str, str]]:
        """(seconds, "m:ss", title) per chapter line."""
        found = []
        for line in self.chapters.splitlines():
            stamp, _, title = line.strip().partition(" ")
            minutes, _, seconds = stamp.partition(":")
            if minutes.isdigit() and seconds.isdigit() and len(seconds) == 2 and title.strip():
                found.append((int(minutes) * 60 + int(seconds), stamp, title.strip()))
        return found

    def chapters_problem(self) -> str | None:
        lines = [line for line in self.chapters.splitlines() if line.strip()]
        if len(self.chapter_list()) != len(lines):
            return "Chapters: one per line as “m:ss Title”, e.g. “1:05 Reconstitution”."
        return None
