# Best City Atlas: one Streamlit process per container (`streamlit run server.py`, port 8501).
# The raw open data is mounted read-only at /data; the processed store lives in /store (built by
# `python -m deploy.run --store-only` before the replicas start: see docker-compose.yml). The store is a
# subfolder of the volume because the build writes a sibling folder and renames it into place.
# NOT TESTED BY CI: the CI machine has no Docker daemon. tests/deploy runs the same server, replicas and
# HAProxy configuration without Docker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BCA_DATA_DIR=/data \
    BCA_PROCESSED_DIR=/store/processed

WORKDIR /app
COPY requirements.txt ./
# The runtime part of requirements.txt only (the test tools below "# Tests" are not needed to serve).
RUN sed '/^# Tests/,$d' requirements.txt > /tmp/runtime.txt && pip install -r /tmp/runtime.txt && rm /tmp/runtime.txt

COPY .streamlit ./.streamlit
COPY app.py server.py ./
COPY app_pages ./app_pages
COPY components ./components
COPY data ./data
COPY deploy ./deploy
COPY geo ./geo
COPY metrics ./metrics

RUN useradd --system --create-home --uid 10001 atlas && mkdir -p /store /data && chown atlas /store
USER atlas

EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/healthz', timeout=3).status != 200)"
CMD ["streamlit", "run", "server.py", "--server.address", "0.0.0.0", "--server.port", "8501", \
     "--server.headless", "true", "--browser.gatherUsageStats", "false"]
