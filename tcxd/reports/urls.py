from django.urls import path

from . import dashboard_views, form_views, views

app_name = "reports"

urlpatterns: list = [
    path("bao-cao/tong-quan/", dashboard_views.dashboard, name="dashboard"),
    path("bao-cao/chi-tieu/", views.targets, name="targets"),
    path("bao-cao/chi-tieu/<int:pk>/dat/", views.target_set, name="target_set"),
    path("bao-cao/chi-tieu/<int:pk>/xoa/", views.target_remove, name="target_remove"),
    path("bao-cao/bieu-thong-ke/", form_views.forms_page, name="forms"),
    path("bao-cao/bieu-thong-ke/<int:pk>/xlsx/", form_views.form_xlsx, name="form_xlsx"),
    path("bao-cao/bieu-thong-ke/<int:pk>/pdf/", form_views.form_pdf, name="form_pdf"),
    path("bao-cao/bieu-thong-ke/mau/moi/", form_views.form_create, name="form_create"),
    path("bao-cao/bieu-thong-ke/mau/<int:pk>/", form_views.form_edit, name="form_edit"),
]
