"""Privacy (AVG): the audit trail, backups; retention and subject access build on it."""
