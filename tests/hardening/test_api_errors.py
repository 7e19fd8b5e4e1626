"""API errors are JSON: a path under /api/ that matches no route answers 404 with a `detail`, not an HTML page."""


def test_unknown_api_path_is_a_json_404(world):
    response = world.client("registrar").get("/api/v1/alerts/geen-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_page_is_still_html(world):
    response = world.client("registrar").get("/geen-pagina/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_audit_filter_by_a_person_id_beyond_64_bits_is_a_400(world):
    # Found by the fuzzer: SQLite cannot bind the number, which was a 500.
    response = world.client("supervisor").get("/api/v1/audit", {"person": str(2**64)})
    assert response.status_code == 400
    assert "person" in response.json()


def test_served_schema_documents_the_error_answers_of_every_operation(world):
    schema = world.client("registrar").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            wanted = {"400", "401", "403", "404", "405", "429"}
            if "requestBody" in operation:
                wanted |= {"413", "415"}
            missing += [f"{method.upper()} {path} {code}" for code in sorted(wanted - set(operation["responses"]))]
    assert not missing, missing
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_list_filter_by_an_id_beyond_64_bits_is_a_400(world):
    # Found by the fuzzer: SQLite cannot bind the number, which was a 500.
    for path, name in [
        ("/api/v1/bans/", "person"),
        ("/api/v1/bans/", "protected_person"),
        ("/api/v1/decisions/", "person"),
    ]:
        response = world.client("registrar").get(path, {name: "1e30"})
        assert response.status_code == 400, (path, name, response.status_code)
        assert name in response.json()


def test_schema_of_letter_generation_is_the_answer_it_gives(world):
    # Found by the fuzzer: the schema said a paginated list, the answer is {"generated": [...]}.
    schema = world.client("registrar").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    answer = schema["paths"]["/api/v1/letters/generate/"]["post"]["responses"]["200"]["content"]["application/json"]
    ref = answer["schema"]["$ref"].rsplit("/", 1)[1]
    assert list(schema["components"]["schemas"][ref]["properties"]) == ["generated"]
