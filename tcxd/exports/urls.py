from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("xuat-du-lieu/", views.export_list, name="list"),
    path("xuat-du-lieu/tep/<int:pk>/", views.export_detail, name="detail"),
    path("xuat-du-lieu/tep/<int:pk>/tien-do/", views.export_progress, name="progress"),
    path("xuat-du-lieu/tep/<int:pk>/tai/", views.export_download, name="download"),
    path("xuat-du-lieu/tep/<int:pk>/xoa/", views.export_remove, name="remove"),
    path("xuat-du-lieu/<slug:source>/", views.export_start, name="start"),
]
