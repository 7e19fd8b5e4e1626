"""Refuse oversized request bodies before any view reads them.

DRF parses the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
alone does not protect the JSON API.
"""

import json

from django.conf import settings
from django.http import HttpResponse


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _json_error(400, "Content-Length is not a number.")
        if limit is not None and length > limit:
            return _json_error(413, f"Request body too large: {length} bytes, limit {limit} bytes.")
        return self.get_response(request)


def _json_error(status: int, detail: str) -> HttpResponse:
    return HttpResponse(json.dumps({"detail": detail}), status=status, content_type="application/json")
