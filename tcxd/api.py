"""The JSON API: one NinjaAPI, routers per context, errors as JSON with a stable code and a
Vietnamese message. OpenAPI at /api/openapi.json, docs (served locally) at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tcxd.authz.api import ApiKeyAuth, SessionAuthCsrf
from tcxd.authz.api import router as auth_router
from tcxd.cadres.api import router as cadres_router
from tcxd.common.errors import DomainError
from tcxd.documents.api import router as documents_router
from tcxd.exports.api import router as exports_router
from tcxd.fees.api import router as fees_router
from tcxd.imports.api import router as imports_router
from tcxd.meetings.api import router as meetings_router
from tcxd.members.api import router as members_router
from tcxd.members.dossier_api import router as member_dossier_router
from tcxd.orgs.api import router as orgs_router
from tcxd.reports.api import router as reports_router
from tcxd.reports.dashboard_api import router as reports_dashboard_router
from tcxd.reports.form_api import router as reports_forms_router
from tcxd.reports.package_api import router as reports_packages_router
from tcxd.restructure.api import router as restructure_router
from tcxd.rules.api import router as rules_router

api = NinjaAPI(
    title="TCXD API",
    version="1.0",
    description=(
        "API của hệ thống TCXD (công tác tổ chức xây dựng Đảng). Mọi thao tác theo phạm vi tổ chức của "
        "người dùng; bản ghi ngoài phạm vi trả về 404. Xác thực: `Authorization: Bearer <mã>` lấy từ "
        "`POST /api/auth/token`, hoặc phiên đăng nhập web (kèm CSRF)."
    ),
    auth=[ApiKeyAuth(), SessionAuthCsrf()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _err(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _err(request, 404, "not_found", "Không tìm thấy.")


@api.exception_handler(DjangoPermissionDenied)
def forbidden(request, exc):
    return _err(request, 403, "permission_denied", str(exc) or "Bạn không có quyền thực hiện thao tác này.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _err(request, 401, "unauthenticated", "Chưa xác thực: cần mã truy cập hoặc đăng nhập.")


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    errors = [{"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg", "")} for e in exc.errors]
    return _err(request, 422, "invalid_input", "Dữ liệu gửi lên không đúng định dạng.", errors=errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _err(request, exc.status_code, "http_error", str(exc))


api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/rules", rules_router)
api.add_router("/members", members_router)
api.add_router("/members", member_dossier_router)
api.add_router("/fees", fees_router)
api.add_router("/meetings", meetings_router)
api.add_router("/cadres", cadres_router)
api.add_router("/reports", reports_router)
api.add_router("/reports", reports_dashboard_router)
api.add_router("/reports", reports_forms_router)
api.add_router("/reports", reports_packages_router)
api.add_router("/restructure", restructure_router)
api.add_router("/imports", imports_router)
api.add_router("/documents", documents_router)
api.add_router("/exports", exports_router)
