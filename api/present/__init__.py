"""The one rendering of an analysis result and of a diversity answer, for every surface."""
