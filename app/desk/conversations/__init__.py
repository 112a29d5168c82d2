"""Conversation reports (gespreksverslagen)."""
