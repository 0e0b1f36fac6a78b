"""The running service: the vote writer, the analyser and its scheduler, the snapshot hub and
the channels that carry snapshots between workers, retention and statement similarity."""
