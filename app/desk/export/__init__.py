"""The export to the school's LVS (Magister, SOMtoday): CSV and "kopieer voor LVS"."""
