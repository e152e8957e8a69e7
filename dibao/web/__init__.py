"""The web interface: FastAPI pages over the same catalog and rules as the command line (app.py builds it)."""
