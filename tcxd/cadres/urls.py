from django.urls import path

from . import views

app_name = "cadres"
urlpatterns = [
    path("can-bo/", views.cadre_list, name="list"),
    path("can-bo/them/", views.cadre_create, name="create"),
    path("can-bo/<int:pk>/", views.cadre_detail, name="detail"),
    path("can-bo/<int:pk>/huy/", views.cadre_void, name="void"),
    path("can-bo/goi-y/dang-vien/", views.member_suggest, name="member_suggest"),
    path("can-bo/goi-y/to-chuc/", views.org_suggest, name="org_suggest"),
]
