"""The project's URLs plus one trivial login-protected view, the benchmark's unit of comparison."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urls


@login_required
def ping(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-ping/", ping, name="bench_ping"), *project_urls]
