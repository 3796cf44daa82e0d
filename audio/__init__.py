"""Pure functions over audio files (pydub and the ffmpeg it drives); no database, no config."""
