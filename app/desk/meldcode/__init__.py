"""The Meldcode huiselijk geweld en kindermishandeling: trajecten, their steps, the melding."""
