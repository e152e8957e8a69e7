"""generators: compute figures and render documents from the archive (read-only)."""
