"""Filling a decision template (.docx with docxtpl/Jinja placeholders) and judging an uploaded one.

Templates are uploaded by users, so they are rendered in Jinja's sandbox (no attribute walk to Python
internals from a ``{{ … }}``), with autoescaping (a value with ``&`` or ``<`` stays valid XML). A template
may only use the placeholders of its document (``context.placeholders``): any other name is refused at
upload, named in the message, rather than printing as an empty gap.
"""

from __future__ import annotations

import io
import zipfile

from .context import placeholders, sample_context

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class TemplateProblem(ValueError):
    """The .docx template cannot be used; the message says why, in Vietnamese."""


def _environment():
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True)


def _template(template_bytes: bytes):
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(io.BytesIO(template_bytes))
        tpl.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise TemplateProblem("Tệp không phải tài liệu Word .docx đọc được (hãy lưu lại trong Word dưới dạng "
                              "“Word Document (*.docx)”).") from exc
    return tpl


def render_docx(template_bytes: bytes, context: dict) -> bytes:
    """The document: ``template_bytes`` filled with ``context`` (every value text)."""
    import jinja2

    tpl = _template(template_bytes)
    try:
        tpl.render(context, jinja_env=_environment())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"Thẻ trong mẫu viết sai (gần dòng {exc.lineno} của nội dung tài liệu): "
                              f"{exc.message}. Thẻ đúng có dạng {{{{ ho_ten }}}}.") from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"Mẫu không điền được: {exc}.") from exc
    except (KeyError, ValueError, AttributeError, TypeError) as exc:
        raise TemplateProblem(f"Mẫu không điền được ({exc.__class__.__name__}).") from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def unknown_placeholders(template_bytes: bytes, kind: str) -> list[str]:
    """The names a template uses that are not placeholders of its document, sorted."""
    import jinja2

    tpl = _template(template_bytes)
    env = _environment()
    try:
        used = tpl.get_undeclared_template_variables(jinja_env=env)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"Thẻ trong mẫu viết sai (gần dòng {exc.lineno} của nội dung tài liệu): "
                              f"{exc.message}. Thẻ đúng có dạng {{{{ ho_ten }}}}.") from exc
    return sorted(set(used) - set(placeholders(kind)) - set(env.globals))


def template_problems(template_bytes: bytes | None, kind: str) -> list[str]:
    """Why a .docx cannot be the template of ``kind`` (empty when it renders with a sample record and uses only
    the document's placeholders), each reason in Vietnamese."""
    if not template_bytes:
        return ["Chưa chọn tệp mẫu Word (.docx)."]
    if len(template_bytes) > MAX_TEMPLATE_BYTES:
        return [f"Tệp mẫu lớn quá {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB."]
    if not zipfile.is_zipfile(io.BytesIO(template_bytes)):
        return ["Tệp không phải tài liệu Word .docx (hãy lưu lại trong Word dưới dạng “Word Document (*.docx)”)."]
    try:
        unknown = unknown_placeholders(template_bytes, kind)
        if unknown:
            names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            return [f"Mẫu dùng thẻ không có trong danh sách thẻ của văn bản này: {names}. Sửa lại tên thẻ theo "
                    "danh sách thẻ dùng được (chữ thường không dấu, nối bằng dấu gạch dưới)."]
        render_docx(template_bytes, sample_context(kind))
    except TemplateProblem as exc:
        return [str(exc)]
    return []


def docx_text(data: bytes) -> str:
    """The text of a .docx (paragraphs and table cells, in order), for tests and previews."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)
