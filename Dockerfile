# kela-service: gunicorn behind a TLS-terminating proxy.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings that load; these values exist only during the build.
RUN DEBUG=false SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
 && useradd --system --uid 10001 --home /app kela \
 && chown -R kela /app/staticfiles

USER kela
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python bin/healthcheck.py

# The image runs behind one TLS-terminating proxy that sets X-Forwarded-Proto and
# appends the client address to X-Forwarded-For. Without such a proxy, override both.
ENV SECURE_PROXY_SSL_HEADER=true \
    NUM_PROXIES=1
# Set at run time: SECRET_KEY, ACCESS_RECORD_KEY, LINK_KEY, ALLOWED_HOSTS, DATABASE_URL (postgres://...), REDIS_URL,
# CSRF_TRUSTED_ORIGINS, EMAIL_URL, DEFAULT_FROM_EMAIL, SMS_URL, SMS_WEBHOOK_SECRET,
# SITE_URL (`check --deploy` fails without REDIS_URL, EMAIL_URL or SMS_URL). The same
# image runs the task worker: `python manage.py qcluster`.
#
# gunicorn.conf.py binds 127.0.0.1:8000 and believes forwarded headers only from there:
# run the proxy in this container's network namespace (a sidecar in the same pod, or
# `network_mode: "service:web"` in Compose), so that no client can reach gunicorn past
# it and write its own X-Forwarded-For. No port is exposed. gunicorn.conf.py also masks
# the private manage/cancel links in the access log.
CMD ["gunicorn", "kela_service.wsgi:application", "--config", "gunicorn.conf.py", \
     "--workers", "3"]
