from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("to-chuc/", views.tree, name="tree"),
    path("to-chuc/<int:pk>/", views.org_detail, name="detail"),
    path("to-chuc/<int:pk>/truc-thuoc/", views.children, name="children"),
    path("to-chuc/<int:pk>/lich-su/", views.org_history, name="history"),
    path("to-chuc/<int:pk>/truc-thuoc.csv", views.org_children_csv, name="children_csv"),
    path("to-chuc/<int:pk>/cap-uy.csv", views.committee_csv, name="committee_csv"),
    path("to-chuc/<int:pk>/them/", views.org_create, name="create"),
    path("to-chuc/<int:pk>/sua/", views.org_edit, name="edit"),
    path("to-chuc/<int:pk>/chuyen/", views.org_move, name="move"),
    path("to-chuc/<int:pk>/giai-the/", views.org_close, name="close"),
    path("to-chuc/<int:pk>/dang-so/", views.org_headcount, name="headcount"),
    path("to-chuc/<int:pk>/dai-hoi/them/", views.congress_create, name="congress_create"),
    path("dai-hoi/<int:pk>/sua/", views.congress_edit, name="congress_edit"),
    path("to-chuc/<int:pk>/cap-uy/them/", views.seat_create, name="seat_create"),
    path("cap-uy/<int:pk>/thoi/", views.seat_end, name="seat_end"),
    path("canh-bao/", views.warnings_list, name="warnings"),
    path("dai-hoi/tien-do/", views.congress_progress, name="congress_progress"),
]
