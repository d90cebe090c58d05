from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("<int:pk>/", views.member_detail, name="detail"),
]
