"""Floor mode: one-tap logging on a phone, offline-first (the heart of SchoolFit)."""
