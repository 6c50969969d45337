from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("sinh-hoat/", views.index, name="index"),
    path("sinh-hoat/chi-bo/<int:pk>/", views.cell, name="cell"),
    path("sinh-hoat/chi-bo/<int:pk>/ghi/", views.record, name="record"),
    path("sinh-hoat/chi-bo/<int:pk>/so-diem-danh/", views.register, name="register"),
    path("sinh-hoat/buoi/<int:pk>/", views.meeting_detail, name="detail"),
    path("sinh-hoat/buoi/<int:pk>/sua/", views.edit, name="edit"),
]
