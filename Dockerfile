# The mock server as a service: `docker build -t sequrity-mock .` then see docs/how-to/docker.md.
#
# The server listens on 0.0.0.0 inside the container, which is beyond loopback: it refuses to start
# until you choose how the admin API (/__admin: stubs, faults, the journal) is reached:
#   -e SEQURITY_MOCK_ADMIN_TOKEN=<token>   the admin API needs "Authorization: Bearer <token>", or
#   -e SEQURITY_MOCK_ADMIN_OPEN=1          the admin API is open to whoever reaches the port.
# Every other `serve` option has its SEQURITY_MOCK_* variable too (e.g. SEQURITY_MOCK_API_KEY=k1,k2,
# SEQURITY_MOCK_STUBS=/stubs, SEQURITY_MOCK_LOG_LEVEL=info), or give options after the image name.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY sequrity_contract ./sequrity_contract
COPY schemas ./schemas
COPY strategies ./strategies
COPY mockserver ./mockserver
COPY contract_tests ./contract_tests
# PyYAML: stub files may be YAML
RUN pip install --no-cache-dir . pyyaml \
    && useradd --create-home --uid 10001 mock

WORKDIR /home/mock
USER 10001
EXPOSE 8765
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/control/health' % os.environ.get('SEQURITY_MOCK_PORT', '8765'), timeout=2)"]

ENTRYPOINT ["sequrity-mock", "serve", "--host", "0.0.0.0"]
