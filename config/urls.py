from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from party_units.views import home

admin.site.site_header = "Kiểm điểm, đánh giá, xếp loại chất lượng"
admin.site.site_title = "Quản trị"

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("don-vi/", include("party_units.urls")),
    path("dang-vien/", include("members.urls")),
    path("danh-gia/", include("appraisal.urls")),
    path("bao-cao/", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
]
