from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("quy-dinh/", views.rules_in_force, name="in_force"),
    path("quy-dinh/ngay-nghi/", views.holidays, name="holidays"),
]
