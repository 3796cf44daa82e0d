"""Server-rendered pages, one blueprint per feature."""
