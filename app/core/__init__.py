"""What every capability shares: the vocabulary, the role sets, local time, the school calendar,
SQL helpers and the form-action helper. Nothing here imports a capability package."""
