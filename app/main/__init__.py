"""Start page, language choice, and the PWA's root files (service worker, manifest, offline)."""
