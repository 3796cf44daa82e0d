"""Flask web application, JSON API and the `loa` command line."""
