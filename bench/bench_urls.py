"""The site's URLs plus one minimal view: the framework floor the benchmarks compare against."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from besponsa.project.urls import urlpatterns as site_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"<!doctype html><title>floor</title><p>ok</p>")


urlpatterns = [path("__floor__/", floor), *site_urlpatterns]
