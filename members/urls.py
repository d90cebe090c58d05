from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    path("<int:pk>/tai-khoan/", views.account_link, name="account_link"),
    path("<int:pk>/tai-khoan/bo-gan/", views.account_unlink, name="account_unlink"),
    path("<int:pk>/chuyen-sinh-hoat/", views.member_transfer, name="transfer"),
    path("<int:pk>/sinh-hoat-tam-thoi/", views.temporary_add, name="temporary_add"),
    path("<int:pk>/tinh-trang/them/", views.status_add, name="status_add"),
    path("tinh-trang/<int:pk>/ket-thuc/", views.status_end, name="status_end"),
    path("tinh-trang/<int:pk>/xoa/", views.status_delete, name="status_delete"),
    path("sinh-hoat/<int:pk>/ket-thuc/", views.membership_end, name="membership_end"),
    path("chi-bo/<int:unit_pk>/", views.roster, name="roster"),
    path("chi-bo/<int:unit_pk>/them/", views.member_create, name="create"),
    path("chi-bo/<int:unit_pk>/nhap/", views.import_upload, name="import"),
    path("chi-bo/<int:unit_pk>/nhap/xac-nhan/", views.import_confirm, name="import_confirm"),
    path("chi-bo/<int:unit_pk>/xuat.xlsx", views.export, name="export"),
    path("mau-nhap-danh-sach.xlsx", views.import_template, name="import_template"),
]
