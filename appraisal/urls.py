from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("ky/<int:cycle_pk>/tien-do/", views.dashboard, name="dashboard"),
    path("ky/<int:cycle_pk>/tien-do/<int:unit_pk>/", views.dashboard, name="dashboard_unit"),
    path("ky/<int:cycle_pk>/tien-do/<int:unit_pk>/phe-duyet/", views.bulk_approve, name="bulk_approve"),
    path("ky/<int:cycle_pk>/tien-do/<int:unit_pk>/nang-ty-le/", views.quota_raise, name="quota_raise"),
    path("ky/<int:cycle_pk>/tien-do/<int:unit_pk>/nhom-doi-tuong/", views.quota_groups, name="quota_groups"),
    path("ky/<int:cycle_pk>/nhat-ky/", views.cycle_audit, name="cycle_audit"),
    path("quyet-dinh/<int:pk>/", views.decision, name="decision"),
    path("xep-loai/<int:pk>/lich-su/", views.rating_history, name="rating_history"),
    path("", views.index, name="index"),
    path("don-vi/<int:unit_pk>/ky/", views.cycle_list, name="cycle_list"),
    path("don-vi/<int:unit_pk>/ky/tao/", views.cycle_create, name="cycle_create"),
    path("ky/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("ky/<int:pk>/sua/", views.cycle_edit, name="cycle_edit"),
    path("ky/<int:pk>/mo/", views.cycle_open, name="cycle_open"),
    path("ky/<int:pk>/cap-nhat-pham-vi/", views.cycle_sync, name="cycle_sync"),
    path("ky/<int:pk>/ket-thuc/", views.cycle_close, name="cycle_close"),
    path("ky/<int:pk>/mo-lai/", views.cycle_reopen, name="cycle_reopen"),
    path("ky/<int:cycle_pk>/don-vi/<int:unit_pk>/", views.unit_review, name="unit_review"),
    path(
        "ky/<int:cycle_pk>/don-vi/<int:unit_pk>/van-ban/<int:document_pk>/",
        views.unit_review_document,
        name="unit_review_document",
    ),
    path("ky/<int:cycle_pk>/don-vi/<int:unit_pk>/hoi-nghi/", views.meeting, name="meeting"),
    path("ky/<int:cycle_pk>/don-vi/<int:unit_pk>/hoi-nghi/gui/", views.meeting_submit, name="meeting_submit"),
    path("ky/<int:cycle_pk>/don-vi/<int:unit_pk>/hoi-nghi/rut-lai/", views.meeting_withdraw, name="meeting_withdraw"),
    path("van-ban/<int:unit_pk>/", views.document_register, name="document_register"),
    path("van-ban/<int:unit_pk>/them/", views.document_create, name="document_create"),
    path("van-ban/tep/<int:pk>/", views.document_file, name="document_file"),
    path("ky/<int:pk>/tieu-chi-cham-diem/", views.cycle_score_criteria, name="cycle_score_criteria"),
    path("ky/<int:cycle_pk>/don-vi/<int:unit_pk>/ban-kiem-diem/", views.cell_self_reviews, name="cell_self_reviews"),
    path("ky/<int:cycle_pk>/don-vi/<int:unit_pk>/bao-cao-tap-the/", views.collective_report, name="collective_report"),
    path("ban-kiem-diem/cua-toi/", views.my_self_review, name="my_self_review"),
    path("ban-kiem-diem/<int:ur_pk>/<int:member_pk>/", views.self_review, name="self_review"),
    path("ban-kiem-diem/<int:ur_pk>/<int:member_pk>/tu-luu/", views.self_review_autosave, name="self_review_autosave"),
    path("ban-kiem-diem/<int:ur_pk>/<int:member_pk>/mo-lai/", views.self_review_reopen, name="self_review_reopen"),
    path("ban-kiem-diem/tra-lai/<int:pk>/", views.self_review_return, name="self_review_return"),
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("thong-bao/<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("thong-bao/da-doc-tat-ca/", views.notification_read_all, name="notification_read_all"),
]
