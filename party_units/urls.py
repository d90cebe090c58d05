from django.urls import path

from . import views

app_name = "party_units"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
]
