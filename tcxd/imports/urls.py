from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("nhap-du-lieu/", views.batch_list, name="list"),
    path("nhap-du-lieu/tai-len/", views.batch_upload, name="upload"),
    path("nhap-du-lieu/goi-y-to-chuc/", views.org_suggest, name="org_suggest"),
    path("nhap-du-lieu/<int:pk>/", views.batch_detail, name="detail"),
    path("nhap-du-lieu/<int:pk>/ghep-cot/", views.batch_map, name="map"),
    path("nhap-du-lieu/<int:pk>/tien-do/", views.batch_progress, name="progress"),
    path("nhap-du-lieu/<int:pk>/ap-dung/", views.batch_apply, name="apply"),
    path("nhap-du-lieu/<int:pk>/bao-cao-loi/", views.batch_report, name="report"),
    path("nhap-du-lieu/dong/<int:pk>/", views.row_decide, name="row"),
]
