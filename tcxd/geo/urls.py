from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("dia-gioi/goi-y/", views.unit_suggest, name="unit_suggest"),
]
