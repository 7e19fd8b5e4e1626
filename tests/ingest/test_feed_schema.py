"""The feed API is described in the OpenAPI schema, with the vendor key scheme and examples."""

from drf_spectacular.generators import SchemaGenerator


def test_feed_endpoints_are_in_the_schema(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"]["/api/v1/feeds/positions"]["post"]
    assert set(post["responses"]) >= {"202", "400", "401", "413", "503"}
    assert "examples" in post["requestBody"]["content"]["application/json"]
    assert "/api/v1/feeds/events" in schema["paths"]
    assert post["security"] == [{"vendorApiKey": []}]
    assert schema["components"]["securitySchemes"]["vendorApiKey"]["in"] == "header"
