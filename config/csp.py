"""Content-Security-Policy on every response: no inline script or style on banwatch's own pages.

Our pages load scripts and styles only from /static/ and pass data to scripts
as `json_script` blocks (not executed) or data- attributes, so the strict policy
needs no 'unsafe-inline' and no nonce. Django's admin (5.2) follows it too:
its templates carry no inline script or style attribute.

Only the API documentation loads third-party bundles that cannot follow it:
/api/docs/ (Swagger UI) and /api/redoc/ (ReDoc) inject style elements and draw
icons from data: URLs, and ReDoc runs a worker from a blob: URL. They get
style-src 'unsafe-inline', img-src data: and worker-src blob:, never an inline
script; these pages show the API schema only, no personal data, behind a login.
"""

from urllib.parse import urlsplit

from django.conf import settings

HEADER = "Content-Security-Policy"
LOOSER_PREFIXES = {"/api/docs/": "docs", "/api/redoc/": "docs"}


def strict_directives() -> dict[str, list[str]]:
    """Return the policy of banwatch's own pages; map tiles may come from the configured tile server.

    With tiles configured, img-src also admits data: for Leaflet's empty tile (a 1-pixel GIF as a
    data: URL, built into leaflet.js) that replaces a tile being unloaded; images only, never scripts.
    """
    hosts = tile_hosts()
    images = ["'self'"] + (["data:"] + hosts if hosts else [])
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


def policies() -> dict[str, str]:
    """Return the header value of each kind of page: strict, and docs for the API documentation."""
    strict = strict_directives()
    docs = strict | {
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
    }
    return {"strict": _render(strict), "docs": _render(docs)}


def policy_for(path: str, table: dict[str, str]) -> str:
    for prefix, name in LOOSER_PREFIXES.items():
        if path.startswith(prefix):
            return table[name]
    return table["strict"]


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.table = policies()

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy_for(request.path, self.table)
        return response


def tile_subdomains() -> list[str]:
    """Return MAP_TILE_SUBDOMAINS as a list: "a,b,c" or, as Leaflet reads a string, one per letter ("abc")."""
    value = (getattr(settings, "MAP_TILE_SUBDOMAINS", "") or "").strip()
    return [part.strip() for part in value.split(",") if part.strip()] if "," in value else list(value)


def tile_hosts() -> list[str]:
    """Return the origins MAP_TILE_URL loads tiles from, with its {s} expanded to every subdomain."""
    url = getattr(settings, "MAP_TILE_URL", "") or ""
    urls = [url.replace("{s}", sub) for sub in tile_subdomains()] if "{s}" in url else [url]
    origins = []
    for candidate in urls:
        parts = urlsplit(candidate)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins


def _render(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
