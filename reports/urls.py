from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("don-vi/<int:unit_pk>/<slug:kind>/", views.job_create, name="job_create"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/tai-ve/", views.job_download, name="download"),
    path("<int:pk>/tao-lai/", views.job_again, name="again"),
    path("ky/<int:cycle_pk>/luu-tru/", views.cycle_archive, name="cycle_archive"),
]
