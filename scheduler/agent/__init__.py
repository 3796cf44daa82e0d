"""The station agent: caches its channel's coming schedule and audio, plays each slot on time,
and reports what it played. It talks to the server over the JSON API only and imports neither
Flask nor the server's models (tests/test_agent_imports.py keeps it so)."""

VERSION = "0.1.0"
