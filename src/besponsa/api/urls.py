from django.urls import path

from besponsa.api import fhir  # noqa: F401  (registers the /fhir/ operations on the same API)
from besponsa.api.endpoints import api, docs

urlpatterns = [
    path("v1/docs", docs, name="api-docs"),
    path("v1/", api.urls),
]
