"""The afternoon inbox: the morning's own floor entries, open flags, quarantined entries."""
