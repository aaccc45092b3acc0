from django.urls import path

from besponsa.api.endpoints import api, docs

urlpatterns = [
    path("v1/docs", docs, name="api-docs"),
    path("v1/", api.urls),
]
