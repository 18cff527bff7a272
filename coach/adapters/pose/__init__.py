"""The pose model's adapter: its two files, fetching them, and running them with LiteRT."""
