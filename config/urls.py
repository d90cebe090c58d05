from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from party_units import signin
from party_units.views import home

admin.site.site_header = "Kiểm điểm, đánh giá, xếp loại chất lượng"
admin.site.site_title = "Quản trị"

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change (signed in) and reset by e-mail (EMAIL_BACKEND: console in development, SMTP in production).
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", signin.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("don-vi/", include("party_units.urls")),
    path("dang-vien/", include("members.urls")),
    path("danh-gia/", include("appraisal.urls")),
    path("bao-cao/", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
]

# Uncaught errors: a Vietnamese page, 503 when the database is unreachable (party_units/faults.py).
handler500 = "party_units.faults.server_error"
