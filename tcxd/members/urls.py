from django.urls import path

from . import dossier_views, views

app_name = "members"
urlpatterns = [
    path("dang-vien/", views.member_list, name="list"),
    path("dang-vien/<int:pk>/", views.member_detail, name="detail"),
    path("dang-vien/<int:pk>/sua/", views.member_edit, name="edit"),
    path("dang-vien/<int:pk>/su-kien/<slug:kind>/", views.event_create, name="event_create"),
    path("su-kien/<int:pk>/huy/", views.event_void, name="event_void"),
    path("to-chuc/<int:org_pk>/quan-chung/them/", views.member_create, name="create"),
    path("chuyen-sinh-hoat/", views.transfers_incoming, name="transfers"),
    path("viec-can-lam/", views.work_list, name="worklist"),
    path("dang-vien/tong-hop/", views.home_summary, name="home_summary"),
    path("dang-vien/bo-loc/luu/", views.saved_search_save, name="saved_search_save"),
    path("dang-vien/bo-loc/<int:pk>/xoa/", views.saved_search_remove, name="saved_search_remove"),
    # Dossier rows, documents, print (dossier_views)
    path("dang-vien/<int:pk>/qua-trinh/<slug:kind>/them/", dossier_views.row_add, name="row_add"),
    path("qua-trinh/<int:pk>/<slug:kind>/sua/", dossier_views.row_edit, name="row_edit"),
    path("qua-trinh/<int:pk>/<slug:kind>/xoa/", dossier_views.row_delete, name="row_delete"),
    path("dang-vien/<int:pk>/tai-lieu/them/", dossier_views.attachment_add, name="attachment_add"),
    path("tai-lieu/<int:pk>/tai-ve/", dossier_views.attachment_download, name="attachment_download"),
    path("tai-lieu/<int:pk>/go/", dossier_views.attachment_remove, name="attachment_remove"),
    path("dang-vien/<int:pk>/anh/", dossier_views.photo, name="photo"),
    path("dang-vien/<int:pk>/anh/sua/", dossier_views.photo_set, name="photo_set"),
    path("dang-vien/<int:pk>/anh/go/", dossier_views.photo_remove, name="photo_remove"),
    path("dang-vien/<int:pk>/in/", dossier_views.member_print, name="print"),
    path("dang-vien/<int:pk>/in/pdf/", dossier_views.member_print_pdf, name="print_pdf"),
]
