# banwatch: one image for web (gunicorn), Celery workers and Celery beat.
FROM python:3.11-slim

# Production unless told otherwise: DEBUG false, so SECRET_KEY must be set and the deploy checks run at start.
ENV DEBUG=false \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BANWATCH_VAR_DIR=/var/lib/banwatch

# A fixed, unprivileged uid so that volume ownership is predictable across hosts.
RUN groupadd --system --gid 10001 banwatch \
    && useradd --system --uid 10001 --gid banwatch --home-dir /app --shell /usr/sbin/nologin banwatch

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=banwatch:banwatch . .
# Static files are collected into the image; WhiteNoise serves them from gunicorn.
# DEBUG=true only for this build step: production settings refuse to load without a real SECRET_KEY.
RUN DEBUG=true python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /var/lib/banwatch/beat \
    && chown -R banwatch:banwatch /var/lib/banwatch

USER banwatch
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]
