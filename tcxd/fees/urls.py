from django.urls import path

from . import views

app_name = "fees"
urlpatterns = [
    path("dang-phi/", views.report, name="report"),
    path("dang-phi/dang-vien/<int:pk>/", views.member_fees, name="member_fees"),
    path("dang-phi/to-chuc/<int:pk>/", views.ledger, name="ledger"),
    path("dang-phi/to-chuc/<int:pk>/tinh/", views.compute, name="compute"),
    path("dang-phi/to-chuc/<int:pk>/nam/", views.year, name="year"),
    path("dang-phi/to-chuc/<int:pk>/can-cu/", views.bases, name="bases"),
    path("dang-phi/to-chuc/<int:pk>/can-cu/them/", views.basis_create, name="basis_create"),
    path("dang-phi/to-chuc/<int:pk>/mien-giam/them/", views.decision_create, name="decision_create"),
]
