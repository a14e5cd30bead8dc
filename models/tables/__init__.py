"""The schema by area; import the tables from ``models.entities`` (one import point)."""
