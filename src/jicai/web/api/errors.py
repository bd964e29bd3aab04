"""How the API refuses: every refusal a 4xx (or 503) with a Chinese and an English message.

==========  ==========================================================================
status      when
==========  ==========================================================================
400         the body cannot be parsed (not JSON, or not the declared encoding)
401         no valid token or session
403         the role may not do this
404         not found, or not in the caller's scope (the two are not told apart)
409         not allowed now or not like this (a workflow rule; the body says why)
422         the request breaks a bound: a number out of range, a bad date, a value
            outside the contract's list (``errors`` says where)
503         the warehouse is busy (an import holds its lock) or cannot be read
==========  ==========================================================================

Every refusal body is a :class:`Problem`; :func:`document_errors` writes these
responses into each operation of the OpenAPI schema.
"""

from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from jicai.errors import JicaiError, WarehouseError
from jicai.web.workflow import WorkflowError


class FieldProblem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Problem(Schema):
    detail: str
    detail_en: str
    errors: list[FieldProblem] | None = None


ERROR_STATUSES: dict[int, str] = {
    400: "请求体无法解析（不是有效的 JSON） / the body cannot be parsed (not valid JSON)",
    401: "未登录或令牌无效 / not signed in, or the token is not valid",
    403: "无权操作 / the role may not do this",
    404: "不存在或不在权限范围内 / not found, or not in the caller's scope",
    409: "当前不允许或不符合规则 / not allowed now, or not like this",
    422: "请求数据超出范围或格式不对 / a value is out of range or malformed",
    503: "仓库正忙（正在导入）或无法读取 / the warehouse is busy (an import) or unreadable",
}


_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)[sdi]")


def _pattern(template: str) -> re.Pattern[str] | None:
    """A regular expression matching ``template`` with its ``%(name)s`` filled in."""
    try:
        return re.compile("^" + _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(template)) + "$",
                          re.DOTALL)
    except re.error:  # the same placeholder twice
        return None


@functools.cache
def _catalogue() -> tuple[dict[str, str], dict[str, str], list[tuple[Any, str, str]]]:
    """The app's zh-hans catalogue both ways, and the patterns of its templates."""
    path = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as fh:
        catalog: dict[Any, str] = getattr(gettext.GNUTranslations(fh), "_catalog", {})
    pairs = [(en, zh) for en, zh in catalog.items() if isinstance(en, str) and en and zh]
    templates = [(rx_zh, rx_en, en, zh) for en, zh in pairs if "%(" in en
                 for rx_zh, rx_en in [(_pattern(zh), _pattern(en))] if rx_zh and rx_en]
    return ({zh: en for en, zh in pairs}, {en: zh for en, zh in pairs},
            [((rx_zh, rx_en), en, zh) for rx_zh, rx_en, en, zh in templates])


def in_both(text: str) -> tuple[str, str]:
    """``text`` (a translated app message in either language) in Chinese and in English.

    A message the catalogue does not hold (a joined list, another library's) is
    given as it is in both.
    """
    to_en, to_zh, templates = _catalogue()
    if text in to_en:
        return text, to_en[text]
    if text in to_zh:
        return to_zh[text], text
    for (rx_zh, rx_en), en, zh in templates:
        for rx in (rx_zh, rx_en):
            found = rx.match(text)
            if found:
                values = found.groupdict()
                return zh % values, en % values
    return text, text


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


def _field_problems(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
             "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in errors]


def _body(zh: str, en: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": zh, "detail_en": en}
    if errors is not None:
        body["errors"] = errors
    return body


def install(api: NinjaAPI) -> None:
    """Register the refusal handlers on ``api``."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 503:
            response["Retry-After"] = "30"
        return response

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _field_problems(list(exc.errors))
        first = errors[0] if errors else {"loc": [], "msg": ""}
        where = _where(list(first["loc"]))
        more = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
        more_en = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return respond(request, 422, _body(
            f"请求数据有误：{where}：{first['msg']}{more}",
            f"invalid request: {where}: {first['msg']}{more_en}", errors))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, _body("不存在或不在您的权限范围内",
                                           "not found, or not in your scope"))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, _body("您的角色无权执行此操作", "your role may not do this"))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, _body("未登录或令牌无效", "not signed in, or the token is "
                                                          "not valid"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            return respond(request, 400, _body(f"请求体无法解析：{exc}",
                                               f"the body cannot be parsed: {exc}"))
        return respond(request, exc.status_code, _body(str(exc), str(exc)))

    @api.exception_handler(WorkflowError)
    def refused(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        # The message comes in the caller's language (zh-hans unless switched): both.
        return respond(request, 409, _body(*in_both(str(exc))))

    @api.exception_handler(DjangoValidationError)
    def django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        both = [in_both(str(m)) for m in exc.messages]
        return respond(request, 422, _body("；".join(z for z, _e in both),
                                           "; ".join(e for _z, e in both)))

    @api.exception_handler(WarehouseError)
    def busy(request: HttpRequest, exc: WarehouseError) -> HttpResponse:
        return respond(request, 503, _body(exc.zh, exc.en))

    @api.exception_handler(JicaiError)
    def jicai(request: HttpRequest, exc: JicaiError) -> HttpResponse:
        return respond(request, 409, _body(exc.zh, exc.en))



def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the refusal responses (and the :class:`Problem` body) to every operation."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (FieldProblem, Problem):
        spec = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in spec.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components[model.__name__] = spec
    ref = {"$ref": "#/components/schemas/Problem"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                responses.setdefault(str(status), {
                    "description": text, "content": {"application/json": {"schema": ref}}})
    return schema
