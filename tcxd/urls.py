from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tcxd.api import api
from tcxd.authz.forms import LoginForm, PasswordChangeForm
from tcxd.common import views as common_views
from tcxd.orgs import views as org_views

admin.site.site_header = "TCXD — Quản trị hệ thống"
admin.site.site_title = "TCXD"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("", org_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm,
                                                    redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
         name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("tcxd.orgs.urls")),
    path("", include("tcxd.rules.urls")),
    path("", include("tcxd.members.urls")),
    path("", include("tcxd.fees.urls")),
    path("", include("tcxd.meetings.urls")),
    path("", include("tcxd.cadres.urls")),
    path("", include("tcxd.reports.urls")),
    path("", include("tcxd.geo.urls")),
    path("", include("tcxd.restructure.urls")),
    path("", include("tcxd.imports.urls")),
    path("", include("tcxd.documents.urls")),
    path("", include("tcxd.exports.urls")),
    path("favicon.ico", common_views.favicon, name="favicon"),
    path("healthz", common_views.healthz, name="healthz"),
    path("quan-tri/", admin.site.urls),
    path("api/", api.urls),
]

handler404 = "tcxd.common.views.error_404"
handler500 = "tcxd.common.views.error_500"
handler403 = "tcxd.common.views.error_403"
