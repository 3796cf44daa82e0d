"""Feed ingest (feedparser): sources, conditional polling, plain-text entries, the inbox."""
