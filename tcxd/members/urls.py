from django.urls import path

from . import views

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
    path("dang-vien/bo-loc/luu/", views.saved_search_save, name="saved_search_save"),
    path("dang-vien/bo-loc/<int:pk>/xoa/", views.saved_search_remove, name="saved_search_remove"),
]
