"""Notifications: in-app inbox, email over SMTP and signed webhooks, texts in vi and en."""
