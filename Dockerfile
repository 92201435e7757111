# syntax=docker/dockerfile:1
# The configurator in one image: a wheel built in a throwaway stage, installed into a slim
# runtime that runs as a fixed non-root user and keeps its database and secret key in /data.
#   docker build -t floqer-upsert-configurator .
#   docker run -p 8000:8000 -v floqer-data:/data floqer-upsert-configurator

FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Wheels for the app and every dependency, so the runtime installs offline from them.
FROM base AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY webapp ./webapp
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM base AS runtime
# A fixed uid/gid, so a volume or a mounted secret can be given to it from outside.
RUN groupadd --system --gid 10001 webapp \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin webapp \
    && install --directory --owner=10001 --group=10001 --mode=0750 /data
# The wheels are bind-mounted, not copied, so they never become a layer of the image.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels \
        /wheels/floqer_upsert_configurator-*.whl
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/docker-entrypoint.sh

ENV WEBAPP_DATA_DIR=/data \
    WEBAPP_HOST=0.0.0.0 \
    WEBAPP_PORT=8000
VOLUME ["/data"]
# The working directory stays / (root-owned): `python -m` puts it first on sys.path, so it
# must never be the writable volume.
USER 10001:10001
EXPOSE 8000

# No curl in slim images: python's urllib asks /healthz, which never calls Floqer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:' + os.environ.get('WEBAPP_PORT', '8000') + '/healthz', timeout=4)"]

ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
