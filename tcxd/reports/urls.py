from django.urls import path

from . import dashboard_views, views

app_name = "reports"

urlpatterns: list = [
    path("bao-cao/tong-quan/", dashboard_views.dashboard, name="dashboard"),
    path("bao-cao/chi-tieu/", views.targets, name="targets"),
    path("bao-cao/chi-tieu/<int:pk>/dat/", views.target_set, name="target_set"),
    path("bao-cao/chi-tieu/<int:pk>/xoa/", views.target_remove, name="target_remove"),
]
