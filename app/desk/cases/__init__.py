"""Case records (casus): the list, a case's page, its status workflow, notes and reviews."""
