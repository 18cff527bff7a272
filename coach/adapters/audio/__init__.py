"""One owner for the speaker and the microphone, so the echo canceller knows what was played."""
