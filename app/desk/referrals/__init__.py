"""Referrals (verwijzingen) to chain partners, and the list of partners beheer keeps."""
