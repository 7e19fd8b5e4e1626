"""docker-compose.yml: valid for docker-compose, a health check and restart policy everywhere, no secrets."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SERVICES = {"postgres", "redis", "web", "worker-ingest", "worker-delivery", "beat"}


def docker_compose() -> str:
    """Return the docker-compose binary; skip locally without it, fail under CI (.ci/run installs it)."""
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing: .ci/run must `apt-get install -y docker-compose`")
        pytest.skip("docker-compose is not installed (Debian package docker-compose)")
    return binary


def compose_config(tmp_path: Path, env_text: str) -> subprocess.CompletedProcess:
    """Run `docker-compose config` on a copy of the file, with the given text as its .env."""
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text(env_text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "POLICE_QUEUE_URL", "ALLOWED_HOSTS"):
        env.pop(name, None)  # only the .env may supply them
    return subprocess.run(
        [docker_compose(), "config"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_config_accepts_the_file_with_the_example_env(tmp_path):
    result = compose_config(tmp_path, ENV_EXAMPLE.read_text())
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert set(config["services"]) == SERVICES
    for name, service in config["services"].items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        assert service.get("restart") in ("always", "unless-stopped"), f"{name} has no restart policy"


@pytest.mark.parametrize("variable", ["SECRET_KEY"])
def test_compose_config_refuses_a_missing_secret(tmp_path, variable):
    env_text = re.sub(rf"^{variable}=.*$", "", ENV_EXAMPLE.read_text(), flags=re.MULTILINE)
    result = compose_config(tmp_path, env_text)
    assert result.returncode != 0
    assert variable in result.stderr


def test_every_service_has_a_health_check_in_the_file(raw):
    assert set(raw["services"]) == SERVICES
    for name, service in raw["services"].items():
        assert service["healthcheck"]["test"], name


def test_no_secret_is_written_in_the_compose_file(raw):
    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key)
        else:
            yield key, str(node)

    for key, value in walk(raw):
        if re.search(r"PASSWORD|SECRET|AUTH", key):
            assert value.startswith("${"), f"{key}={value!r} should come from .env"
        for password in re.findall(r"://[^:/@\s]*:([^@\s]+)@", value):
            assert password.startswith("${"), f"{key}: the password in {value!r} should come from .env"


def test_workers_consume_their_own_queues(raw):
    ingest = " ".join(raw["services"]["worker-ingest"]["command"])
    delivery = " ".join(raw["services"]["worker-delivery"]["command"])
    assert "-Q default,ingest" in ingest
    assert "-Q delivery" in delivery and "--prefetch-multiplier 1" in delivery


def test_redis_persists_append_only_and_never_evicts(raw):
    command = raw["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert any(v.startswith("redisdata:") for v in raw["services"]["redis"]["volumes"])


def test_image_runs_as_an_unprivileged_user_with_collected_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "pip install -r requirements.txt" in dockerfile
    assert "collectstatic --noinput" in dockerfile


def test_postgres_keeps_its_working_set_in_shared_buffers_sized_from_env(tmp_path):
    # PostgreSQL's default 128 MB left the lookup's tables to the OS page cache, which some virtual machines
    # hand back to the host: lookups then waited on the disk.
    line = re.compile(r"^POSTGRES_SHARED_BUFFERS=.*$", flags=re.M)
    env_text = line.sub("POSTGRES_SHARED_BUFFERS=6GB", ENV_EXAMPLE.read_text())
    result = compose_config(tmp_path, env_text)
    assert result.returncode == 0, result.stderr
    command = yaml.safe_load(result.stdout)["services"]["postgres"]["command"]
    assert "shared_buffers=6GB" in command
    unset = compose_config(tmp_path, line.sub("", env_text))
    assert unset.returncode == 0, unset.stderr
    assert "shared_buffers=2GB" in yaml.safe_load(unset.stdout)["services"]["postgres"]["command"]
