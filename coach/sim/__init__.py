"""A simulated person and camera, so the whole coach runs on any machine."""
