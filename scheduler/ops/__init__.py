"""Operations: backup and restore, health checks, structured logs."""
