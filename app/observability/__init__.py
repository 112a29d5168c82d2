"""What an IT partner watches: structured logs (JSON lines) and Prometheus metrics. Neither ever
holds a student's name, a note or a leerlingnummer: requests are logged by their route
template (``/bureau/leerling/<leerlingnummer>/…``), never by their path."""
