"""Demo and synthetic data, in one place: the school group's locations, demo accounts and
students (``organisation``), a living floor history, desk work and absence (``floor``, ``desk``,
``absence``), and the synthetic Magister export the demo, the tests and the benchmarks use
(``synthetic_absence``). ``seed.seed_demo`` builds it all; production refuses it."""
