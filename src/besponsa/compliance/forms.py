"""Admin forms that refuse a bad job code when a change is submitted to MLR review, not at the last step."""

from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

SUBMIT_ACTIONS = ("action-submit", "action-workflow-action")


def _submitting(data: Any) -> bool:
    """The editor's "Submit to MLR review" (or a restart of the review) was pressed."""
    return any(name in data for name in SUBMIT_ACTIONS) or data.get("workflow-action-name") == "submit"


class JobCodeCheckedPageForm(WagtailAdminPageForm):
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if _submitting(self.data) and "job_code" in self.fields:
            from besponsa.compliance import rules

            problem = rules.job_code_problem(cleaned.get("job_code"), page_id=self.instance.pk)
            if problem:
                self.add_error("job_code", f"Not submitted to MLR review: {problem}.")
        return cleaned


class JobCodeCheckedSnippetForm(WagtailAdminModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if _submitting(self.data) and "job_code" in self.fields:
            from besponsa.compliance import rules

            problem = rules.job_code_problem(cleaned.get("job_code"), isi_id=self.instance.pk)
            if problem:
                self.add_error("job_code", f"Not submitted to MLR review: {problem}.")
        return cleaned
