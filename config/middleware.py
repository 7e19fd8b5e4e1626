"""Refuse oversized request bodies before any view reads them.

DRF parses the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
alone does not protect the JSON API. A chunked body has no Content-Length to
check, and Django's WSGI request reads it as empty, so a view would see a
silently missing body: it is refused with 411 on every route instead.
"""

import json

from django.conf import settings
from django.http import HttpResponse


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = _refusal(request)
        return refusal if refusal is not None else self.get_response(request)


def _refusal(request) -> HttpResponse | None:
    declared = request.META.get("CONTENT_LENGTH")
    if not declared and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return _json_error(
            411, "Send the body with a Content-Length; chunked uploads are not accepted.", "length_required"
        )
    try:
        length = int(declared or 0)
    except ValueError:
        return _json_error(400, "Content-Length is not a number.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.method == "POST" and request.path.startswith(settings.IMPORT_UPLOAD_PATHS):
        limit = settings.IMPORT_MAX_FILE_BYTES  # decision files are streamed to disk, never held in memory
    if limit is not None and length > limit:
        return _json_error(413, f"Request body too large: {length} bytes, limit {limit} bytes.")
    return None


def _json_error(status: int, detail: str, code: str = "") -> HttpResponse:
    body = json.dumps({"detail": detail, "code": code} if code else {"detail": detail})
    return HttpResponse(body, status=status, content_type="application/json")
