from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("dang-vien/<int:pk>/ly-lich/", views.cv_print, name="cv_print"),
    path("dang-vien/<int:pk>/ly-lich/pdf/", views.cv_pdf, name="cv_pdf"),
    path("dang-vien/<int:pk>/ly-lich/word/", views.cv_docx, name="cv_docx"),
    path("dang-vien/<int:pk>/in/word/", views.phieu_docx, name="phieu_docx"),
    path("dang-vien/<int:pk>/van-ban/<slug:kind>/", views.decision, name="decision"),
    path("van-ban/mau/", views.templates_index, name="templates"),
    path("van-ban/mau/<slug:kind>/", views.template_detail, name="template_detail"),
    path("van-ban/mau/<slug:kind>/tai-ve/", views.template_download, name="template_download"),
    path("van-ban/mau/<slug:kind>/mac-dinh/", views.template_default, name="template_default"),
    path("van-ban/mau/<slug:kind>/khoi-phuc/", views.template_revert, name="template_revert"),
]
