"""Document the error answers every API operation can give, once, as a drf-spectacular postprocessing hook.

DRF answers errors in two shapes (registry/api/errors.py): `{"detail": "..."}` for a refusal, and for
bad input an object of field name -> messages (`non_field_errors` for the body as a whole). Operations
that describe an error themselves (the feed API, an import's 400) keep their own description.
"""

ERROR = {
    "type": "object",
    "description": "A refusal: what went wrong, in the user's language.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input: field name -> list of messages (`non_field_errors` for the body as a whole; nested "
        "objects and lists for nested fields), or `detail` when the body could not be read."
    ),
    "additionalProperties": True,
}
COMMON = {
    "400": ("ValidationError", "Bad input: a message per field."),
    "401": ("Error", "Not authenticated: no, an invalid or a revoked token, session or key."),
    "403": ("Error", "Authenticated, but the role may not do this."),
    "404": ("Error", "No such object (or not one this role may see)."),
    "405": ("Error", "Method not allowed on this path."),
    "429": ("Error", "Too many requests; the Retry-After header says when to try again."),
}
WITH_BODY = {
    "413": ("Error", "Request body too large."),
    "415": ("Error", "Unsupported Content-Type for the body."),
}
WRITES = ("post", "put", "patch", "delete")
CONFLICT = ("Error", "The object's state does not allow this (e.g. a ban already ended, a letter already sent).")


def _response(schema: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Add the common error answers to every operation that does not describe them itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            errors = {**COMMON, **(WITH_BODY if "requestBody" in operation else {})}
            if method in WRITES:
                errors["409"] = CONFLICT
            for code, (schema, description) in errors.items():
                responses.setdefault(code, _response(schema, description))
            # A 409 declared without a body still answers {"detail": ...}.
            if "409" in responses and "content" not in responses["409"]:
                responses["409"] = _response("Error", responses["409"].get("description") or "Conflict with the state.")
    return result
