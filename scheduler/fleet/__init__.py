"""The server's side of the station agents: credentials, the schedule feed, as-run, health."""
