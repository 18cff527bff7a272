"""Voice input: audio sources and the Vosk recogniser."""
