from django.urls import path

from . import dashboard_views, form_views, package_views, views

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
    path("bao-cao/dinh-ky/", package_views.packages_page, name="packages"),
    path("bao-cao/dinh-ky/to-chuc/<int:pk>/tao/", package_views.package_create, name="package_create"),
    path("bao-cao/dinh-ky/<int:pk>/", package_views.package_detail, name="package_detail"),
    path("bao-cao/dinh-ky/<int:pk>/loi-van/", package_views.package_narrative, name="package_narrative"),
    path("bao-cao/dinh-ky/<int:pk>/nop/", package_views.package_submit, name="package_submit"),
    path("bao-cao/dinh-ky/<int:pk>/tao-lai/", package_views.package_regenerate, name="package_regenerate"),
    path("bao-cao/dinh-ky/<int:pk>/mo-lai/", package_views.package_reopen, name="package_reopen"),
    path("bao-cao/dinh-ky/<int:pk>/word/", package_views.package_docx, name="package_docx"),
    path("bao-cao/dinh-ky/<int:pk>/so-sanh/", package_views.package_diff, name="package_diff"),
    path("bao-cao/tong-hop/", package_views.consolidation_page, name="consolidation"),
    path("bao-cao/tong-hop/<int:pk>/xlsx/", package_views.consolidation_xlsx, name="consolidation_xlsx"),
    path("bao-cao/mau-bao-cao/", package_views.templates_page, name="package_templates"),
    path("bao-cao/mau-bao-cao/moi/", package_views.template_create, name="package_template_create"),
    path("bao-cao/mau-bao-cao/<int:pk>/", package_views.template_edit, name="package_template_edit"),
    path("bao-cao/mau-bao-cao/<int:pk>/word/", package_views.template_docx, name="package_template_docx"),
]
