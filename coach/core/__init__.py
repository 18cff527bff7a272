"""Pure cores: arrays and dataclasses in, events out. No I/O, threads or clocks here."""
