"""Operations: backup and restore, structured logs (health checks: scheduler.health)."""
