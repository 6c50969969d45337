from django.urls import path

from . import views

app_name = "restructure"

urlpatterns = [
    path("sap-xep/", views.operation_list, name="list"),
    path("sap-xep/moi/", views.operation_create, name="create"),
    path("sap-xep/goi-y-to-chuc/", views.org_suggest, name="org_suggest"),
    path("sap-xep/<int:pk>/", views.operation_detail, name="detail"),
    path("sap-xep/<int:pk>/sua/", views.operation_edit, name="edit"),
    path("sap-xep/<int:pk>/xem-truoc/", views.operation_preview, name="preview"),
    path("sap-xep/<int:pk>/thuc-hien/", views.operation_apply, name="apply"),
    path("sap-xep/<int:pk>/tien-do/", views.operation_progress, name="progress"),
    path("sap-xep/<int:pk>/hoan-tac/", views.operation_undo, name="undo"),
    path("sap-xep/de-an/", views.plan_list, name="plans"),
    path("sap-xep/de-an/moi/", views.plan_create, name="plan_create"),
    path("sap-xep/de-an/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("sap-xep/de-an/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
]
