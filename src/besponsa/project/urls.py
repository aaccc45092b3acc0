from django.urls import include, path
from django.views.decorators.cache import never_cache
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from besponsa.accounts import cms_account
from besponsa.portal.views import shell, styleguide

handler400 = "besponsa.portal.views.errors.bad_request"
handler403 = "besponsa.portal.views.errors.permission_denied"
handler404 = "besponsa.portal.views.errors.page_not_found"
handler500 = "besponsa.portal.views.errors.server_error"

urlpatterns = [
    path("healthz", shell.healthz, name="healthz"),
    path("robots.txt", shell.robots_txt, name="robots"),
    path("sitemap.xml", shell.sitemap, name="sitemap"),
    path("hcp-confirm/", shell.hcp_confirm, name="hcp-confirm"),
    path("leaving/", shell.leaving, name="leaving"),
    path("isi/", shell.isi, name="isi"),
    path("search/", shell.search, name="search"),
    path("accounts/", include("besponsa.accounts.urls")),
    path("api/", include("besponsa.api.urls")),
    path("tools/", include("besponsa.tools.urls")),
    path("cms/site-styleguide/", styleguide.styleguide, name="styleguide"),  # staff only, not linked
    path("", include("besponsa.intake.urls")),
    path("", include("besponsa.services.urls")),
    # Wagtail's account settings with the current password throttled (accounts/cms_account.py); before
    # Wagtail's own URLs so it answers at the same address, decorated as Wagtail decorates its views.
    path("cms/account/", never_cache(require_admin_access(cms_account.AccountView.as_view()))),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's front-end URLs, its page view given the route found earlier in this page-cache generation.
    path("", include("besponsa.portal.routing")),
]
