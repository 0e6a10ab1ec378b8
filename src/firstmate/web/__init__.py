"""The web entrypoint: FastAPI, server-rendered pages (Jinja2), works without JavaScript."""
